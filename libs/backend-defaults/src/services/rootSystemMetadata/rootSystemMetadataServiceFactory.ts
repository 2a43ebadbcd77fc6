import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { DefaultRootSystemMetadataService } from './DefaultRootSystemMetadataService';

/** The default system metadata service: this backend's plugins and those of `discovery.endpoints`. @public */
export const rootSystemMetadataServiceFactory = createServiceFactory({
  service: coreServices.rootSystemMetadata,
  deps: { config: coreServices.rootConfig, instanceMetadata: coreServices.rootInstanceMetadata },
  factory: ({ config, instanceMetadata }) => DefaultRootSystemMetadataService.fromConfig(config, { instanceMetadata }),
});

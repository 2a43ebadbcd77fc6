import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { DefaultRootLifecycleService } from './DefaultRootLifecycleService';

/** Factory of the default root lifecycle. @public */
export const rootLifecycleServiceFactory = createServiceFactory({
  service: coreServices.rootLifecycle,
  deps: { logger: coreServices.rootLogger },
  factory: ({ logger }) => DefaultRootLifecycleService.create({ logger }),
});

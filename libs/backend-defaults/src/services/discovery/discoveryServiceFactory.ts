import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { DefaultRootHttpRouter } from '../rootHttpRouter/DefaultRootHttpRouter';
import { readHttpOptions } from '../rootHttpRouter/readHttpOptions';
import { HostDiscovery } from './HostDiscovery';

/** The default discovery service, one per backend. @public */
export const discoveryServiceFactory = createServiceFactory({
  service: coreServices.discovery,
  deps: {
    config: coreServices.rootConfig,
    rootHttpRouter: coreServices.rootHttpRouter,
    instanceMetadata: coreServices.rootInstanceMetadata,
  },
  createRootContext({ config, rootHttpRouter, instanceMetadata }) {
    const { host, port } = readHttpOptions(config);
    const configured = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
    const listenUrl = () => (rootHttpRouter instanceof DefaultRootHttpRouter && rootHttpRouter.listenUrl) || configured;
    return HostDiscovery.fromConfig(config, { listenUrl, instanceMetadata });
  },
  factory: (_deps, discovery) => discovery,
});

import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { createPermissionsRegistryRouter } from './createPermissionsRegistryRouter';
import { DefaultPermissionsRegistryService } from './DefaultPermissionsRegistryService';
import { DefaultPermissionsService } from './DefaultPermissionsService';

/** The default factory of `coreServices.permissions`. @public */
export const permissionsServiceFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: { config: coreServices.rootConfig, discovery: coreServices.discovery, auth: coreServices.auth },
  factory: ({ config, discovery, auth }) => DefaultPermissionsService.create({ config, discovery, auth }),
});

/**
 * The default factory of `coreServices.permissionsRegistry`: the registry, with its metadata and
 * apply-conditions routes mounted on the plugin's router ahead of the plugin's own handlers.
 *
 * @public
 */
export const permissionsRegistryServiceFactory = createServiceFactory({
  service: coreServices.permissionsRegistry,
  deps: {
    pluginMetadata: coreServices.pluginMetadata,
    httpRouter: coreServices.httpRouter,
    httpAuth: coreServices.httpAuth,
  },
  factory: ({ pluginMetadata, httpRouter, httpAuth }) => {
    const registry = DefaultPermissionsRegistryService.create({ pluginId: pluginMetadata.getId() });
    httpRouter.use(createPermissionsRegistryRouter({ registry, httpAuth }));
    return registry;
  },
});

import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { actionsRegistryServiceRef } from '@trellis/backend-plugin-api/alpha';
import { DefaultActionsRegistryService } from './DefaultActionsRegistryService';

/** The default factory of `actionsRegistryServiceRef`: each plugin's actions on its own router. @alpha */
export const actionsRegistryServiceFactory = createServiceFactory({
  service: actionsRegistryServiceRef,
  deps: {
    metadata: coreServices.pluginMetadata,
    logger: coreServices.logger,
    auth: coreServices.auth,
    httpAuth: coreServices.httpAuth,
    httpRouter: coreServices.httpRouter,
    permissions: coreServices.permissions,
    permissionsRegistry: coreServices.permissionsRegistry,
  },
  factory: ({ metadata, logger, auth, httpAuth, httpRouter, permissions, permissionsRegistry }) => {
    const registry = DefaultActionsRegistryService.create({
      pluginId: metadata.getId(),
      logger,
      auth,
      httpAuth,
      permissions,
      permissionsRegistry,
    });
    httpRouter.use(registry.createRouter());
    return registry;
  },
});

import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { addAuthIntegrationRoutes } from './addAuthIntegrationRoutes';
import { createCredentialsBarrier } from './createCredentialsBarrier';
import { DefaultHttpRouter } from './DefaultHttpRouter';

/**
 * Factory of the plugin HTTP router: mounts, at `/api/<pluginId>`, the plugin's open auth
 * endpoints, then the credentials barrier, then the plugin's own handlers.
 *
 * @public
 */
export const httpRouterServiceFactory = createServiceFactory({
  service: coreServices.httpRouter,
  deps: {
    rootHttpRouter: coreServices.rootHttpRouter,
    pluginMetadata: coreServices.pluginMetadata,
    auth: coreServices.auth,
    httpAuth: coreServices.httpAuth,
  },
  factory({ rootHttpRouter, pluginMetadata, auth, httpAuth }) {
    const router = DefaultHttpRouter.create();
    // One express router per plugin (the plugin's handlers go after these two): each nested
    // router costs every request a pass through express's dispatch.
    const mounted = router.handler();
    addAuthIntegrationRoutes(mounted, { auth });
    mounted.use(createCredentialsBarrier({ httpAuth, policies: () => router.policies() }));
    rootHttpRouter.use(`/api/${pluginMetadata.getId()}`, mounted);
    return router;
  },
});

import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { createAuthIntegrationRoutes } from './createAuthIntegrationRoutes';
import { createCookieAuthRefreshMiddleware } from './createCookieAuthRefreshMiddleware';
import { createCredentialsBarrier, createPathAccess } from './createCredentialsBarrier';
import { createWebSocketBarrier } from './createWebSocketBarrier';
import { DefaultHttpRouter } from './DefaultHttpRouter';
import { createOriginCheck } from './isAllowedOrigin';

/**
 * Factory of the plugin HTTP router: mounts, at `/api/<pluginId>`, the plugin's open auth
 * endpoints, then the credentials barrier, the user cookie endpoint, then the plugin's own
 * handlers. WebSocket handlers go to the root router at their absolute path, behind the same
 * auth policies.
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
    config: coreServices.rootConfig,
    discovery: coreServices.discovery,
  },
  factory({ rootHttpRouter, pluginMetadata, auth, httpAuth, config, discovery }) {
    const pluginId = pluginMetadata.getId();
    const basePath = `/api/${pluginId}`;
    const accessOf = createPathAccess(() => router.policies());
    const guard = createWebSocketBarrier({
      httpAuth,
      accessOf,
      isAllowedOrigin: createOriginCheck({ config, externalBaseUrl: () => discovery.getExternalBaseUrl(pluginId) }),
    });
    const router = DefaultHttpRouter.create({
      addWebSocketHandler: (handler) =>
        rootHttpRouter.addWebSocketHandler({
          path: handler.path === '/' ? basePath : `${basePath}${handler.path}`,
          handler: guard(handler),
        }),
    });
    // The open auth endpoints, the credentials barrier and the cookie endpoint go first; the plugin
    // router runs its handlers in turn, without an express dispatch for each.
    router.use(createAuthIntegrationRoutes({ auth }));
    router.use(createCredentialsBarrier({ httpAuth, accessOf }));
    router.use(createCookieAuthRefreshMiddleware({ auth, httpAuth }));
    rootHttpRouter.use(basePath, router.handler());
    return router;
  },
});

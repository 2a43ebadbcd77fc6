import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import express from 'express';
import { createAuthIntegrationRouter } from './createAuthIntegrationRouter';
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
    const mounted = express.Router();
    mounted.use(createAuthIntegrationRouter({ auth }));
    mounted.use(createCredentialsBarrier({ httpAuth, policies: () => router.policies() }));
    mounted.use(router.handler());
    rootHttpRouter.use(`/api/${pluginMetadata.getId()}`, mounted);
    return router;
  },
});

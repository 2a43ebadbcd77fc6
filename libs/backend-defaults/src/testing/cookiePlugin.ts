import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import express from 'express';

/**
 * A plugin for user cookie tests. `/static/*` is open to the user cookie: `/static/whoami`
 * answers with the principal when limited access is allowed, `/static/strict` asks for full
 * credentials. `/whoami` has no cookie policy. `/limited-token` hands out a limited user token
 * for the caller, `/own-limited-token` tries one for the plugin's own service credentials.
 */
export function createCookiePlugin(pluginId: string) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, auth: coreServices.auth },
        async init({ httpRouter, httpAuth, auth }) {
          const router = express.Router();
          router.get('/static/whoami', async (req, res) => {
            const credentials = await httpAuth.credentials(req, { allow: ['user'], allowLimitedAccess: true });
            res.json({ principal: credentials.principal, expiresAt: credentials.expiresAt?.toISOString() });
          });
          router.get('/static/strict', async (req, res) => {
            const credentials = await httpAuth.credentials(req, { allow: ['user'] });
            res.json({ principal: credentials.principal });
          });
          router.get('/whoami', async (req, res) => {
            res.json({ principal: (await httpAuth.credentials(req)).principal });
          });
          router.get('/limited-token', async (req, res) => {
            const credentials = await httpAuth.credentials(req, { allow: ['user'] });
            const { token, expiresAt } = await auth.getLimitedUserToken(credentials);
            res.json({ token, expiresAt: expiresAt.toISOString() });
          });
          router.get('/own-limited-token', async (_req, res) => {
            const own = await auth.getOwnServiceCredentials();
            res.json(await auth.getLimitedUserToken(own as never));
          });
          httpRouter.use(router);
          httpRouter.addAuthPolicy({ path: '/static', allow: 'user-cookie' });
        },
      });
    },
  });
}

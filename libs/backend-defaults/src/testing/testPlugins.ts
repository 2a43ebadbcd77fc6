import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { ServiceUnavailableError } from '@trellis/errors';
import express from 'express';

/** Where the test backend listens, filled in once it started. */
export interface BaseUrlHolder {
  baseUrl?: string;
}

/**
 * A plugin for auth tests: `GET /whoami` answers with the caller's principal, `GET /open` is open
 * to everyone, `GET /call/:target` calls the target's `/whoami` with a token minted on behalf of
 * the caller, and `GET /token/:target` hands out such a token.
 */
export function createProbePlugin(pluginId: string, holder: BaseUrlHolder = {}) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, auth: coreServices.auth },
        async init({ httpRouter, httpAuth, auth }) {
          const router = express.Router();
          router.get('/whoami', async (req, res) => {
            const credentials = await httpAuth.credentials(req);
            res.json({ plugin: pluginId, principal: credentials.principal });
          });
          router.get('/open', (_req, res) => {
            res.json({ plugin: pluginId, open: true });
          });
          router.post('/echo', (req, res) => {
            res.json({ body: req.body });
          });
          router.get('/token/:target', async (req, res) => {
            const onBehalfOf = await httpAuth.credentials(req);
            res.json(await auth.getPluginRequestToken({ onBehalfOf, targetPluginId: req.params.target }));
          });
          router.get('/call/:target', async (req, res) => {
            const onBehalfOf = await httpAuth.credentials(req);
            const { token } = await auth.getPluginRequestToken({ onBehalfOf, targetPluginId: req.params.target });
            const response = await fetch(`${holder.baseUrl}/api/${req.params.target}/whoami`, {
              headers: { authorization: `Bearer ${token}` },
            });
            res.json({ status: response.status, body: await response.json() });
          });
          router.get('/boom', () => {
            throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
          });
          router.get('/unavailable', () => {
            throw new ServiceUnavailableError('upstream is restarting');
          });
          httpRouter.use(router);
          httpRouter.addAuthPolicy({ path: '/open', allow: 'unauthenticated' });
        },
      });
    },
  });
}

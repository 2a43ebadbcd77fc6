import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import express from 'express';
import { mockCredentials } from './mockCredentials';
import { startTestBackend } from './startTestBackend';

function probePlugin(pluginId: string, holder: { baseUrl?: string } = {}) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, auth: coreServices.auth },
        async init({ httpRouter, httpAuth, auth }) {
          const router = express.Router();
          router.get('/whoami', async (req, res) => {
            res.json((await httpAuth.credentials(req)).principal);
          });
          router.get('/users-only', async (req, res) => {
            res.json((await httpAuth.credentials(req, { allow: ['user'] })).principal);
          });
          router.get('/call/:target', async (req, res) => {
            const onBehalfOf = await httpAuth.credentials(req);
            const { token } = await auth.getPluginRequestToken({ onBehalfOf, targetPluginId: req.params.target });
            const response = await fetch(`${holder.baseUrl}/api/${req.params.target}/whoami`, {
              headers: { authorization: `Bearer ${token}` },
            });
            res.status(response.status).json(await response.json());
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

describe('mockCredentials with startTestBackend', () => {
  const holder: { baseUrl?: string } = {};
  let baseUrl: string;

  beforeAll(async () => {
    const backend = await startTestBackend({ features: [probePlugin('alpha', holder), probePlugin('beta', holder)] });
    baseUrl = holder.baseUrl = backend.baseUrl;
  });

  async function call(path: string, authorization?: string) {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('lets a test call a protected route as a user', async () => {
    expect(await call('/api/alpha/whoami', mockCredentials.user.header())).toEqual({
      status: 200,
      body: { type: 'user', userEntityRef: 'user:default/mock' },
    });
    expect((await call('/api/alpha/whoami', mockCredentials.user.header('user:default/jane'))).body).toEqual({
      type: 'user',
      userEntityRef: 'user:default/jane',
    });
  });

  it('keeps default-deny: no, empty and invalid credentials get 401', async () => {
    for (const header of [
      undefined,
      mockCredentials.none.header(),
      mockCredentials.invalid.header(),
      mockCredentials.user.invalidHeader(),
    ]) {
      const { status, body } = await call('/api/alpha/whoami', header);
      expect(status).toBe(401);
      expect(body.error).toEqual(expect.objectContaining({ name: 'AuthenticationError' }));
    }
  });

  it('applies the allowed principal types of a route', async () => {
    expect((await call('/api/alpha/users-only', mockCredentials.service.header())).status).toBe(403);
    expect((await call('/api/alpha/users-only', mockCredentials.user.header())).status).toBe(200);
  });

  it('applies audience and access restrictions of service tokens', async () => {
    expect((await call('/api/alpha/whoami', mockCredentials.service.header({ targetPluginId: 'alpha' }))).status).toBe(
      200,
    );
    expect((await call('/api/beta/whoami', mockCredentials.service.header({ targetPluginId: 'alpha' }))).status).toBe(
      401,
    );
    const restricted = mockCredentials.service.header({ accessRestrictions: { plugins: ['alpha'] } });
    expect((await call('/api/alpha/whoami', restricted)).status).toBe(200);
    expect((await call('/api/beta/whoami', restricted)).status).toBe(403);
  });

  it('carries the user through a plugin to plugin call', async () => {
    expect(await call('/api/alpha/call/beta', mockCredentials.user.header())).toEqual({
      status: 200,
      body: { type: 'user', userEntityRef: 'user:default/mock', actor: { subject: 'plugin:alpha' } },
    });
  });
});

import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import express from 'express';
import { rawHttpRequest } from '@trellis/test-kit';
import { startBackend, StartedBackend } from '../../testing/startBackend';

const TOKEN = 'ops-token-0123456789-abcdefghijklmn';

const policyPlugin = createBackendPlugin({
  pluginId: 'policies',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = express.Router();
        router.all('/{*rest}', (req, res) => {
          res.json({ path: req.path });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/public', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/items/:id/preview', allow: 'unauthenticated' });
      },
    });
  },
});

describe('the credentials barrier', () => {
  let backend: StartedBackend;

  beforeAll(async () => {
    backend = await startBackend({
      features: [policyPlugin],
      config: {
        backend: { auth: { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] } },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const status = async (path: string, init: RequestInit = {}) =>
    (await fetch(`${backend.baseUrl}/api/policies${path}`, init)).status;

  it.each([
    ['/public', 200],
    ['/public/', 200],
    ['/public/deeper/path', 200],
    ['/PUBLIC', 200],
    ['/items/42/preview', 200],
    ['/items/42/preview/large', 200],
    ['/', 401],
    ['/publicity', 401],
    ['/private', 401],
    ['/items/42', 401],
    ['/items//preview', 401],
    ['/%70ublic', 401],
    ['/public%2F..%2Fprivate', 400],
  ])('answers %s without credentials with %d', async (path, expected) => {
    expect(await status(path)).toBe(expected);
  });

  it('applies to every method', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(await status('/private', { method })).toBe(401);
    }
  });

  it('lets callers with credentials through everywhere', async () => {
    expect(await status('/private', { headers: { authorization: `Bearer ${TOKEN}` } })).toBe(200);
  });

  it('cannot be sidestepped by the letter case of the mount path', async () => {
    const port = Number(new URL(backend.baseUrl).port);
    const response = await rawHttpRequest({ port, data: 'GET /API/Policies/private HTTP/1.1\r\nHost: x\r\n\r\n' });
    expect(response.status).toBe(401);
  });
});

describe('auth policies', () => {
  it.each(['public', '/a/../b', '/a/*', '/a?b'])('refuses the policy path %p at plugin start', async (path) => {
    const plugin = createBackendPlugin({
      pluginId: 'bad',
      register(env) {
        env.registerInit({
          deps: { httpRouter: coreServices.httpRouter },
          async init({ httpRouter }) {
            httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
          },
        });
      },
    });
    await expect(startBackend({ features: [plugin] })).rejects.toThrow(/Auth policy path/);
  });
});

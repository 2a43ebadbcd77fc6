import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { startTestBackend } from './startTestBackend';
import { userInfoServiceFactory } from '@trellis/backend-defaults';
import { mockCredentials } from './mockCredentials';
import { freePort } from '@trellis/test-kit';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function openPlugin(pluginId: string, init?: () => Promise<void>) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          await init?.();
          httpRouter.addAuthPolicy({ path: '/ping', allow: 'unauthenticated' });
          httpRouter.use((req, res, next) => (req.path === '/ping' ? res.json({ pong: pluginId }) : next()));
        },
      });
    },
  });
}

describe('startTestBackend and the HTTP surface', () => {
  it('answers readiness 503 while plugins start, 200 once started, liveness 200 throughout', async () => {
    const port = await freePort();
    const gate = deferred();
    const starting = startTestBackend({
      features: [openPlugin('slow', () => gate.promise)],
      config: { backend: { listen: { port } } },
    });
    const base = `http://127.0.0.1:${port}`;
    let readiness: Response | undefined;
    for (let i = 0; i < 100 && !readiness; i++) {
      readiness = await fetch(`${base}/.trellis/health/v1/readiness`).catch(() => undefined);
      if (!readiness) await new Promise((r) => setTimeout(r, 20));
    }
    expect(readiness!.status).toBe(503);
    expect(await readiness!.json()).toMatchObject({ plugins: { slow: 'starting' } });
    expect((await fetch(`${base}/.trellis/health/v1/liveness`)).status).toBe(200);
    const early = await fetch(`${base}/api/slow/ping`);
    expect(early.status).toBe(503);
    gate.resolve();
    const backend = await starting;
    const ready = await fetch(`${base}/.trellis/health/v1/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', plugins: { slow: 'ready' } });
    await backend.stop();
  });

  it('keeps serving other plugins when one fails under policy continue, answering 503 for it', async () => {
    const backend = await startTestBackend({
      features: [
        openPlugin('good'),
        openPlugin('broken', async () => {
          throw new Error('cannot reach upstream');
        }),
      ],
      config: { backend: { startup: { plugins: { broken: { onPluginBootFailure: 'continue' } } } } },
    });
    expect((await fetch(`${backend.baseUrl}/api/good/ping`)).status).toBe(200);
    const broken = await fetch(`${backend.baseUrl}/api/broken/ping`);
    expect(broken.status).toBe(503);
    expect(((await broken.json()) as any).error.name).toBe('ServiceUnavailableError');
    const readiness: any = await (await fetch(`${backend.baseUrl}/.trellis/health/v1/readiness`)).json();
    expect(readiness.plugins).toEqual({ good: 'ready', broken: 'failed' });
    await backend.stop();
  });

  it('fails to start under the default policy, naming the plugin and the cause', async () => {
    await expect(
      startTestBackend({
        features: [
          openPlugin('broken', async () => {
            throw new Error('cannot reach upstream');
          }),
        ],
      }),
    ).rejects.toThrow(/Plugin 'broken' failed to start.*cannot reach upstream/s);
  });

  it("answers unknown routes with a JSON 404 and gives every response a request id of the server's own", async () => {
    const backend = await startTestBackend({ features: [openPlugin('good')] });
    const response = await fetch(`${backend.baseUrl}/nope`, { headers: { 'x-request-id': 'abc-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({
      error: { name: 'NotFoundError', message: 'No route for GET /nope' },
      request: { method: 'GET', url: '/nope' },
      response: { statusCode: 404 },
    });
    const generated = await fetch(`${backend.baseUrl}/api/good/ping`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await backend.stop();
  });

  it('stops listening after stop()', async () => {
    const backend = await startTestBackend({ features: [openPlugin('good')] });
    await backend.stop();
    await expect(fetch(`${backend.baseUrl}/api/good/ping`)).rejects.toThrow();
  });
});

describe('startTestBackend and user info', () => {
  const whoamiPlugin = createBackendPlugin({
    pluginId: 'whoami',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, userInfo: coreServices.userInfo },
        async init({ httpRouter, httpAuth, userInfo }) {
          httpRouter.use(async (req, res) => {
            res.json(await userInfo.getUserInfo(await httpAuth.credentials(req, { allow: ['user'] })));
          });
        },
      });
    },
  });

  it('answers user info without a catalog, a user owning through their own ref', async () => {
    const backend = await startTestBackend({ features: [whoamiPlugin] });
    const response = await fetch(`${backend.baseUrl}/api/whoami/me`, {
      headers: { authorization: mockCredentials.user.header('user:default/ada') },
    });
    expect(await response.json()).toEqual({
      userEntityRef: 'user:default/ada',
      ownershipEntityRefs: ['user:default/ada'],
    });
    await backend.stop();
  });

  it('reads ownership from the catalog when the real user info service is added', async () => {
    const backend = await startTestBackend({ features: [whoamiPlugin, userInfoServiceFactory] });
    const response = await fetch(`${backend.baseUrl}/api/whoami/me`, {
      headers: { authorization: mockCredentials.user.header('user:default/ada') },
    });
    // No catalog is installed here: the real service says so instead of guessing.
    expect(response.status).toBe(503);
    await backend.stop();
  });
});

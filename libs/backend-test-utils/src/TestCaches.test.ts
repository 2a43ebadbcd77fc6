import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { mockCredentials } from './mockCredentials';
import { startTestBackend } from './startTestBackend';
import { TestCacheId, TestCaches } from './TestCaches';

const memoPlugin = createBackendPlugin({
  pluginId: 'memo',
  register(env) {
    env.registerInit({
      deps: { cache: coreServices.cache, httpRouter: coreServices.httpRouter },
      async init({ cache, httpRouter }) {
        httpRouter.use(async (req, res) => {
          if (req.method === 'PUT') {
            await cache.set('value', req.body, { ttl: { minutes: 1 } });
          }
          res.json({ value: (await cache.get('value')) ?? null });
        });
      },
    });
  },
});

const caches = TestCaches.create();

async function backendOn(cache: object) {
  return startTestBackend({ features: [memoPlugin], config: { backend: { cache } as never } });
}

const headers = { authorization: mockCredentials.user.header(), 'content-type': 'application/json' };

describe('TestCaches', () => {
  it.each(caches.eachSupportedId())('gives %s caches that tests do not share', async (id) => {
    const mine = await caches.init(id as TestCacheId);
    const theirs = await caches.init(id as TestCacheId);
    expect(mine.keyPrefix).not.toEqual(theirs.keyPrefix);
    const a = await backendOn(mine);
    const b = await backendOn(theirs);
    await fetch(`${a.baseUrl}/api/memo`, { method: 'PUT', headers, body: JSON.stringify({ n: 1 }) });
    expect(await (await fetch(`${a.baseUrl}/api/memo`, { headers })).json()).toEqual({ value: { n: 1 } });
    expect(await (await fetch(`${b.baseUrl}/api/memo`, { headers })).json()).toEqual({ value: null });
    await Promise.all([a.stop(), b.stop()]);
  });

  it('shares a Redis cache between two backends with the same settings, as instances do', async () => {
    if (!caches.eachSupportedId().includes('REDIS')) {
      return;
    }
    const shared = await caches.init('REDIS');
    const a = await backendOn(shared);
    const b = await backendOn(shared);
    await fetch(`${a.baseUrl}/api/memo`, { method: 'PUT', headers, body: JSON.stringify({ n: 2 }) });
    expect(await (await fetch(`${b.baseUrl}/api/memo`, { headers })).json()).toEqual({ value: { n: 2 } });
    await Promise.all([a.stop(), b.stop()]);
  });
});

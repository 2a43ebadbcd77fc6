import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { startTestBackend } from '@trellis/backend-test-utils';
import { requireCommand, startRedis, waitFor } from '@trellis/test-kit';

const hasRedis = requireCommand('redis-server', 'the Redis outage test');

const cachedPlugin = createBackendPlugin({
  pluginId: 'cached',
  register(env) {
    env.registerInit({
      deps: { cache: coreServices.cache, httpRouter: coreServices.httpRouter },
      async init({ cache, httpRouter }) {
        httpRouter.addAuthPolicy({ path: '/value', allow: 'unauthenticated' });
        httpRouter.use(async (req, res, next) => {
          if (req.path !== '/value') return next();
          const cached = await cache.get<number>('value');
          if (cached === undefined) await cache.set('value', 42, { ttl: 60_000 });
          res.json({ value: cached ?? 42, cached: cached !== undefined });
        });
      },
    });
  },
});

(hasRedis ? it : it.skip)('answers every request while Redis is stopped and restarted', async () => {
  const redis = await startRedis();
  const backend = await startTestBackend({
    features: [cachedPlugin],
    config: { backend: { cache: { store: 'redis', connection: redis.url, commandTimeoutMs: 200 } } },
  });
  const statuses: number[] = [];
  const cachedFlags: boolean[] = [];
  let stop = false;
  const load = (async () => {
    while (!stop) {
      const response = await fetch(`${backend.baseUrl}/api/cached/value`, { signal: AbortSignal.timeout(3000) });
      statuses.push(response.status);
      cachedFlags.push(((await response.json()) as { cached: boolean }).cached);
    }
  })();
  // Each phase ends on what the responses show, not after a fixed time.
  const until = (what: string, done: () => boolean) => waitFor(done, { what, timeoutMs: 30_000, intervalMs: 20 });
  try {
    await until('a cached answer before the outage', () => cachedFlags.includes(true));
    await redis.kill();
    const killedAt = cachedFlags.length;
    await until('an uncached answer during the outage', () => cachedFlags.slice(killedAt).includes(false));
    await redis.restart();
    const restartedAt = cachedFlags.length;
    await until('a cached answer after Redis came back', () => cachedFlags.slice(restartedAt).includes(true));
  } finally {
    stop = true;
    await load;
    await redis.stop();
    await backend.stop();
  }
  expect(statuses.every((s) => s === 200)).toBe(true);
  expect(cachedFlags[cachedFlags.length - 1]).toBe(true);
  expect(cachedFlags.includes(false)).toBe(true);
});

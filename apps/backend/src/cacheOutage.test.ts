import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { startTestBackend } from '@trellis/backend-test-utils';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis && process.env.CI === 'true') {
  throw new Error('redis-server is required when CI=true');
}
if (!hasRedis) {
  console.warn('Skipping the Redis outage test: no redis-server binary');
}

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

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not start');
}

(hasRedis ? it : it.skip)('answers every request while Redis is stopped and restarted', async () => {
  const port = await freePort();
  let redis = await startRedis(port);
  const backend = await startTestBackend({
    features: [cachedPlugin],
    config: { backend: { cache: { store: 'redis', connection: `redis://127.0.0.1:${port}`, commandTimeoutMs: 200 } } },
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
  const until = async (what: string, done: () => boolean) => {
    for (const deadline = Date.now() + 30_000; !done();) {
      if (Date.now() > deadline) throw new Error(`${what} within 30 s (${statuses.length} responses)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    await until('no cached answer before the outage', () => cachedFlags.includes(true));
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    const killedAt = cachedFlags.length;
    await until('no uncached answer during the outage', () => cachedFlags.slice(killedAt).includes(false));
    redis = await startRedis(port);
    const restartedAt = cachedFlags.length;
    await until('no cached answer after Redis came back', () => cachedFlags.slice(restartedAt).includes(true));
  } finally {
    stop = true;
    await load;
    redis.kill('SIGKILL');
    await backend.stop();
  }
  expect(statuses.every((s) => s === 200)).toBe(true);
  expect(cachedFlags[cachedFlags.length - 1]).toBe(true);
  expect(cachedFlags.includes(false)).toBe(true);
});

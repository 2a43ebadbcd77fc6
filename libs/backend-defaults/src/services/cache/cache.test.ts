import { LoggerService } from '@trellis/backend-plugin-api';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { ConfigReader } from '../rootConfig';
import { CacheStore } from './CacheStore';
import { createCacheStore, NamespacedCache } from './cacheServiceFactory';

const warnings: string[] = [];
const logger: LoggerService = {
  error: () => {},
  warn: (message) => void warnings.push(message),
  info: () => {},
  debug: () => {},
  child: () => logger,
};

const redisUp =
  spawnSync(
    process.execPath,
    [
      '-e',
      `require('net').connect(6379,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`,
    ],
    { timeout: 3000 },
  ).status === 0;
const redisServer = spawnSync('redis-server', ['--version']).status === 0;
if ((!redisUp || !redisServer) && process.env.CI === 'true') {
  throw new Error('Redis (a server at 127.0.0.1:6379 and the redis-server binary) is required when CI=true');
}
if (!redisUp || !redisServer) {
  console.warn('Skipping Redis cache tests: no Redis at 127.0.0.1:6379 or no redis-server binary');
}

const stores: CacheStore[] = [];
function store(cache: object): CacheStore {
  const s = createCacheStore(ConfigReader.fromData({ backend: { cache } } as never), logger);
  stores.push(s);
  return s;
}
afterAll(() => Promise.all(stores.map((s) => s.close())));

const engines: Array<[string, object]> = [['memory', { store: 'memory' }]];
if (redisUp && redisServer) {
  engines.push(['redis', { store: 'redis', connection: 'redis://127.0.0.1:6379' }]);
}

describe.each(engines)('cache on %s', (_name, config) => {
  const run = Math.random().toString(36).slice(2);

  it('stores JSON values per plugin namespace and deletes them', async () => {
    const s = store(config);
    const a = new NamespacedCache(s, `alpha-${run}`);
    const b = new NamespacedCache(s, `beta-${run}`);
    await a.set('k', { n: 1, list: ['x'] });
    expect(await a.get('k')).toEqual({ n: 1, list: ['x'] });
    expect(await b.get('k')).toBeUndefined();
    await a.delete('k');
    expect(await a.get('k')).toBeUndefined();
    await expect(a.set('fn', () => 1)).rejects.toThrow(/must be JSON/);
  });

  it('expires entries after their ttl, or the default ttl of withOptions', async () => {
    const cache = new NamespacedCache(store(config), `ttl-${run}`);
    const written = Date.now();
    await cache.set('short', 'v', { ttl: 1000 });
    await cache.withOptions({ defaultTtl: { milliseconds: 1000 } }).set('default', 'v');
    await cache.set('long', 'v', { ttl: { minutes: 1 } });
    const beforeExpiry = [await cache.get('short'), await cache.get('default')];
    // A loaded machine may stall past the ttl between the writes and the reads; only a read
    // known to come before the expiry must see the values.
    if (Date.now() - written < 1000) expect(beforeExpiry).toEqual(['v', 'v']);
    const deadline = Date.now() + 15_000;
    while ((await cache.get('short')) !== undefined || (await cache.get('default')) !== undefined) {
      if (Date.now() > deadline) throw new Error('entries with a 1 s ttl were still there after 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(Date.now() - written).toBeGreaterThanOrEqual(990);
    expect(await cache.get('long')).toBe('v');
  });
});

it('keeps at most maxEntries in memory, dropping the oldest', async () => {
  const cache = new NamespacedCache(store({ store: 'memory', maxEntries: 2 }), 'bounded');
  await cache.set('a', 1);
  await cache.set('b', 2);
  await cache.set('c', 3);
  expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([undefined, 2, 3]);
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

(redisServer ? it : it.skip)(
  'degrades to misses within the command timeout while Redis is down, warns once, and recovers',
  async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const s = store({
      store: 'redis',
      connection: `redis://127.0.0.1:${port}`,
      commandTimeoutMs: 200,
      warnIntervalMs: 60_000,
    });
    const cache = new NamespacedCache(s, 'outage');
    await cache.set('k', 'before');
    expect(await cache.get('k')).toBe('before');
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    warnings.length = 0;
    const IORedis = require('ioredis').default;
    const once = jest.spyOn(IORedis.prototype, 'once');
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? cache.get('k') : cache.set('k', i))),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(results.filter((r) => r !== undefined)).toEqual([]);
    expect(warnings.length).toBe(1);
    // Twenty requests during the outage share one wait for the connection, not one listener each.
    expect(once.mock.calls.filter(([event]) => event === 'ready').length).toBeLessThanOrEqual(2);
    once.mockRestore();
    redis = await startRedis(port);
    let value: unknown;
    for (let i = 0; i < 60 && value !== 'after'; i++) {
      await cache.set('k', 'after');
      value = await cache.get('k');
      if (value !== 'after') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(value).toBe('after');
    redis.kill('SIGKILL');
  },
);

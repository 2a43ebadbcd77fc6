import { LoggerService } from '@trellis/backend-plugin-api';
import { redisUrl, requireCommand, requireRedis, startRedis, waitFor } from '@trellis/test-kit';
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

// Both: the shared Redis for the store tests, and redis-server to start a throwaway one to kill.
const redisUp = requireRedis('the Redis cache tests');
const redisServer = requireCommand('redis-server', 'the Redis outage test');

const stores: CacheStore[] = [];
async function store(cache: object): Promise<CacheStore> {
  const s = await createCacheStore(ConfigReader.fromData({ backend: { cache } } as never), logger);
  stores.push(s);
  return s;
}
afterAll(() => Promise.all(stores.map((s) => s.close())));

const engines: Array<[string, object]> = [['memory', { store: 'memory' }]];
if (redisUp && redisServer) {
  engines.push(['redis', { store: 'redis', connection: redisUrl }]);
}

describe.each(engines)('cache on %s', (_name, config) => {
  const run = Math.random().toString(36).slice(2);

  it('stores JSON values per plugin namespace and deletes them', async () => {
    const s = await store(config);
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
    const cache = new NamespacedCache(await store(config), `ttl-${run}`);
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
  const cache = new NamespacedCache(await store({ store: 'memory', maxEntries: 2 }), 'bounded');
  await cache.set('a', 1);
  await cache.set('b', 2);
  await cache.set('c', 3);
  expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([undefined, 2, 3]);
});

(redisServer ? it : it.skip)(
  'degrades to misses within the command timeout while Redis is down, warns once, and recovers',
  async () => {
    const redis = await startRedis();
    const s = await store({
      store: 'redis',
      connection: redis.url,
      commandTimeoutMs: 200,
      warnIntervalMs: 60_000,
    });
    const cache = new NamespacedCache(s, 'outage');
    await cache.set('k', 'before');
    expect(await cache.get('k')).toBe('before');
    await redis.kill();
    warnings.length = 0;
    const { Redis: IORedis } = await import('ioredis');
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
    await redis.restart();
    await waitFor(
      async () => {
        await cache.set('k', 'after');
        return (await cache.get('k')) === 'after';
      },
      { what: 'the cache to store and read a value after Redis came back', timeoutMs: 30_000, intervalMs: 100 },
    );
    await redis.stop();
  },
);

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * The cache stores tests can run against: `MEMORY`, and `REDIS` or Backstage's `REDIS_7` and
 * `VALKEY_8`, which all mean the local Redis server. `MEMCACHED_1` is accepted so Backstage tests
 * compile, and skipped: Trellis has no Memcached store.
 *
 * @public
 */
export type TestCacheId = 'MEMORY' | 'REDIS' | 'REDIS_7' | 'VALKEY_8' | 'MEMCACHED_1';

/** Options of {@link TestCaches.create}. @public */
export interface TestCachesOptions {
  /** The stores `eachSupportedId()` offers; memory and Redis by default. */
  ids?: TestCacheId[];
  /** Accepted for Backstage compatibility; Trellis never starts containers. */
  disableDocker?: boolean;
}

/** A fresh cache for a test: put it under `backend.cache` of a test backend's config. @public */
export interface TestCache {
  /** `memory` or `redis`, the value of `backend.cache.store`. */
  store: 'memory' | 'redis';
  /** The Redis URL, or `''` for memory. */
  connection: string;
  /** A key prefix no other test uses, the value of `backend.cache.keyPrefix`. */
  keyPrefix: string;
}

const REDIS = {
  host: process.env.TRELLIS_TEST_REDIS_HOST ?? '127.0.0.1',
  port: Number(process.env.TRELLIS_TEST_REDIS_PORT ?? 6379),
};

let redisReachable: boolean | undefined;

/** Whether Redis answers; checked once per process, synchronously so `it.each` can use it. */
function isRedisReachable(): boolean {
  if (redisReachable === undefined) {
    const probe = `const s=require('net').connect(${REDIS.port},'${REDIS.host}');s.setTimeout(1500,()=>process.exit(1));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
    redisReachable = spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
  }
  return redisReachable;
}

function isRedis(id: TestCacheId): boolean {
  return id === 'REDIS' || id === 'REDIS_7' || id === 'VALKEY_8';
}

/**
 * Runs test bodies against every available cache store: memory always, Redis when it answers (a
 * visible skip message otherwise; under `CI=true` a missing Redis fails). The Redis server is
 * shared, so each `init` gets a key prefix of its own and never flushes anything.
 *
 * @public
 */
export class TestCaches {
  readonly #ids: TestCacheId[];
  readonly #explicit: boolean;

  private constructor(ids: TestCacheId[] | undefined) {
    this.#ids = ids ?? ['MEMORY', 'REDIS'];
    this.#explicit = ids !== undefined;
  }

  static create(options: TestCachesOptions = {}): TestCaches {
    return new TestCaches(options.ids);
  }

  /** The stores to test against, for `it.each(caches.eachSupportedId())`. */
  eachSupportedId(): TestCacheId[] {
    return this.#ids.filter((id) => this.supports(id));
  }

  /** Whether tests can run on the store here. */
  supports(id: TestCacheId): boolean {
    if (id === 'MEMCACHED_1') {
      if (this.#explicit && process.env.CI === 'true') {
        throw new Error('MEMCACHED_1 was requested, but Trellis has no Memcached store; use MEMORY and REDIS');
      }
      console.warn('Skipping MEMCACHED_1 test cases: Trellis has no Memcached store');
      return false;
    }
    if (!isRedis(id) || isRedisReachable()) {
      return true;
    }
    if (process.env.CI === 'true') {
      throw new Error(`Redis at ${REDIS.host}:${REDIS.port} is required when CI=true, but it does not answer`);
    }
    console.warn(`Skipping ${id} test cases: no Redis server answers at ${REDIS.host}:${REDIS.port}`);
    return false;
  }

  /** A fresh, empty cache of the store: its `backend.cache` settings with a unique key prefix. */
  async init(id: TestCacheId): Promise<TestCache> {
    const keyPrefix = `trellis-test-${randomBytes(6).toString('hex')}:`;
    if (id === 'MEMORY') {
      return { store: 'memory', connection: '', keyPrefix };
    }
    if (!isRedis(id)) {
      throw new Error(`Trellis has no ${id} cache store`);
    }
    return { store: 'redis', connection: `redis://${REDIS.host}:${REDIS.port}`, keyPrefix };
  }
}

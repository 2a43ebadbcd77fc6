import {
  CacheService,
  CacheServiceOptions,
  CacheServiceSetOptions,
  Config,
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@trellis/backend-plugin-api';
import { CacheStore } from './CacheStore';
import { durationToMs } from './durations';
import { MemoryCacheStore } from './MemoryCacheStore';
import { metricsServiceRef } from '../metrics';
import { RedisCacheStore } from './RedisCacheStore';

/** Creates the store configured under `backend.cache`. @public */
export async function createCacheStore(
  config: Config,
  logger: LoggerService,
  onError?: () => void,
): Promise<CacheStore> {
  const cache = config.getOptionalConfig('backend.cache');
  const store = cache?.getOptionalString('store') ?? 'memory';
  if (store === 'memory') {
    return new MemoryCacheStore({ maxEntries: cache?.getOptionalNumber('maxEntries') });
  }
  if (store === 'redis') {
    return RedisCacheStore.create({
      connection: cache!.getString('connection'),
      commandTimeoutMs: cache!.getOptionalNumber('commandTimeoutMs') ?? 250,
      warnIntervalMs: cache!.getOptionalNumber('warnIntervalMs') ?? 30_000,
      logger,
      onError,
    });
  }
  throw new Error(`Unsupported backend.cache.store '${store}'; use 'memory' or 'redis'`);
}

/**
 * The start of every key: `<keyPrefix><pluginId>:<key>`. Backends sharing one Redis for
 * different purposes set `backend.cache.keyPrefix` apart.
 */
const DEFAULT_KEY_PREFIX = 'trellis:';

/** A plugin's view of a store: keys namespaced to the plugin, values JSON. @public */
export class NamespacedCache implements CacheService {
  readonly #store: CacheStore;
  readonly #namespace: string;
  readonly #prefix: string;
  readonly #defaultTtlMs?: number;

  readonly #onRead?: (hit: boolean) => void;

  readonly #keyPrefix: string;

  constructor(
    store: CacheStore,
    namespace: string,
    defaultTtlMs?: number,
    onRead?: (hit: boolean) => void,
    keyPrefix = DEFAULT_KEY_PREFIX,
  ) {
    this.#store = store;
    this.#onRead = onRead;
    this.#namespace = namespace;
    this.#keyPrefix = keyPrefix;
    this.#prefix = `${keyPrefix}${namespace}:`;
    this.#defaultTtlMs = defaultTtlMs;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const raw = await this.#store.get(this.#prefix + key);
    this.#onRead?.(raw !== undefined);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, options?: CacheServiceSetOptions): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new TypeError(`Cache values must be JSON; got ${typeof value} for key '${key}'`);
    }
    const ttl = options?.ttl !== undefined ? durationToMs(options.ttl) : this.#defaultTtlMs;
    await this.#store.set(this.#prefix + key, json, ttl);
  }

  async delete(key: string): Promise<void> {
    await this.#store.delete(this.#prefix + key);
  }

  withOptions(options: CacheServiceOptions): CacheService {
    const ttl = options.defaultTtl !== undefined ? durationToMs(options.defaultTtl) : this.#defaultTtlMs;
    return new NamespacedCache(this.#store, this.#namespace, ttl, this.#onRead, this.#keyPrefix);
  }
}

/**
 * The default cache: one store per backend (memory, or Redis with `backend.cache.store: redis`),
 * each plugin in its own namespace. The store closes at shutdown.
 *
 * @public
 */
export const cacheServiceFactory = createServiceFactory({
  service: coreServices.cache,
  deps: {
    config: coreServices.rootConfig,
    rootLogger: coreServices.rootLogger,
    lifecycle: coreServices.rootLifecycle,
    pluginMetadata: coreServices.pluginMetadata,
    metrics: metricsServiceRef,
  },
  async createRootContext({ config, rootLogger, lifecycle, metrics }) {
    const store = await createCacheStore(config, rootLogger.child({ component: 'cache' }), () =>
      metrics.cacheOperations.inc({ plugin: 'all', operation: 'any', result: 'error' }),
    );
    lifecycle.addShutdownHook(() => store.close());
    return { store, keyPrefix: config.getOptionalString('backend.cache.keyPrefix') ?? DEFAULT_KEY_PREFIX };
  },
  factory: ({ pluginMetadata, metrics }, { store, keyPrefix }) => {
    const plugin = pluginMetadata.getId();
    return new NamespacedCache(
      store,
      plugin,
      undefined,
      (hit) => metrics.cacheOperations.inc({ plugin, operation: 'get', result: hit ? 'hit' : 'miss' }),
      keyPrefix,
    );
  },
});

import { HumanDuration } from './SchedulerService';

/** Options of a cache write. `ttl` in milliseconds or as a duration. @public */
export interface CacheServiceSetOptions {
  ttl?: number | HumanDuration;
}

/** Options of a cache client. @public */
export interface CacheServiceOptions {
  defaultTtl?: number | HumanDuration;
}

/**
 * A key-value cache namespaced to the plugin. Values are JSON. A cache outage never fails the
 * caller: reads become misses and writes no-ops.
 *
 * @public
 */
export interface CacheService {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: CacheServiceSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  withOptions(options: CacheServiceOptions): CacheService;
}

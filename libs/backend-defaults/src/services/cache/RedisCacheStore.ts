import type { LoggerService } from '@trellis/backend-plugin-api';
import type { Redis } from 'ioredis';
import { CacheStore } from './CacheStore';

/** Options of {@link RedisCacheStore}. */
export interface RedisCacheStoreOptions {
  connection: string;
  /** Longest a command may take before it counts as a miss or no-op. */
  commandTimeoutMs: number;
  /** Shortest interval between two warnings about an unavailable Redis. */
  warnIntervalMs: number;
  logger: LoggerService;
  /** Called on every failed command, for metrics. */
  onError?(): void;
}

/**
 * A Redis store that never fails or hangs its caller: commands are not queued while Redis is
 * down and give up after `commandTimeoutMs`; a failed read is a miss, a failed write a no-op.
 * The client reconnects in the background. ioredis is loaded only when this store is used.
 */
export class RedisCacheStore implements CacheStore {
  readonly #redis: Redis;
  readonly #options: RedisCacheStoreOptions;
  #lastWarning = 0;
  #waiting?: Promise<void>;

  private constructor(redis: Redis, options: RedisCacheStoreOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#redis.on('error', (error) => this.#warn(error));
  }

  /** Connects in the background; loads ioredis at the first call. */
  static async create(options: RedisCacheStoreOptions): Promise<RedisCacheStore> {
    const { Redis: IORedis } = await import('ioredis');
    const redis = new IORedis(options.connection, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(options.commandTimeoutMs, 1000),
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    });
    return new RedisCacheStore(redis, options);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      await this.#ready();
      return (await this.#redis.get(key)) ?? undefined;
    } catch (error) {
      this.#warn(error as Error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number | undefined): Promise<void> {
    try {
      await this.#ready();
      await (ttlMs === undefined
        ? this.#redis.set(key, value)
        : this.#redis.set(key, value, 'PX', Math.max(1, Math.round(ttlMs))));
    } catch (error) {
      this.#warn(error as Error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#ready();
      await this.#redis.del(key);
    } catch (error) {
      this.#warn(error as Error);
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  /**
   * Waits for a connection being made, at most the command timeout; commands are not queued.
   * Callers waiting at the same time share one wait, so an outage under load adds one listener to
   * the client, not one per request.
   */
  #ready(): Promise<void> {
    if (this.#redis.status === 'ready') {
      return Promise.resolve();
    }
    this.#waiting ??= this.#waitForReady().finally(() => {
      this.#waiting = undefined;
    });
    return this.#waiting;
  }

  #waitForReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#redis.off('ready', onReady);
        reject(new Error(`Redis not connected (${this.#redis.status})`));
      }, this.#options.commandTimeoutMs);
      this.#redis.once('ready', onReady);
    });
  }

  #warn(error: Error): void {
    this.#options.onError?.();
    const now = Date.now();
    if (now - this.#lastWarning >= this.#options.warnIntervalMs) {
      this.#lastWarning = now;
      this.#options.logger.warn(`Redis cache unavailable, serving misses until it is back: ${error.message}`);
    }
  }
}

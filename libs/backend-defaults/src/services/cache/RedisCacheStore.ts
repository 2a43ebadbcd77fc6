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
 * The client reconnects in the background. ioredis is loaded, and the connection made, at the
 * first command, not at start: a backend whose plugins use the cache only after they started
 * (the catalog's processing) serves its first requests without loading it.
 */
export class RedisCacheStore implements CacheStore {
  readonly #options: RedisCacheStoreOptions;
  #client?: Promise<Redis>;
  #closed = false;
  #lastWarning = 0;
  #waiting?: Promise<void>;

  private constructor(options: RedisCacheStoreOptions) {
    this.#options = options;
  }

  /** A store that loads ioredis and connects at its first command. */
  static async create(options: RedisCacheStoreOptions): Promise<RedisCacheStore> {
    return new RedisCacheStore(options);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const redis = await this.#ready();
      return (await redis.get(key)) ?? undefined;
    } catch (error) {
      this.#warn(error as Error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number | undefined): Promise<void> {
    try {
      const redis = await this.#ready();
      await (ttlMs === undefined ? redis.set(key, value) : redis.set(key, value, 'PX', Math.max(1, Math.round(ttlMs))));
    } catch (error) {
      this.#warn(error as Error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      const redis = await this.#ready();
      await redis.del(key);
    } catch (error) {
      this.#warn(error as Error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    if (client) {
      (await client.catch(() => undefined))?.disconnect();
    }
  }

  /** The client, made (and ioredis loaded) at the first call. */
  #connect(): Promise<Redis> {
    this.#client ??= import('ioredis').then(({ Redis: IORedis }) => {
      if (this.#closed) {
        throw new Error('Redis cache store closed');
      }
      const options = this.#options;
      const redis = new IORedis(options.connection, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: options.commandTimeoutMs,
        connectTimeout: Math.max(options.commandTimeoutMs, 1000),
        retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
      });
      redis.on('error', (error) => this.#warn(error));
      return redis;
    });
    return this.#client;
  }

  /**
   * The client once connected, waiting for a connection being made at most the command timeout
   * (loading ioredis at the first call does not count); commands are not queued. Callers waiting
   * at the same time share one wait, so an outage under load adds one listener to the client,
   * not one per request.
   */
  async #ready(): Promise<Redis> {
    const redis = await this.#connect();
    if (redis.status !== 'ready') {
      this.#waiting ??= this.#waitForReady(redis).finally(() => {
        this.#waiting = undefined;
      });
      await this.#waiting;
    }
    return redis;
  }

  #waitForReady(redis: Redis): Promise<void> {
    return new Promise((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(new Error(`Redis not connected (${redis.status})`));
      }, this.#options.commandTimeoutMs);
      redis.once('ready', onReady);
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

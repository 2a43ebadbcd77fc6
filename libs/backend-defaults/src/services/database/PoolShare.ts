/** Options of {@link PoolShare.create}. */
export interface PoolShareOptions {
  pluginId: string;
  /** Most connections the plugin may hold at once. */
  max: number;
  /** Longest a borrow waits for a free place in the share. */
  timeoutMs: number;
}

interface Waiter {
  resolve(): void;
  timer: NodeJS.Timeout;
}

/**
 * One plugin's share of a pool shared by every plugin (PostgreSQL schema mode): at most `max`
 * connections borrowed at once, further borrows wait in order. A plugin whose queries hang (a
 * lock, a slow statement) thus fills its share, not the pool, and the other plugins go on.
 */
export class PoolShare {
  readonly #options: PoolShareOptions;
  readonly #waiters: Waiter[] = [];
  #inUse = 0;

  private constructor(options: PoolShareOptions) {
    this.#options = options;
  }

  static create(options: PoolShareOptions): PoolShare {
    return new PoolShare(options);
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Takes a place; rejects like a pool timeout (503) when none frees up within `timeoutMs`. */
  take(): Promise<void> {
    if (this.#inUse < this.#options.max) {
      this.#inUse++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(this.#timeoutError());
        }, this.#options.timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Gives a place back, handing it straight to the longest waiter if any. */
  give(): void {
    const next = this.#waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve();
    } else {
      this.#inUse = Math.max(0, this.#inUse - 1);
    }
  }

  #timeoutError(): Error {
    const { pluginId, max, timeoutMs } = this.#options;
    const error = new Error(
      `Knex: Timeout acquiring a connection. Plugin '${pluginId}' holds all ${max} connection(s) of its share of the shared pool (backend.database.pool.maxPerPlugin) and none was returned within ${timeoutMs}ms`,
    );
    // The name knex gives its own acquire timeouts, which isDatabaseUnavailableError maps to 503.
    error.name = 'KnexTimeoutError';
    return error;
  }
}

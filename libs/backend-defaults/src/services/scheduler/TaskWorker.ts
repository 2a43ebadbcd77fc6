import { LoggerService, SchedulerServiceTaskFunction } from '@trellis/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { NEVER, NextRun } from './schedule';
import { TaskStore } from './TaskStore';

/** How long a run whose signal was aborted may take to stop before it is ended without it. */
export const ABANDON_GRACE_MS = 1000;

/** Everything a worker needs to run one task. */
export interface TaskWorkerOptions {
  id: string;
  fn: SchedulerServiceTaskFunction;
  nextRun: NextRun;
  timeoutMs: number;
  /**
   * When set, a failed run is retried after 1 s, 2 s, 4 s ... up to this many milliseconds,
   * whatever the schedule says; when not, it runs again at its next regular slot.
   */
  failureBackoffMaxMs?: number;
  logger: LoggerService;
  pollMs: number;
  leaseMs: number;
  /** Global tasks coordinate through the store; local tasks keep their schedule in memory. */
  store?: TaskStore;
  onRun?(result: { id: string; ok: boolean; durationMs: number }): void;
}

/**
 * Runs one task on this instance. A global task polls the shared store and runs only when it
 * claims the due run, keeping its lease alive while it works; a local task runs on its own timer.
 * A failed run is followed by the next regular slot (or, when the task opted in, by an exponential
 * backoff); a run past its timeout, cancelled or interrupted by shutdown
 * has its signal aborted, and ends at most `ABANDON_GRACE_MS` later whether its function stopped
 * or not.
 */
export class TaskWorker {
  readonly #options: TaskWorkerOptions;
  #timer?: NodeJS.Timeout;
  #running?: { controller: AbortController; done: Promise<void> };
  #stopped = false;
  /** The tick in progress: a run and the store writes after it (the lease's release). */
  #ticking?: Promise<void>;
  #localNextRunAt = 0;
  #localFailures = 0;

  constructor(options: TaskWorkerOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#running !== undefined;
  }

  start(initialDelayMs: number): void {
    this.#localNextRunAt = Date.now() + initialDelayMs;
    this.#schedule(this.#options.store ? this.#jitter() : initialDelayMs);
  }

  /** Runs a local task now (global tasks are triggered through the store). */
  triggerLocal(): boolean {
    if (this.#running) {
      return false;
    }
    this.#localNextRunAt = 0;
    this.#schedule(0);
    return true;
  }

  cancelLocal(): boolean {
    this.#running?.controller.abort(new Error(`Task '${this.#options.id}' was cancelled`));
    return this.#running !== undefined;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#running?.controller.abort(new Error('The backend is shutting down'));
    // The tick, not only the run: its lease is released by a write after the run ends, which must
    // happen before the database the store uses is closed.
    await this.#ticking;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) {
      return;
    }
    this.#timer = setTimeout(
      () => {
        const tick = this.#tick().finally(() => {
          if (this.#ticking === tick) {
            this.#ticking = undefined;
          }
        });
        this.#ticking = tick;
      },
      Math.max(0, delayMs),
    );
    this.#timer.unref();
  }

  #jitter(): number {
    return this.#options.pollMs * (0.8 + Math.random() * 0.4);
  }

  async #tick(): Promise<void> {
    try {
      if (this.#options.store) {
        await this.#tickGlobal(this.#options.store);
      } else {
        await this.#tickLocal();
      }
    } catch (error) {
      this.#options.logger.warn(`Scheduler could not check task '${this.#options.id}': ${(error as Error).message}`);
    }
    if (this.#options.store) {
      this.#schedule(this.#jitter());
    }
  }

  async #tickGlobal(store: TaskStore): Promise<void> {
    const ticket = randomUUID();
    const startedAt = Date.now();
    if (!(await store.claim(this.#options.id, ticket, startedAt, this.#options.leaseMs))) {
      return;
    }
    const heartbeat = setInterval(
      () => {
        store
          .heartbeat(this.#options.id, ticket, Date.now() + this.#options.leaseMs)
          .then(
            (alive) => alive || this.#running?.controller.abort(new Error(`Task '${this.#options.id}' was cancelled`)),
          )
          .catch(() => {});
      },
      Math.max(100, Math.floor(this.#options.leaseMs / 3)),
    );
    heartbeat.unref();
    const { ok, error } = await this.#run();
    clearInterval(heartbeat);
    const failures = ok ? 0 : (await store.failures(this.#options.id)) + 1;
    const nextRunAt = this.#stopped ? Date.now() : this.#nextRunAt(startedAt, failures);
    await store.finish(this.#options.id, ticket, { nextRunAt, error, failures });
  }

  async #tickLocal(): Promise<void> {
    const now = Date.now();
    if (now < this.#localNextRunAt) {
      this.#schedule(this.#localNextRunAt - now);
      return;
    }
    const { ok } = await this.#run();
    this.#localFailures = ok ? 0 : this.#localFailures + 1;
    this.#localNextRunAt = this.#nextRunAt(now, this.#localFailures);
    if (this.#localNextRunAt !== NEVER) {
      this.#schedule(this.#localNextRunAt - Date.now());
    }
  }

  #nextRunAt(startedAt: number, failures: number): number {
    const now = Date.now();
    if (this.#options.nextRun(startedAt) === NEVER) {
      return NEVER;
    }
    const maxBackoffMs = this.#options.failureBackoffMaxMs;
    if (failures === 0 || maxBackoffMs === undefined) {
      return Math.max(this.#options.nextRun(startedAt), now + 1);
    }
    return now + Math.min(1000 * 2 ** (failures - 1), maxBackoffMs);
  }

  async #run(): Promise<{ ok: boolean; error?: string }> {
    const controller = new AbortController();
    const timeout = setTimeout(
      () => controller.abort(new Error(`Task '${this.#options.id}' timed out after ${this.#options.timeoutMs}ms`)),
      this.#options.timeoutMs,
    );
    const started = Date.now();
    let finish!: () => void;
    this.#running = { controller, done: new Promise<void>((resolve) => (finish = resolve)) };
    let ok = false;
    try {
      await settleOrAbandon((async () => this.#options.fn(controller.signal))(), controller.signal, () =>
        this.#options.logger.warn(
          `Task '${this.#options.id}' ignored its abort signal for ${ABANDON_GRACE_MS}ms; its run is ended and its lease released while the function may still be working`,
        ),
      );
      if (controller.signal.aborted) {
        throw controller.signal.reason;
      }
      ok = true;
      return { ok };
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.#options.logger.error(`Task '${this.#options.id}' failed: ${message}`);
      return { ok: false, error: JSON.stringify({ name: (error as Error)?.name, message }) };
    } finally {
      clearTimeout(timeout);
      this.#options.onRun?.({ id: this.#options.id, ok, durationMs: Date.now() - started });
      this.#running = undefined;
      finish();
    }
  }
}

/**
 * Waits for a task function; once its signal is aborted, waits at most `ABANDON_GRACE_MS` more.
 * A function that ignores the signal must not keep its run (and the lease of a global task)
 * forever: it is left to finish in the background, and its late result is dropped.
 */
function settleOrAbandon(run: Promise<void>, signal: AbortSignal, onAbandon: () => void): Promise<void> {
  run.catch(() => {});
  return new Promise<void>((resolve, reject) => {
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      grace = setTimeout(() => {
        onAbandon();
        reject(signal.reason);
      }, ABANDON_GRACE_MS);
      grace.unref();
    };
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
    run.then(resolve, reject).finally(() => {
      clearTimeout(grace);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

import {
  DatabaseService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskDescriptor,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@trellis/backend-plugin-api';
import { ConflictError, NotFoundError } from '@trellis/errors';
import { parseDuration, parseFrequency } from './schedule';
import { TaskStore } from './TaskStore';
import { TaskWorker } from './TaskWorker';

const DEFAULT_MAX_BACKOFF = { minutes: 5 };

/** Settings of the scheduler, from `backend.scheduler`. @public */
export interface SchedulerSettings {
  pollIntervalMs: number;
  leaseMs: number;
}

interface RegisteredTask {
  descriptor: SchedulerServiceTaskDescriptor;
  worker: TaskWorker;
}

/**
 * The scheduler of one plugin. Global tasks share their schedule through the plugin's database
 * (created on the first global task), so each run happens on exactly one instance.
 *
 * @public
 */
export class DefaultSchedulerService implements SchedulerService {
  readonly #database: DatabaseService;
  readonly #logger: LoggerService;
  readonly #settings: SchedulerSettings;
  readonly #tasks = new Map<string, RegisteredTask>();
  #store?: Promise<TaskStore>;
  onRun?: (result: { id: string; ok: boolean; durationMs: number }) => void;

  private constructor(database: DatabaseService, logger: LoggerService, settings: SchedulerSettings) {
    this.#database = database;
    this.#logger = logger;
    this.#settings = settings;
  }

  static create(options: { database: DatabaseService; logger: LoggerService; settings: SchedulerSettings }) {
    return new DefaultSchedulerService(options.database, options.logger, options.settings);
  }

  async scheduleTask(
    task: SchedulerServiceTaskScheduleDefinition & SchedulerServiceTaskInvocationDefinition,
  ): Promise<void> {
    if (this.#tasks.has(task.id)) {
      throw new ConflictError(`Task '${task.id}' is already scheduled`);
    }
    const scope = task.scope ?? 'global';
    const nextRun = parseFrequency(task.frequency);
    const timeoutMs = parseDuration(task.timeout, 'timeout');
    const initialDelayMs = task.initialDelay ? parseDuration(task.initialDelay, 'initialDelay') : 0;
    const failureBackoffMaxMs = task.failureBackoff
      ? parseDuration(task.failureBackoff.maxDelay ?? DEFAULT_MAX_BACKOFF, 'failureBackoff.maxDelay')
      : undefined;
    const settings = {
      frequency: task.frequency,
      timeout: task.timeout,
      initialDelay: task.initialDelay,
      scope,
      ...(task.failureBackoff && { failureBackoff: task.failureBackoff }),
    };
    const store = scope === 'global' ? await this.#taskStore() : undefined;
    const firstRun = 'trigger' in Object(task.frequency) ? Number.MAX_SAFE_INTEGER : Date.now() + initialDelayMs;
    await store?.upsert(task.id, JSON.stringify(settings), firstRun);
    const worker = new TaskWorker({
      id: task.id,
      fn: task.fn,
      nextRun,
      timeoutMs,
      failureBackoffMaxMs,
      store,
      logger: this.#logger,
      pollMs: this.#settings.pollIntervalMs,
      leaseMs: this.#settings.leaseMs,
      onRun: (result) => this.onRun?.(result),
    });
    this.#tasks.set(task.id, { descriptor: { id: task.id, scope, settings }, worker });
    task.signal?.addEventListener('abort', () => void worker.stop());
    worker.start(firstRun === Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : initialDelayMs);
  }

  createScheduledTaskRunner(schedule: SchedulerServiceTaskScheduleDefinition) {
    return { run: (task: SchedulerServiceTaskInvocationDefinition) => this.scheduleTask({ ...schedule, ...task }) };
  }

  async triggerTask(id: string): Promise<void> {
    const task = this.#get(id);
    const triggered =
      task.descriptor.scope === 'global' ? await (await this.#taskStore()).trigger(id) : task.worker.triggerLocal();
    if (!triggered) {
      throw new ConflictError(`Task '${id}' is running; trigger it again when it finished`);
    }
  }

  async cancelTask(id: string): Promise<void> {
    const task = this.#get(id);
    const cancelled =
      task.descriptor.scope === 'global'
        ? await (await this.#taskStore()).requestCancel(id)
        : task.worker.cancelLocal();
    if (!cancelled) {
      throw new ConflictError(`Task '${id}' is not running`);
    }
  }

  async getScheduledTasks(): Promise<SchedulerServiceTaskDescriptor[]> {
    return [...this.#tasks.values()].map((t) => t.descriptor);
  }

  /** Tasks with their live state, for the operator API. */
  async describeTasks(): Promise<Array<Record<string, unknown>>> {
    return Promise.all(
      [...this.#tasks.values()].map(async ({ descriptor, worker }) => {
        const row = descriptor.scope === 'global' ? await (await this.#taskStore()).get(descriptor.id) : undefined;
        return {
          ...descriptor,
          state: row ? (row.current_run_ticket ? 'running' : 'idle') : worker.running ? 'running' : 'idle',
          ...(row && {
            nextRunAt:
              Number(row.next_run_at) >= Number.MAX_SAFE_INTEGER
                ? undefined
                : new Date(Number(row.next_run_at)).toISOString(),
            lastRunStartedAt: row.last_run_started_at
              ? new Date(Number(row.last_run_started_at)).toISOString()
              : undefined,
            lastRunEndedAt: row.last_run_ended_at ? new Date(Number(row.last_run_ended_at)).toISOString() : undefined,
            lastRunError: row.last_run_error ? JSON.parse(row.last_run_error) : undefined,
            consecutiveFailures: Number(row.consecutive_failures),
          }),
        };
      }),
    );
  }

  /** Stops every task: running ones are aborted and their leases released. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.#tasks.values()].map((t) => t.worker.stop()));
  }

  #get(id: string): RegisteredTask {
    const task = this.#tasks.get(id);
    if (!task) {
      throw new NotFoundError(`No task '${id}' is scheduled by this plugin`);
    }
    return task;
  }

  #taskStore(): Promise<TaskStore> {
    this.#store ??= this.#database.getClient().then((db) => TaskStore.create(db));
    return this.#store;
  }
}

/** A duration as an object of units, such as `{ minutes: 10 }`. @public */
export interface HumanDuration {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/**
 * A duration object that converts itself to milliseconds, such as luxon's `Duration`, which
 * Backstage plugins pass to the scheduler. Trellis takes it without depending on luxon.
 *
 * @public
 */
export interface MillisecondsDuration {
  toMillis(): number;
}

/** A duration: units, a self-converting duration object, or an ISO 8601 string such as `PT10M`. @public */
export type SchedulerServiceDuration = HumanDuration | MillisecondsDuration | string;

/** How often a task runs: a cron expression, a duration, an ISO 8601 duration or manual only. @public */
export type SchedulerServiceTaskFrequency = { cron: string } | SchedulerServiceDuration | { trigger: 'manual' };

/** When and how a task runs. @public */
export interface SchedulerServiceTaskScheduleDefinition {
  frequency: SchedulerServiceTaskFrequency;
  /** Longest a run may take; its signal is aborted after that. */
  timeout: SchedulerServiceDuration;
  /** Delay before the first run after start. */
  initialDelay?: SchedulerServiceDuration;
  /** `global` (default): one instance runs each interval. `local`: every instance runs it. */
  scope?: 'global' | 'local';
  /**
   * Trellis only, opt-in: retry a failed run after 1 s, 2 s, 4 s ... up to `maxDelay` (default 5
   * minutes), whatever the frequency says. Without it a failed run is simply followed by the next
   * regular run, as in Backstage.
   */
  failureBackoff?: { maxDelay?: SchedulerServiceDuration };
}

/**
 * A task schedule as written in config (see `readSchedulerServiceTaskScheduleDefinitionFromConfig`):
 * the same fields, durations as objects or ISO 8601 strings.
 *
 * @public
 */
export type SchedulerServiceTaskScheduleDefinitionConfig = SchedulerServiceTaskScheduleDefinition;

/** The function of a task; it must stop when the signal aborts. @public */
export type SchedulerServiceTaskFunction = (abortSignal: AbortSignal) => void | Promise<void>;

/** A task to schedule. @public */
export interface SchedulerServiceTaskInvocationDefinition {
  id: string;
  fn: SchedulerServiceTaskFunction;
  signal?: AbortSignal;
}

/** A runner with a fixed schedule, handy when the schedule comes from config. @public */
export interface SchedulerServiceTaskRunner {
  run(task: SchedulerServiceTaskInvocationDefinition): Promise<void>;
}

/** A scheduled task as listed. @public */
export interface SchedulerServiceTaskDescriptor {
  id: string;
  scope: 'global' | 'local';
  settings: Record<string, unknown>;
}

/**
 * Recurring tasks of a plugin. Global tasks run on exactly one instance per interval among all
 * instances sharing the plugin's database.
 *
 * @public
 */
export interface SchedulerService {
  scheduleTask(task: SchedulerServiceTaskScheduleDefinition & SchedulerServiceTaskInvocationDefinition): Promise<void>;
  createScheduledTaskRunner(schedule: SchedulerServiceTaskScheduleDefinition): SchedulerServiceTaskRunner;
  triggerTask(id: string): Promise<void>;
  cancelTask(id: string): Promise<void>;
  getScheduledTasks(): Promise<SchedulerServiceTaskDescriptor[]>;
}

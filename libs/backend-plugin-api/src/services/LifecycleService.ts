import { LoggerService } from './LoggerService';

/** A function run at startup or shutdown. @public */
export type LifecycleServiceHook = () => void | Promise<void>;

/** Options of a lifecycle hook. @public */
export interface LifecycleServiceHookOptions {
  /** Logger used to report the hook's failure; defaults to the owner's logger. */
  logger?: LoggerService;
  /** Time limit of a shutdown hook in milliseconds; default 10 000. */
  timeoutMs?: number;
}

/** A startup hook; Backstage's name for {@link LifecycleServiceHook}. @public */
export type LifecycleServiceStartupHook = LifecycleServiceHook;

/** A shutdown hook; Backstage's name for {@link LifecycleServiceHook}. @public */
export type LifecycleServiceShutdownHook = LifecycleServiceHook;

/** Options of a startup hook (a time limit applies to shutdown hooks only). @public */
export type LifecycleServiceStartupOptions = Pick<LifecycleServiceHookOptions, 'logger'>;

/** Options of a shutdown hook. @public */
export type LifecycleServiceShutdownOptions = LifecycleServiceHookOptions;

/**
 * Startup and shutdown hooks of a plugin. Startup hooks run after every plugin initialised;
 * shutdown hooks run in reverse start order, each within its time limit.
 *
 * @public
 */
export interface LifecycleService {
  addStartupHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions): void;
  addShutdownHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions): void;
}

/**
 * The backend's lifecycle. Before-shutdown hooks run first, while the server still answers
 * (readiness already 503): the place to stop accepting work and drain.
 *
 * @public
 */
export interface RootLifecycleService extends LifecycleService {
  addBeforeShutdownHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions): void;
}

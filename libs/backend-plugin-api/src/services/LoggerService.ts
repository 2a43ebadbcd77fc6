/** Structured fields attached to a log line. @public */
export type LogMeta = Record<string, unknown>;

/**
 * A structured logger. An `Error` passed as `meta` (or in `meta.error`) is serialised with its
 * name, message and, outside production, stack.
 *
 * @public
 */
export interface LoggerService {
  error(message: string, meta?: Error | LogMeta): void;
  warn(message: string, meta?: Error | LogMeta): void;
  info(message: string, meta?: Error | LogMeta): void;
  debug(message: string, meta?: Error | LogMeta): void;
  /** A logger that adds these fields to every line. */
  child(meta: LogMeta): LoggerService;
}

/** The backend's root logger; plugin loggers are children of it with `plugin: <id>`. @public */
export interface RootLoggerService extends LoggerService {}

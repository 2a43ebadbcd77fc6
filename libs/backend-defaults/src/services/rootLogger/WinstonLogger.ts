import { LoggerService, LogMeta, RootLoggerService } from '@trellis/backend-plugin-api';
import { serializeError } from '@trellis/errors';
import winston from 'winston';
import { Redactor } from './redaction';

/** Options of {@link WinstonLogger.create}. @public */
export interface WinstonLoggerOptions {
  level?: string;
  /** `json` lines (production default) or readable coloured `pretty` lines. */
  format?: 'json' | 'pretty';
  /** Include stacks of logged errors (development). */
  includeStacks?: boolean;
  /** Fields on every line. */
  meta?: LogMeta;
  /** Where lines go; standard output by default. */
  transports?: winston.transport[];
}

/**
 * The default logger, on winston. Every line carries an ISO `timestamp`; secrets are redacted
 * from every line; errors passed as meta are serialised.
 *
 * @public
 */
export class WinstonLogger implements RootLoggerService {
  readonly #logger: winston.Logger;
  readonly #redactor: Redactor;
  readonly #includeStacks: boolean;

  private constructor(logger: winston.Logger, redactor: Redactor, includeStacks: boolean) {
    this.#logger = logger;
    this.#redactor = redactor;
    this.#includeStacks = includeStacks;
  }

  static create(options: WinstonLoggerOptions = {}): WinstonLogger {
    const redactor = new Redactor();
    const logger = winston.createLogger({
      level: options.level ?? 'info',
      defaultMeta: options.meta,
      format: winston.format.combine(
        redactFormat(redactor)(),
        winston.format.timestamp(),
        options.format === 'pretty' ? prettyFormat() : winston.format.json(),
      ),
      transports: options.transports ?? [new winston.transports.Console()],
    });
    return new WinstonLogger(logger, redactor, options.includeStacks ?? false);
  }

  /** Adds values that must never appear in a log line. */
  addRedactions(values: Iterable<string>): void {
    this.#redactor.add(values);
  }

  error(message: string, meta?: Error | LogMeta): void {
    this.#log('error', message, meta);
  }

  warn(message: string, meta?: Error | LogMeta): void {
    this.#log('warn', message, meta);
  }

  info(message: string, meta?: Error | LogMeta): void {
    this.#log('info', message, meta);
  }

  debug(message: string, meta?: Error | LogMeta): void {
    this.#log('debug', message, meta);
  }

  /** Whether lines of this level are written; callers can skip building a line that would not be. */
  isLevelEnabled(level: string): boolean {
    return this.#logger.isLevelEnabled(level);
  }

  child(meta: LogMeta): LoggerService {
    return new WinstonLogger(this.#logger.child(meta), this.#redactor, this.#includeStacks);
  }

  #log(level: string, message: string, meta?: Error | LogMeta): void {
    if (!this.isLevelEnabled(level)) {
      return;
    }
    this.#logger.log(level, message, this.#normalizeMeta(meta));
  }

  #normalizeMeta(meta?: Error | LogMeta): LogMeta | undefined {
    if (meta instanceof Error) {
      return { error: serializeError(meta, { includeStack: this.#includeStacks }) };
    }
    if (meta?.error instanceof Error) {
      return { ...meta, error: serializeError(meta.error, { includeStack: this.#includeStacks }) };
    }
    return meta;
  }
}

const redactFormat = (redactor: Redactor) =>
  winston.format((info) => {
    // Mutate in place: winston keeps its own state under symbol keys that a copy would lose.
    for (const key of Object.keys(info)) {
      if (key !== 'level') {
        info[key] = redactor.redactField(key, info[key]);
      }
    }
    return info;
  });

function prettyFormat(): winston.Logform.Format {
  const colorizer = winston.format.colorize();
  return winston.format.printf((info) => {
    const { level, message, timestamp, ...fields } = info;
    const time = typeof timestamp === 'string' ? timestamp : new Date().toISOString();
    const rest = Object.entries(fields)
      .filter(([key]) => typeof key === 'string')
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    return `${time} ${colorizer.colorize(level, level.padEnd(5))} ${message}${rest ? ` ${rest}` : ''}`;
  });
}

import { LoggerService, LogMeta, RootLoggerService } from '@trellis/backend-plugin-api';
import { serializeError } from '@trellis/errors';
import winston from 'winston';
import { LineWriter } from './LineWriter';
import { LineWriterTransport } from './LineWriterTransport';
import { Redactor } from './redaction';
import { RequestLineWriter } from './RequestLineWriter';

/** Options of {@link WinstonLogger.create}. @public */
export interface WinstonLoggerOptions {
  level?: string;
  /** `json` lines (production default) or readable coloured `pretty` lines. */
  format?: 'json' | 'pretty';
  /** Include stacks of logged errors (development). */
  includeStacks?: boolean;
  /** Fields on every line. */
  meta?: LogMeta;
  /**
   * Where lines go. By default, standard output: JSON lines through a buffered asynchronous
   * writer (see docs/operations.md), readable lines synchronously through winston's console.
   */
  transports?: winston.transport[];
}

/** Where a logger's lines go when they go to the default buffered writer. */
interface DirectOutput {
  writer: LineWriter;
  /** The fields of this logger and its parents, for lines written past winston. */
  meta: LogMeta;
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
  readonly #output?: DirectOutput;
  #requestLines?: RequestLineWriter;
  readonly #enabledLevels = new Map<string, boolean>();

  private constructor(logger: winston.Logger, redactor: Redactor, includeStacks: boolean, output?: DirectOutput) {
    this.#logger = logger;
    this.#redactor = redactor;
    this.#includeStacks = includeStacks;
    this.#output = output;
  }

  static create(options: WinstonLoggerOptions = {}): WinstonLogger {
    const redactor = new Redactor();
    const writer = !options.transports && options.format !== 'pretty' ? LineWriter.create() : undefined;
    const transports = options.transports ?? [
      writer ? new LineWriterTransport(writer) : new winston.transports.Console(),
    ];
    const logger = winston.createLogger({
      level: options.level ?? 'info',
      defaultMeta: options.meta,
      format: winston.format.combine(
        redactFormat(redactor)(),
        winston.format.timestamp(),
        options.format === 'pretty' ? prettyFormat() : winston.format.json(),
      ),
      transports,
    });
    const output = writer && { writer, meta: { ...options.meta } };
    return new WinstonLogger(logger, redactor, options.includeStacks ?? false, output);
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
    // The level is fixed at creation; winston works the answer out again on every call.
    let enabled = this.#enabledLevels.get(level);
    if (enabled === undefined) {
      enabled = this.#logger.isLevelEnabled(level);
      this.#enabledLevels.set(level, enabled);
    }
    return enabled;
  }

  child(meta: LogMeta): LoggerService {
    const output = this.#output && { writer: this.#output.writer, meta: { ...this.#output.meta, ...meta } };
    return new WinstonLogger(this.#logger.child(meta), this.#redactor, this.#includeStacks, output);
  }

  /**
   * A writer of request lines past winston's format pipeline, when this logger writes JSON lines
   * to the default buffered output; undefined otherwise (then log through {@link WinstonLogger.info}).
   *
   * @internal
   */
  requestLineWriter(): RequestLineWriter | undefined {
    if (this.#output && !this.#requestLines) {
      this.#requestLines = RequestLineWriter.create({
        writer: this.#output.writer,
        redactor: this.#redactor,
        meta: this.#output.meta,
      });
    }
    return this.#requestLines;
  }

  /** Writes every buffered line now (the default output buffers JSON lines for a few ms). */
  flush(): void {
    this.#output?.writer.flushSync();
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

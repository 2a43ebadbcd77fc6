import { LoggerService } from '@trellis/backend-plugin-api';
import { RequestLineWriter } from './RequestLineWriter';
import { WinstonLogger } from './WinstonLogger';

/**
 * Whether `logger` writes lines of `level`. Only the default logger can say; any other logger is
 * assumed to write everything, so nothing is lost.
 */
export function isLevelEnabled(logger: LoggerService, level: string): boolean {
  return logger instanceof WinstonLogger ? logger.isLevelEnabled(level) : true;
}

/** The logger's writer of request lines past winston, when it has one (see {@link WinstonLogger.requestLineWriter}). */
export function requestLineWriterOf(logger: LoggerService): RequestLineWriter | undefined {
  return logger instanceof WinstonLogger ? logger.requestLineWriter() : undefined;
}

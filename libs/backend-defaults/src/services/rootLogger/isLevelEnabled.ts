import { LoggerService } from '@trellis/backend-plugin-api';
import { WinstonLogger } from './WinstonLogger';

/**
 * Whether `logger` writes lines of `level`. Only the default logger can say; any other logger is
 * assumed to write everything, so nothing is lost.
 */
export function isLevelEnabled(logger: LoggerService, level: string): boolean {
  return logger instanceof WinstonLogger ? logger.isLevelEnabled(level) : true;
}

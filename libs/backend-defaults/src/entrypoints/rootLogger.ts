/**
 * `@trellis/backend-defaults/rootLogger`: the default rootLogger service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export {
  WinstonLogger,
  createRootLoggerServiceFactory,
  rootLoggerServiceFactory,
  loggerServiceFactory,
} from '../services/rootLogger';
export type { RootLoggerFactoryOptions, WinstonLoggerOptions } from '../services/rootLogger';

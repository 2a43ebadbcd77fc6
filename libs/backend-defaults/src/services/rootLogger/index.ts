export { WinstonLogger } from './WinstonLogger';
export type { WinstonLoggerOptions } from './WinstonLogger';
export {
  createRootLoggerServiceFactory,
  rootLoggerServiceFactory,
  loggerServiceFactory,
} from './rootLoggerServiceFactory';
export type { RootLoggerFactoryOptions } from './rootLoggerServiceFactory';
export { isLevelEnabled } from './isLevelEnabled';

export { WinstonLogger } from './WinstonLogger';
export type { WinstonLoggerOptions } from './WinstonLogger';
export { rootLoggerServiceFactory, loggerServiceFactory } from './rootLoggerServiceFactory';
export { isLevelEnabled } from './isLevelEnabled';

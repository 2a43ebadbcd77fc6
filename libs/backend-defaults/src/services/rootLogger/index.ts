export { WinstonLogger } from './WinstonLogger';
export type { WinstonLoggerOptions } from './WinstonLogger';
export {
  createRootLoggerServiceFactory,
  rootLoggerServiceFactory,
  loggerServiceFactory,
} from './rootLoggerServiceFactory';
export type { RootLoggerFactoryOptions } from './rootLoggerServiceFactory';
export { isLevelEnabled, requestLineWriterOf } from './isLevelEnabled';
export { LineWriter } from './LineWriter';
export type { LineWriterOptions } from './LineWriter';
export type { RequestLine, RequestLineWriter } from './RequestLineWriter';

export { createBackend, defaultServiceFactories } from './createBackend';
export {
  ConfigReader,
  rootConfigServiceFactory,
  createRootConfigServiceFactory,
  loadConfigFiles,
  collectSecretValues,
} from './services/rootConfig';
export { WinstonLogger, rootLoggerServiceFactory, loggerServiceFactory } from './services/rootLogger';
export type { WinstonLoggerOptions } from './services/rootLogger';
export {
  DefaultRootHttpRouter,
  HttpServer,
  errorHandler,
  readHttpOptions,
  createRootHttpRouterServiceFactory,
  rootHttpRouterServiceFactory,
} from './services/rootHttpRouter';
export type { ErrorHandlerOptions, HttpServerOptions, RootHttpRouterFactoryOptions } from './services/rootHttpRouter';
export { DefaultHttpRouter, httpRouterServiceFactory } from './services/httpRouter';
export { DefaultRootHealthService, rootHealthServiceFactory } from './services/rootHealth';

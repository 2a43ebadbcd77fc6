export { DefaultRootHttpRouter } from './DefaultRootHttpRouter';
export type { DefaultRootHttpRouterOptions } from './DefaultRootHttpRouter';
export { errorHandler } from './errorHandler';
export type { ErrorHandlerOptions } from './errorHandler';
export { HttpServer } from './HttpServer';
export { readHttpOptions } from './readHttpOptions';
export type { HttpServerOptions } from './readHttpOptions';
export type { CspDirectives } from './readCsp';
export type { RateLimitOptions } from './rateLimit/readRateLimit';
export { createRootHttpRouterServiceFactory, rootHttpRouterServiceFactory } from './rootHttpRouterServiceFactory';
export type {
  RootHttpRouterConfigureContext,
  RootHttpRouterFactoryOptions,
  RootHttpRouterMiddleware,
} from './rootHttpRouterServiceFactory';

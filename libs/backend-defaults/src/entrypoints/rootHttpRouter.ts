/**
 * `@trellis/backend-defaults/rootHttpRouter`: the default rootHttpRouter service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export {
  DefaultRootHttpRouter,
  HttpServer,
  errorHandler,
  readHttpOptions,
  createRootHttpRouterServiceFactory,
  rootHttpRouterServiceFactory,
} from '../services/rootHttpRouter';
export type {
  CspDirectives,
  ErrorHandlerOptions,
  HttpServerOptions,
  RateLimitOptions,
  DefaultRootHttpRouterOptions,
  RootHttpRouterConfigureContext,
  RootHttpRouterFactoryOptions,
  RootHttpRouterMiddleware,
} from '../services/rootHttpRouter';

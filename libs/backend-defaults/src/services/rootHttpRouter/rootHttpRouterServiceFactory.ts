import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { backendStateServiceRef } from '@trellis/backend-app-api';
import cors from 'cors';
import express from 'express';
import { metricsEndpoint, metricsServiceRef } from '../metrics';
import { DefaultRootHttpRouter, healthRouter } from './DefaultRootHttpRouter';
import { errorHandler } from './errorHandler';
import { HttpServer } from './HttpServer';
import { MountDispatcher } from './mountDispatcher';
import {
  fixedHeaders,
  notFound,
  pluginAvailability,
  rejectAmbiguousPaths,
  RequestStep,
  requestId,
  requireHost,
  runSteps,
} from './middleware';
import { observeRequests } from './observeRequests';
import { parseQuery } from './parseQuery';
import { parseByteSize, readRequestBody } from './readRequestBody';
import { createRateLimiter } from './rateLimit/createRateLimiter';
import { HttpServerOptions, readHttpOptions } from './readHttpOptions';
import { securityHeaders } from './securityHeaders';

/** Options of {@link createRootHttpRouterServiceFactory}. @public */
export interface RootHttpRouterFactoryOptions {
  /** Overrides of the settings read from config (tests listen on port 0). */
  overrides?: Partial<HttpServerOptions>;
  /** Called once the server listens, with its base URL. */
  onListening?(server: HttpServer): void;
}

/**
 * Creates the root HTTP router factory: one Express app with request ids, helmet with a CSP,
 * CORS only as configured, request logging without credentials, refusal of ambiguous paths,
 * health endpoints, an optional rate limit per client, JSON bodies up to a limit, plugin routers
 * under `/api/<pluginId>`, a JSON 404 and the error handler. The server listens as soon as the
 * service is created, so probes answer while plugins start.
 *
 * @public
 */
export function createRootHttpRouterServiceFactory(options: RootHttpRouterFactoryOptions = {}) {
  return createServiceFactory({
    service: coreServices.rootHttpRouter,
    deps: {
      config: coreServices.rootConfig,
      rootLogger: coreServices.rootLogger,
      lifecycle: coreServices.rootLifecycle,
      health: coreServices.rootHealth,
      backendState: backendStateServiceRef,
      metrics: metricsServiceRef,
    },
    async factory({ config, rootLogger, lifecycle, health, backendState, metrics }) {
      const settings = { ...readHttpOptions(config), ...options.overrides };
      const logger = rootLogger.child({ component: 'http' });
      const router = DefaultRootHttpRouter.create();
      const rateLimiter = settings.rateLimit ? await createRateLimiter(settings.rateLimit, logger) : undefined;
      const observer = observeRequests({ logger, metrics });
      const app = createApp(settings, observer.step);
      // The framework's own endpoints, before rate limit and body parsing, in one layer.
      const framework = new MountDispatcher();
      framework.mount('/.trellis/metrics', metricsEndpoint(metrics, config.getOptionalString('backend.metrics.token')));
      framework.mount('/.trellis/health/v1', healthRouter(health));
      app.use(framework.handler());
      if (rateLimiter) {
        app.use(rateLimiter.handler);
      }
      // A plugin that is not serving answers 503 before its request's body is read.
      const limitBytes = parseByteSize(settings.bodyLimit, 'backend.http.bodyLimit');
      app.use(runSteps([pluginAvailability(backendState)], readRequestBody({ limitBytes })));
      app.use(router.handler());
      app.use(notFound());
      app.use(errorHandler({ logger, showInternals: process.env.NODE_ENV === 'development' }));
      const server = await HttpServer.listen(app, settings, logger);
      observer.attach(server.server);
      router.setListenUrl(server.url);
      lifecycle.addBeforeShutdownHook(() => server.close(), {
        timeoutMs: settings.shutdownDelayMs + settings.drainTimeoutMs + 1000,
      });
      if (rateLimiter) {
        lifecycle.addShutdownHook(() => rateLimiter.close());
      }
      options.onListening?.(server);
      return router;
    },
  });
}

/**
 * The app with the fixed steps every request takes first: request id, helmet's headers (computed
 * once), CORS when configured, then request logging and metrics, the Host and path checks. They
 * run as one middleware (two with CORS in between), not one express layer each.
 */
function createApp(settings: HttpServerOptions, observe: RequestStep) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', settings.trustProxy);
  app.set('query parser', parseQuery);
  const first = [requestId(), fixedHeaders(securityHeaders(settings.csp))];
  const then = [observe, requireHost(), rejectAmbiguousPaths()];
  if (settings.cors) {
    app.use(runSteps(first));
    app.use(cors(settings.cors));
    app.use(runSteps(then));
  } else {
    app.use(runSteps([...first, ...then]));
  }
  return app;
}

/** The default root HTTP router factory, configured from `backend.*`. @public */
export const rootHttpRouterServiceFactory = createRootHttpRouterServiceFactory();

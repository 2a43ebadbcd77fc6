import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootConfigService,
  RootLifecycleService,
} from '@trellis/backend-plugin-api';
import { backendStateServiceRef } from '@trellis/backend-app-api';
import cors from 'cors';
import express, { ErrorRequestHandler, Express, RequestHandler } from 'express';
import type http from 'node:http';
import { metricsEndpoint, metricsServiceRef } from '../metrics';
import { DefaultRootHttpRouter, healthRouter } from './DefaultRootHttpRouter';
import { errorHandler } from './errorHandler';
import { HttpServer } from './HttpServer';
import { MountTable } from './MountTable';
import {
  fixedHeaders,
  inTurn,
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
import { weakETag } from './weakETag';

/**
 * The root pipeline's pieces, for a `configure` hook that assembles its own. Each is one handler;
 * `applyDefaults()` installs them in the default order, fused where it can.
 *
 * @public
 */
export interface RootHttpRouterMiddleware {
  /** The server's own `x-request-id`, and the start of the request's log line and metrics. */
  logging(): RequestHandler;
  /** The security headers (helmet's, with the configured CSP), computed once. */
  helmet(): RequestHandler;
  /** CORS as configured under `backend.cors`; passes requests on untouched when it is not. */
  cors(): RequestHandler;
  /** Refuses requests without a Host header and paths that decode ambiguously (400). */
  requestChecks(): RequestHandler;
  /** The per-client rate limit of `backend.rateLimit`; passes requests on when it is off. */
  rateLimit(): RequestHandler;
  /** The JSON 404 for anything no route answered. */
  notFound(): RequestHandler;
  /** The error handler: framework errors to their status, no internals outside development. */
  error(): ErrorRequestHandler;
}

/**
 * What a `configure` hook receives: the Express app and the server before it listens, the
 * pipeline's pieces, the plugin routes (`/api/<pluginId>`, with body reading and the 503 of a
 * plugin that is not serving) and the framework endpoints (health, metrics).
 *
 * @public
 */
export interface RootHttpRouterConfigureContext {
  app: Express;
  server: http.Server;
  middleware: RootHttpRouterMiddleware;
  routes: RequestHandler;
  healthRouter: RequestHandler;
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: RootLifecycleService;
  /** Installs the default pipeline: what runs when there is no `configure` hook. */
  applyDefaults(): void;
}

/** Options of {@link createRootHttpRouterServiceFactory}. @public */
export interface RootHttpRouterFactoryOptions {
  /**
   * Assembles the app instead of the default pipeline, as Backstage's hook of the same name:
   * add middleware before or after `applyDefaults()`, or build the pipeline from the context's
   * pieces. App settings (`trust proxy`, the query parser) are applied before it runs.
   */
  configure?(context: RootHttpRouterConfigureContext): void;
  /** Overrides of the settings read from config (tests listen on port 0). */
  overrides?: Partial<HttpServerOptions>;
  /** Called once the server listens, with its base URL. */
  onListening?(server: HttpServer): void;
}

/**
 * Creates the root HTTP router factory: one Express app with request ids, helmet with a CSP,
 * CORS only as configured, request logging without credentials, refusal of ambiguous paths,
 * health endpoints, an optional rate limit per client, JSON bodies up to a limit, plugin routers
 * under `/api/<pluginId>`, a JSON 404 and the error handler, unless a `configure` hook assembles
 * it otherwise. The server listens as soon as the service is created, so probes answer while
 * plugins start.
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
      const router = DefaultRootHttpRouter.create({ logger, backendState });
      const rateLimiter = settings.rateLimit ? await createRateLimiter(settings.rateLimit, logger) : undefined;
      const observer = observeRequests({ logger, metrics });
      const app = express();
      applySettings(app, settings);
      // The framework's own endpoints, before rate limit and body parsing, in one layer.
      const framework = new MountTable();
      framework.add('/.trellis/metrics', metricsEndpoint(metrics, config.getOptionalString('backend.metrics.token')));
      framework.add('/.trellis/health/v1', healthRouter(health));
      // A plugin that is not serving answers 503 before its request's body is read.
      const limitBytes = parseByteSize(settings.bodyLimit, 'backend.http.bodyLimit');
      const bodies = runSteps([pluginAvailability(backendState)], readRequestBody({ limitBytes }));
      const server = HttpServer.create(app, settings, logger);
      router.attachServer(server.server);
      const error = errorHandler({ logger, showInternals: process.env.NODE_ENV === 'development' });
      // Everything before the 404 runs as one express layer: each layer costs every request a
      // pass through express's dispatch.
      const applyDefaults = () => {
        app.use(
          inTurn([
            ...pipeline(settings, observer.step),
            framework.handler(),
            ...(rateLimiter ? [rateLimiter.handler] : []),
            bodies,
            router.handler(),
          ]),
        );
        app.use(notFound());
        app.use(error);
      };
      if (options.configure) {
        const routes = express.Router();
        routes.use(bodies, router.handler());
        options.configure({
          app,
          server: server.server,
          middleware: pipelinePieces(settings, observer.step, rateLimiter?.handler, error),
          routes,
          healthRouter: framework.handler(),
          config,
          logger,
          lifecycle,
          applyDefaults,
        });
      } else {
        applyDefaults();
      }
      await server.start();
      observer.attach(server.server);
      router.setListenUrl(server.url);
      lifecycle.addBeforeShutdownHook(() => server.close({ onStopAccepting: () => router.closeWebSockets() }), {
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

function applySettings(app: Express, settings: HttpServerOptions): void {
  app.disable('x-powered-by');
  app.set('trust proxy', settings.trustProxy);
  app.set('query parser', parseQuery);
  // The same weak ETags as express's default, for less work per response.
  app.set('etag', weakETag);
}

const passThrough: RequestHandler = (_req, _res, next) => next();

function pipelinePieces(
  settings: HttpServerOptions,
  observe: RequestStep,
  rateLimit: RequestHandler | undefined,
  error: ErrorRequestHandler,
): RootHttpRouterMiddleware {
  return {
    logging: () => runSteps([requestId(), observe]),
    helmet: () => runSteps([fixedHeaders(securityHeaders(settings.csp))]),
    cors: () => (settings.cors ? cors(settings.cors) : passThrough),
    requestChecks: () => runSteps([requireHost(), rejectAmbiguousPaths()]),
    rateLimit: () => rateLimit ?? passThrough,
    notFound: () => notFound(),
    error: () => error,
  };
}

/**
 * The fixed steps every request takes first: request id, helmet's headers (computed once), CORS
 * when configured, then request logging and metrics, the Host and path checks. The synchronous
 * steps run as one handler (two with CORS in between).
 */
function pipeline(settings: HttpServerOptions, observe: RequestStep): RequestHandler[] {
  const first = [requestId(), fixedHeaders(securityHeaders(settings.csp))];
  const then = [observe, requireHost(), rejectAmbiguousPaths()];
  return settings.cors ? [runSteps(first), cors(settings.cors), runSteps(then)] : [runSteps([...first, ...then])];
}

/**
 * The default root HTTP router factory, configured from `backend.*`. Call it with options for a
 * `configure` hook, as in Backstage: `backend.add(rootHttpRouterServiceFactory({ configure }))`.
 *
 * @public
 */
export const rootHttpRouterServiceFactory = Object.assign(
  (options?: RootHttpRouterFactoryOptions) => createRootHttpRouterServiceFactory(options),
  createRootHttpRouterServiceFactory(),
);

import type { BackendStateService } from '@trellis/backend-app-api';
import {
  LoggerService,
  RootHealthService,
  RootHttpRouterService,
  RootHttpRouterServiceWebSocketHandler,
} from '@trellis/backend-plugin-api';
import express, { Handler, Router } from 'express';
import type http from 'node:http';
import { MountTable } from './MountTable';
import { WebSocketUpgrades } from './WebSocketUpgrades';

/** Options of {@link DefaultRootHttpRouter.create}. @public */
export interface DefaultRootHttpRouterOptions {
  /** Where failures of WebSocket handlers are logged. */
  logger?: LoggerService;
  /** WebSocket upgrades to a plugin that is not serving answer 503, as its HTTP routes do. */
  backendState?: BackendStateService;
}

/**
 * The root router: plugin routers and other handlers mounted at absolute paths, matched in any
 * case and at segment boundaries as express matches `router.use(path)`, but found by a map lookup
 * ({@link MountTable}) rather than a scan of every mounted router. Paths may not overlap:
 * `/api/todo` and `/api/todo/x` cannot both be mounted, so which handler answers never depends on
 * the order plugins started in.
 *
 * @public
 */
export class DefaultRootHttpRouter implements RootHttpRouterService {
  readonly #mounts = new MountTable();
  readonly #webSockets: WebSocketUpgrades;
  #listenUrl?: string;

  private constructor(options: DefaultRootHttpRouterOptions) {
    this.#webSockets = WebSocketUpgrades.create(options);
  }

  static create(options: DefaultRootHttpRouterOptions = {}): DefaultRootHttpRouter {
    return new DefaultRootHttpRouter(options);
  }

  /** The URL the server listens on (the bound port, also when configured as 0), once it listens. */
  get listenUrl(): string | undefined {
    return this.#listenUrl;
  }

  /** @internal Set by the factory once the server listens. */
  setListenUrl(url: string): void {
    this.#listenUrl = url;
  }

  /** Mounts `handler` at `path`; throws when `path` is malformed or overlaps a mounted path. */
  use(path: string, handler: Handler): void {
    this.#mounts.add(path, handler);
  }

  /**
   * Handles WebSocket upgrades at the exact absolute path `options.path`; throws when the path is
   * malformed or has a handler already. The handler authenticates the caller itself.
   */
  addWebSocketHandler(options: RootHttpRouterServiceWebSocketHandler): void {
    this.#webSockets.add(options);
  }

  /** @internal Dispatches the upgrades of `server` to the WebSocket handlers. */
  attachServer(server: http.Server): void {
    this.#webSockets.attach(server);
  }

  /** @internal Refuses further upgrades and destroys the sockets handlers took. */
  closeWebSockets(): void {
    this.#webSockets.close();
  }

  /** The express handler that serves everything mounted. */
  handler(): Handler {
    return this.#mounts.handler();
  }
}

/** The health endpoints under `/.trellis/health/v1`. */
export function healthRouter(health: RootHealthService): Router {
  const router = express.Router();
  router.get('/liveness', async (_req, res) => {
    const { status, payload } = await health.getLiveness();
    res.status(status).json(payload);
  });
  router.get('/readiness', async (_req, res) => {
    const { status, payload } = await health.getReadiness();
    res.status(status).json(payload);
  });
  return router;
}

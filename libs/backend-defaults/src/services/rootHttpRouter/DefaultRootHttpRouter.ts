import { RootHealthService, RootHttpRouterService } from '@trellis/backend-plugin-api';
import express, { Handler, Router } from 'express';
import { MountDispatcher } from './mountDispatcher';

/**
 * The root router: plugin routers and other handlers mounted at absolute paths. Paths may not
 * overlap: `/api/todo` and `/api/todo/x` cannot both be mounted. A request finds its handler by a
 * map lookup, not by trying every mount in turn, whatever the number of plugins.
 *
 * @public
 */
export class DefaultRootHttpRouter implements RootHttpRouterService {
  readonly #mounts = new MountDispatcher();
  #listenUrl?: string;

  static create(): DefaultRootHttpRouter {
    return new DefaultRootHttpRouter();
  }

  /** The URL the server listens on (the bound port, also when configured as 0), once it listens. */
  get listenUrl(): string | undefined {
    return this.#listenUrl;
  }

  /** @internal Set by the factory once the server listens. */
  setListenUrl(url: string): void {
    this.#listenUrl = url;
  }

  use(path: string, handler: Handler): void {
    this.#mounts.mount(path, handler);
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

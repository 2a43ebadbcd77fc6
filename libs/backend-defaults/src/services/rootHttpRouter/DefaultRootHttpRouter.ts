import { RootHealthService, RootHttpRouterService } from '@trellis/backend-plugin-api';
import express, { Handler, Router } from 'express';

/**
 * The root router: plugin routers and other handlers mounted at absolute paths, on an express
 * router (matching paths in any case, as express does). Paths may not overlap: `/api/todo` and
 * `/api/todo/x` cannot both be mounted, so which handler answers never depends on the order
 * plugins started in.
 *
 * @public
 */
export class DefaultRootHttpRouter implements RootHttpRouterService {
  readonly #paths: string[] = [];
  readonly #router = express.Router();
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

  /** Mounts `handler` at `path`; throws when `path` is malformed or overlaps a mounted path. */
  use(path: string, handler: Handler): void {
    if (!path.startsWith('/') || path.length < 2 || path.endsWith('/') || /[*:?()[\]]/.test(path)) {
      throw new Error(`Mount paths must be literal, start with '/' and not end with it, got '${path}'`);
    }
    const key = path.toLowerCase();
    const clash = this.#paths.find((p) => p === key || key.startsWith(`${p}/`) || p.startsWith(`${key}/`));
    if (clash) {
      throw new Error(`Path '${path}' overlaps the already mounted path '${clash}'`);
    }
    this.#paths.push(key);
    this.#router.use(path, handler);
  }

  /** The express handler that serves everything mounted. */
  handler(): Handler {
    return this.#router;
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

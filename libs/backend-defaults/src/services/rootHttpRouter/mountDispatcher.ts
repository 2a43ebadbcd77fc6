import type { Handler, NextFunction, Request, Response } from 'express';

/** How many path segments deep a mount path may be. */
const MAX_MOUNT_DEPTH = 8;

/**
 * Handlers mounted at path prefixes that never overlap, dispatched by a map lookup per path
 * segment instead of an express router's regular expression per mount: the request path is cut at
 * each `/` (up to {@link MAX_MOUNT_DEPTH} segments) and looked up, case-insensitively as express
 * matches. A match is called as `app.use(path, handler)` would call it: `req.baseUrl` gains the
 * prefix, `req.url` loses it, and both are restored before `next`.
 */
export class MountDispatcher {
  readonly #mounts = new Map<string, Handler>();

  /** Mounts `handler` at `path`; throws when `path` overlaps a mounted path. */
  mount(path: string, handler: Handler): void {
    if (!path.startsWith('/') || path.length < 2 || path.endsWith('/')) {
      throw new Error(`Mount paths must start with '/' and not end with it, got '${path}'`);
    }
    if (path.split('/').length - 1 > MAX_MOUNT_DEPTH) {
      throw new Error(`Mount path '${path}' is deeper than ${MAX_MOUNT_DEPTH} segments`);
    }
    const key = path.toLowerCase();
    const clash = [...this.#mounts.keys()].find((p) => p === key || key.startsWith(`${p}/`) || p.startsWith(`${key}/`));
    if (clash) {
      throw new Error(`Path '${path}' overlaps the already mounted path '${clash}'`);
    }
    this.#mounts.set(key, handler);
  }

  /** The middleware that dispatches to the mounted handlers, or passes on. */
  handler(): Handler {
    const mounts = this.#mounts;
    return (req: Request, res: Response, next: NextFunction) => {
      const url = req.url;
      const query = url.indexOf('?');
      const path = query === -1 ? url : url.slice(0, query);
      let end = path.indexOf('/', 1);
      for (let depth = 1; depth <= MAX_MOUNT_DEPTH; depth++) {
        const prefixLength = end === -1 ? path.length : end;
        const handler = mounts.get(path.slice(0, prefixLength).toLowerCase());
        if (handler) {
          dispatch(handler, prefixLength, req, res, next);
          return;
        }
        if (end === -1) {
          break;
        }
        end = path.indexOf('/', end + 1);
      }
      next();
    };
  }
}

function dispatch(handler: Handler, prefixLength: number, req: Request, res: Response, next: NextFunction): void {
  const url = req.url;
  const baseUrl = req.baseUrl;
  const rest = url.slice(prefixLength);
  req.baseUrl = baseUrl + url.slice(0, prefixLength);
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
  const done = (error?: unknown) => {
    req.baseUrl = baseUrl;
    req.url = url;
    next(error);
  };
  try {
    const result = handler(req, res, done) as unknown;
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(undefined, done);
    }
  } catch (error) {
    done(error);
  }
}

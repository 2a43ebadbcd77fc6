import type { Handler, NextFunction, Request, RequestHandler, Response } from 'express';
import { callHandler } from './middleware';

/**
 * Handlers mounted at literal absolute paths, found by a map lookup per path segment instead of
 * express's scan of one regular expression per mounted router. Matching follows express's
 * `router.use(path, handler)`: any case, at a segment boundary (`/api/todo` takes `/api/todo`,
 * `/api/todo/` and `/api/todo/x`, not `/api/todos`); the handler sees the matched prefix in
 * `req.baseUrl` and the rest in `req.url`, both restored when it passes the request on. Mounted
 * paths may not overlap, so at most one handler matches and mount order never matters.
 */
export class MountTable {
  readonly #handlers = new Map<string, Handler>();
  /** The most segments of a mounted path: longer prefixes of a request path are not looked up. */
  #depth = 0;

  /** Mounts `handler` at `path`; throws when `path` is malformed or overlaps a mounted path. */
  add(path: string, handler: Handler): void {
    if (!path.startsWith('/') || path.length < 2 || path.endsWith('/') || /[*:?()[\]]/.test(path)) {
      throw new Error(`Mount paths must be literal, start with '/' and not end with it, got '${path}'`);
    }
    const key = path.toLowerCase();
    const clash = [...this.#handlers.keys()].find(
      (p) => p === key || key.startsWith(`${p}/`) || p.startsWith(`${key}/`),
    );
    if (clash) {
      throw new Error(`Path '${path}' overlaps the already mounted path '${clash}'`);
    }
    this.#handlers.set(key, handler);
    this.#depth = Math.max(this.#depth, key.split('/').length - 1);
  }

  /** The express middleware that dispatches to the mounted handlers, or passes requests on. */
  handler(): RequestHandler {
    return (req, res, next) => {
      const url = req.url;
      const query = url.indexOf('?');
      const pathEnd = query === -1 ? url.length : query;
      const start = url.charCodeAt(0) === 47 /* '/' */ ? 0 : absoluteFormPathStart(url, pathEnd);
      const found = start === -1 ? undefined : this.#find(url.slice(start, pathEnd));
      if (!found) {
        next();
        return;
      }
      dispatch(found.handler, start, found.length, req, res, next);
    };
  }

  /** The handler mounted at a prefix of `path` that ends at a segment boundary, if any. */
  #find(path: string): { handler: Handler; length: number } | undefined {
    if (path.charCodeAt(0) !== 47 /* '/' */) {
      return undefined;
    }
    const lower = path.toLowerCase();
    let end = lower.indexOf('/', 1);
    for (let segments = 1; segments <= this.#depth; segments++) {
      const length = end === -1 ? lower.length : end;
      const handler = this.#handlers.get(length === lower.length ? lower : lower.slice(0, length));
      if (handler) {
        return { handler, length };
      }
      if (end === -1) {
        return undefined;
      }
      end = lower.indexOf('/', end + 1);
    }
    return undefined;
  }
}

/**
 * Where the path starts in a request target of absolute form (`http://host/path`, RFC 9112
 * section 3.2.2), which express routes by its path too; -1 when there is none.
 */
function absoluteFormPathStart(url: string, pathEnd: number): number {
  const scheme = url.indexOf('://');
  const slash = scheme === -1 ? -1 : url.indexOf('/', scheme + 3);
  return slash === -1 || slash > pathEnd ? -1 : slash;
}

/**
 * Calls `handler` with the `length` characters of the path that follow `start` (the scheme and
 * host of an absolute-form target, else 0) moved from `req.url` to `req.baseUrl`.
 */
function dispatch(
  handler: Handler,
  start: number,
  length: number,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  const url = req.url;
  const baseUrl = req.baseUrl;
  const rest = url.slice(start + length);
  req.baseUrl = baseUrl + url.slice(start, start + length);
  req.url = url.slice(0, start) + (rest.charCodeAt(0) === 47 /* '/' */ ? rest : `/${rest}`);
  let done = false;
  // A declaration, as `step` in inTurn: no name defined per request by the bundle's helper.
  function restore(error?: unknown): void {
    if (done) {
      return;
    }
    done = true;
    req.url = url;
    req.baseUrl = baseUrl;
    // As in express: 'route' and 'router' from a mounted handler pass the request on.
    next(error === 'route' || error === 'router' ? undefined : error);
  }
  callHandler(handler, req, res, restore, restore);
}

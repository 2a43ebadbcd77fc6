import { BackendStateService } from '@trellis/backend-app-api';
import { InputError, NotFoundError, ServiceUnavailableError } from '@trellis/errors';
import { randomUUID } from 'node:crypto';
import type { Handler, NextFunction, Request, RequestHandler, Response } from 'express';
import { findInstalledPlugin } from '../../lib/findInstalledPlugin';
import { ResponseHeader } from './securityHeaders';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAYBE_AMBIGUOUS = /[%.\\\0]/;
const API_PREFIX = '/api/';

/**
 * One synchronous step of the root pipeline: it sets what it must on the response, or returns the
 * error that ends the request.
 */
export type RequestStep = (req: Request, res: Response) => Error | undefined;

/**
 * Runs steps in order as one middleware, then `then` if given: each express layer costs every
 * request a pass through the router's dispatch, so the root's fixed steps share one.
 */
export function runSteps(steps: readonly RequestStep[], then?: RequestHandler): RequestHandler {
  return (req, res, next) => {
    for (const step of steps) {
      const error = step(req, res);
      if (error) {
        next(error);
        return;
      }
    }
    if (then) {
      then(req, res, next);
    } else {
      next();
    }
  };
}

/**
 * Runs middleware in turn as one express layer: the next one when a handler passes the request
 * on, the outer `next` with the first error or after the last. As in an express router, a handler
 * that throws or returns a rejected promise passes the error on, and `next('route')` or
 * `next('router')` passes the request on.
 */
export function inTurn(handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    // A declaration, not an arrow bound to a name: V8 names it, so the bundle's keepNames helper
    // (scripts/nameHelper.mjs) finds the name right and defines no property per request.
    function step(error?: unknown): void {
      if (error && error !== 'route' && error !== 'router') {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (!handler) {
        next();
        return;
      }
      callHandler(handler, req, res, step, next);
    }
    step();
  };
}

/**
 * Calls an express handler as an express layer does: what it throws, or what the promise it
 * returns rejects with, goes to `fail`.
 */
export function callHandler(
  handler: Handler,
  req: Request,
  res: Response,
  next: NextFunction,
  fail: (error: unknown) => void,
): void {
  try {
    const result: unknown = handler(req, res, next);
    if (isThenable(result)) {
      result.then(undefined, (rejected: unknown) => fail(rejected ?? new Error('Rejected promise')));
    }
  } catch (thrown) {
    fail(thrown);
  }
}

/** A value with a `then` method, as express 5 recognises a promise returned by a handler. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Gives every request an id of the server's own, in the `x-request-id` response header: the id
 * of its log lines and of its error responses. A client's `x-request-id` never becomes it (a
 * client could otherwise choose, or collide with, the id an operator looks up); it is logged
 * beside it as `clientRequestId`.
 */
export function requestId(): RequestStep {
  return (_req, res) => {
    res.setHeader('x-request-id', randomUUID());
    return undefined;
  };
}

/** The `x-request-id` the client sent, when it looks like an id (else undefined), for log lines. */
export function clientRequestId(req: Request): string | undefined {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : undefined;
}

/** Sets the same headers on every response (the security headers, computed once). */
export function fixedHeaders(headers: readonly ResponseHeader[]): RequestStep {
  return (_req, res) => {
    for (const [name, value] of headers) {
      res.setHeader(name, value);
    }
    return undefined;
  };
}

/** HTTP/1.1 requests must name the host (RFC 9112); answered here in the standard shape. */
export function requireHost(): RequestStep {
  return (req) =>
    req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && !req.headers.host
      ? new InputError('Missing Host header')
      : undefined;
}

/**
 * Refuses paths that could mean something else to a file server or proxy behind a plugin: dot
 * segments (plain or percent-encoded), backslashes, NUL bytes and percent-encoding that is not
 * valid UTF-8.
 */
export function rejectAmbiguousPaths(): RequestStep {
  return (req) => ambiguousPathError(req.path);
}

/** The error for a path that {@link rejectAmbiguousPaths} refuses, or undefined. */
export function ambiguousPathError(path: string): Error | undefined {
  // Most paths have none of these characters, and then nothing below can match.
  if (!MAYBE_AMBIGUOUS.test(path)) {
    return undefined;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return new InputError('Malformed percent-encoding in the request path');
  }
  if (/[\\\0]/.test(decoded) || decoded.split('/').some((s) => s === '.' || s === '..')) {
    return new InputError('The request path may not contain dot segments, backslashes or NUL');
  }
  return undefined;
}

/** Answers 503 at once for a plugin that is installed but not serving (starting, failed, stopping). */
export function pluginAvailability(state: BackendStateService): RequestStep {
  return (req) => pluginUnavailableError(state, req.path);
}

/** The 503 for a path of a plugin that is installed but not serving, or undefined. */
export function pluginUnavailableError(state: BackendStateService, path: string): Error | undefined {
  const pluginId = apiPluginId(path);
  const plugin = pluginId ? findInstalledPlugin(state, pluginId) : undefined;
  return plugin && plugin.state !== 'ready' && plugin.state !== 'stopping'
    ? new ServiceUnavailableError(`Plugin '${plugin.pluginId}' is not available (${plugin.state})`)
    : undefined;
}

/** The plugin ID segment of a path under `/api/<pluginId>`, as written (mounts match it in any case). */
function apiPluginId(path: string): string | undefined {
  if (path.length <= API_PREFIX.length || path.slice(0, API_PREFIX.length).toLowerCase() !== API_PREFIX) {
    return undefined;
  }
  const end = path.indexOf('/', API_PREFIX.length);
  return path.slice(API_PREFIX.length, end < 0 ? undefined : end);
}

/** The JSON 404 for every path no router answered. */
export function notFound(): RequestHandler {
  return (req, _res, next) => {
    next(new NotFoundError(`No route for ${req.method} ${req.path}`));
  };
}

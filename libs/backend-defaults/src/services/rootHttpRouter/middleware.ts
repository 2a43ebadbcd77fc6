import { LoggerService } from '@trellis/backend-plugin-api';
import { BackendStateService } from '@trellis/backend-app-api';
import { InputError, NotFoundError, ServiceUnavailableError } from '@trellis/errors';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { logSafeUrl } from './logSafeUrl';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAYBE_AMBIGUOUS = /[%.\\\0]/;

/** Gives every request an id (kept from a valid `x-request-id` header) and echoes it. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    next();
  };
}

/** Logs one line per finished request; health probes only at debug level. */
export function requestLogger(logger: LoggerService): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
      const url = logSafeUrl(req.originalUrl);
      const meta = {
        method: req.method,
        url,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        requestId: res.getHeader('x-request-id'),
      };
      const level = req.originalUrl.startsWith('/.trellis/health') ? 'debug' : 'info';
      logger[level](`${req.method} ${url} ${res.statusCode}`, meta);
    });
    next();
  };
}

/** Answers 503 at once for a plugin that is installed but not serving (starting, failed, stopping). */
export function pluginAvailability(state: BackendStateService): RequestHandler {
  return (req, _res, next) => {
    const match = /^\/api\/([^/?#]+)/.exec(req.path);
    const plugin = match ? state.getPlugin(match[1]) : undefined;
    if (plugin && plugin.state !== 'ready' && plugin.state !== 'stopping') {
      next(new ServiceUnavailableError(`Plugin '${plugin.pluginId}' is not available (${plugin.state})`));
      return;
    }
    next();
  };
}

/** The JSON 404 for every path no router answered. */
export function notFound(): RequestHandler {
  return (req, _res, next) => {
    next(new NotFoundError(`No route for ${req.method} ${req.path}`));
  };
}

/**
 * Refuses paths that could mean something else to a file server or proxy behind a plugin: dot
 * segments (plain or percent-encoded), backslashes, NUL bytes and percent-encoding that is not
 * valid UTF-8.
 */
export function rejectAmbiguousPaths(): RequestHandler {
  return (req, _res, next) => {
    // Most paths have none of these characters, and then nothing below can match.
    if (!MAYBE_AMBIGUOUS.test(req.path)) {
      next();
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(req.path);
    } catch {
      next(new InputError('Malformed percent-encoding in the request path'));
      return;
    }
    if (/[\\\0]/.test(decoded) || decoded.split('/').some(s => s === '.' || s === '..')) {
      next(new InputError('The request path may not contain dot segments, backslashes or NUL'));
      return;
    }
    next();
  };
}

/** HTTP/1.1 requests must name the host (RFC 9112); answered here in the standard shape. */
export function requireHost(): RequestHandler {
  return (req, _res, next) => {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && !req.headers.host) {
      next(new InputError('Missing Host header'));
      return;
    }
    next();
  };
}

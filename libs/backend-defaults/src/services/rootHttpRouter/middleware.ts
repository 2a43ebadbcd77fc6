import { LoggerService } from '@trellis/backend-plugin-api';
import { BackendStateService } from '@trellis/backend-app-api';
import { NotFoundError, ServiceUnavailableError } from '@trellis/errors';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

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
      const meta = {
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        requestId: res.getHeader('x-request-id'),
      };
      const level = req.originalUrl.startsWith('/.trellis/health') ? 'debug' : 'info';
      logger[level](`${req.method} ${req.originalUrl} ${res.statusCode}`, meta);
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

import { AuthenticationError, NotFoundError } from '@trellis/errors';
import type { Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { BackendMetrics } from './metricsServiceFactory';
import { OTHER_LABEL } from './series';

const API_PLUGIN = /^\/api\/([^/?#]+)/i;
const NO_PLUGIN = 'none';

/**
 * Records one finished request: its plugin, matched route pattern, method, status and latency.
 * Only values the backend defines become labels, so callers cannot create series at will: a
 * plugin ID that is not installed and a path no route or mount matched are both `other`.
 */
export function recordRequest(metrics: BackendMetrics, req: Request, res: Response, seconds: number): void {
  const match = API_PLUGIN.exec(req.originalUrl);
  let plugin = NO_PLUGIN;
  if (match) {
    plugin = metrics.pluginLabel(match[1]!) ?? OTHER_LABEL;
  }
  metrics.httpRequests.observeValues(
    [plugin, req.method, plugin === OTHER_LABEL ? OTHER_LABEL : routeLabel(req), String(res.statusCode)],
    seconds,
  );
}

/**
 * The route pattern that answered: the mount path (in lower case, as mounts match) and the
 * matched route's pattern; a mount that answered without a route is its mount path; `other` when
 * nothing matched.
 */
function routeLabel(req: Request): string {
  const base = req.baseUrl;
  const route = req.route as { path?: unknown } | undefined;
  if (route?.path !== undefined) {
    return `${base.toLowerCase()}${String(route.path)}`;
  }
  return base ? base.toLowerCase() : OTHER_LABEL;
}

/**
 * Serves the metrics in Prometheus text format to callers with `backend.metrics.token` as a
 * bearer token; without a configured token the endpoint is off.
 */
export function metricsEndpoint(metrics: BackendMetrics, token: string | undefined): RequestHandler {
  return async (req, res, next) => {
    if (req.path !== '/' || req.method !== 'GET') {
      next();
      return;
    }
    if (!token) {
      next(new NotFoundError('Metrics are off; set backend.metrics.token to serve them'));
      return;
    }
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${token}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      next(new AuthenticationError('Metrics need the token configured in backend.metrics.token'));
      return;
    }
    res.setHeader('content-type', metrics.contentType);
    res.send(await metrics.render());
  };
}

import { AuthenticationError, NotFoundError } from '@trellis/errors';
import type { Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { BackendMetrics } from './metricsServiceFactory';

/** Records one finished request: its plugin, matched route pattern (not the raw path), method, status and latency. */
export function recordRequest(metrics: BackendMetrics, req: Request, res: Response, seconds: number): void {
  const url = req.originalUrl;
  const plugin = url.startsWith('/api/') ? (/^\/api\/([^/?#]+)/.exec(url)?.[1] ?? 'none') : 'none';
  const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : url.startsWith('/.trellis/') ? req.path : 'unmatched';
  metrics.httpRequests.observeValues([plugin, req.method, route, String(res.statusCode)], seconds);
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

import { LoggerService } from '@trellis/backend-plugin-api';
import type { Request, Response } from 'express';
import { BackendMetrics, recordRequest } from '../metrics';
import { isLevelEnabled } from '../rootLogger';
import { logSafeUrl } from './logSafeUrl';
import { RequestStep } from './middleware';

const STARTED = Symbol('trellis.requestStarted');

type TimedResponse = Response & { [STARTED]?: number };

/** Options of {@link observeRequests}. */
export interface ObserveRequestsOptions {
  logger: LoggerService;
  metrics: BackendMetrics;
}

/**
 * Logs one line per finished request (health probes only at debug level) and records it in the
 * request metrics. One `finish` listener, the same function for every request, serves both.
 */
export function observeRequests(options: ObserveRequestsOptions): RequestStep {
  const { logger, metrics } = options;
  function onFinish(this: TimedResponse) {
    const durationMs = performance.now() - (this[STARTED] ?? 0);
    recordRequest(metrics, this.req, this, durationMs / 1000);
    logRequest(logger, this.req, this, durationMs);
  }
  return (_req, res: TimedResponse) => {
    res[STARTED] = performance.now();
    res.on('finish', onFinish);
    return undefined;
  };
}

function logRequest(logger: LoggerService, req: Request, res: Response, durationMs: number): void {
  const level = req.originalUrl.startsWith('/.trellis/health') ? 'debug' : 'info';
  if (!isLevelEnabled(logger, level)) {
    return;
  }
  const url = logSafeUrl(req.originalUrl);
  const meta = {
    method: req.method,
    url,
    status: res.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
    requestId: res.getHeader('x-request-id'),
  };
  logger[level](`${req.method} ${url} ${res.statusCode}`, meta);
}

import { LoggerService } from '@trellis/backend-plugin-api';
import type { Request, Response } from 'express';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Server, ServerResponse } from 'node:http';
import { BackendMetrics, recordRequest } from '../metrics';
import { isLevelEnabled, requestLineWriterOf } from '../rootLogger';
import type { RequestLineWriter } from '../rootLogger';
import { logSafeUrl } from './logSafeUrl';
import { clientRequestId, RequestStep } from './middleware';

const STARTED = Symbol('trellis.requestStarted');

/** Node publishes every finished response here once someone subscribes (no listener per request). */
const responseFinished = diagnosticsChannel.channel('http.server.response.finish');
const observers = new WeakMap<Server, (res: ServerResponse) => void>();
let subscribed = false;

function onResponseFinished(message: unknown): void {
  const { server, response } = message as { server: Server; response: ServerResponse };
  observers.get(server)?.(response);
}

/** Options of {@link observeRequests}. */
export interface ObserveRequestsOptions {
  logger: LoggerService;
  metrics: BackendMetrics;
}

/** The request observer: a step that notes when a request began, and the server to watch. */
export interface RequestObserver {
  step: RequestStep;
  /** Observes the finished responses of this server from now on. */
  attach(server: Server): void;
}

/**
 * Logs one line per finished request (health probes only at debug level) and records it in the
 * request metrics. The start time goes into `res.locals` (a property added to the response itself
 * would change its hidden class on every request), and finished responses come from Node's
 * `http.server.response.finish` diagnostics channel, one subscription for every request instead
 * of a `finish` listener on each.
 */
export function observeRequests(options: ObserveRequestsOptions): RequestObserver {
  const { logger, metrics } = options;
  const lines = requestLineWriterOf(logger);
  const finished = (res: ServerResponse) => {
    const response = res as Response;
    const started = (response.locals as { [STARTED]?: number } | undefined)?.[STARTED];
    if (started === undefined) {
      return;
    }
    const durationMs = performance.now() - started;
    recordRequest(metrics, response.req, response, durationMs / 1000);
    logRequest(logger, lines, response.req, response, durationMs);
  };
  return {
    step: (_req, res) => {
      (res.locals as { [STARTED]?: number })[STARTED] = performance.now();
      return undefined;
    },
    attach(server) {
      observers.set(server, finished);
      if (!subscribed) {
        subscribed = true;
        responseFinished.subscribe(onResponseFinished);
      }
    },
  };
}

/**
 * The request's line: straight to the default output's buffer when the logger has one (the
 * production default, one JSON line per request), otherwise through the logger.
 */
function logRequest(
  logger: LoggerService,
  lines: RequestLineWriter | undefined,
  req: Request,
  res: Response,
  durationMs: number,
): void {
  const level = req.originalUrl.startsWith('/.trellis/health') ? 'debug' : 'info';
  if (!isLevelEnabled(logger, level)) {
    return;
  }
  const url = logSafeUrl(req.originalUrl);
  if (lines) {
    const requestId = res.getHeader('x-request-id');
    lines.write({
      level,
      method: req.method,
      url,
      status: res.statusCode,
      durationMs: Math.round(durationMs * 10) / 10,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      clientRequestId: clientRequestId(req),
    });
    return;
  }
  const meta = {
    method: req.method,
    url,
    status: res.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
    requestId: res.getHeader('x-request-id'),
    clientRequestId: clientRequestId(req),
  };
  logger[level](`${req.method} ${url} ${res.statusCode}`, meta);
}

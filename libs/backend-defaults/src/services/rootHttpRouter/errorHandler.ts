import { LoggerService } from '@trellis/backend-plugin-api';
import {
  ErrorResponseBody,
  errorToStatusCode,
  isErrorLike,
  serializeError,
  statusCodeToErrorName,
} from '@trellis/errors';
import type { ErrorRequestHandler, Request } from 'express';
import { isDatabaseUnavailableError } from '../database/isDatabaseUnavailableError';
import { isDatabaseDataError } from './isDatabaseDataError';
import { logSafeUrl } from './logSafeUrl';
import { clientRequestId } from './middleware';

/** Options of {@link errorHandler}. @public */
export interface ErrorHandlerOptions {
  logger: LoggerService;
  /** Show stacks and messages of server errors in responses (development only). */
  showInternals: boolean;
}

/**
 * The one error handler: maps errors to status codes and answers in the standard JSON shape.
 * Server errors are logged with the server's request id (the client's own `x-request-id` goes
 * beside it as `clientRequestId`) and their stack and causes; outside development their response
 * says only "Internal server error" with that id, so an operator can find the log line. A
 * database's refusal of a value the request brought (see {@link isDatabaseDataError}) is the
 * client's error: 400, with a message that names no table, query or driver.
 *
 * @public
 */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (rawError, req, res, next) => {
    const error = normalize(rawError);
    const statusCode = errorToStatusCode(error);
    const requestId = res.getHeader('x-request-id')?.toString();
    if (statusCode === 503) {
      options.logger.warn(`Request failed: ${req.method} ${logSafeUrl(req.originalUrl)}: ${error.message}`, {
        error: serializeError(error, { includeStack: true }),
        requestId,
        clientRequestId: clientRequestId(req),
      });
    } else if (statusCode >= 500) {
      options.logger.error(`Request failed: ${req.method} ${logSafeUrl(req.originalUrl)}`, {
        error: serializeError(error, { includeStack: true }),
        requestId,
        clientRequestId: clientRequestId(req),
      });
    }
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    // A body left unread (refused by its length, cut at the limit, or never wanted) would be read
    // to its end to keep the connection; close it instead.
    if (!req.complete) {
      res.setHeader('connection', 'close');
    }
    const body: ErrorResponseBody = {
      error: publicError(error, statusCode, requestId, options.showInternals),
      request: { method: req.method, url: safeUrl(req) },
      response: { statusCode },
    };
    res.status(statusCode).json(body);
    void next;
  };
}

function publicError(error: Error, statusCode: number, requestId: string | undefined, showInternals: boolean) {
  if (statusCode >= 500 && !showInternals && statusCode !== 503) {
    return { name: 'InternalServerError', message: `Internal server error (log id ${requestId ?? 'unknown'})` };
  }
  return serializeError(error, { includeStack: showInternals });
}

/** Body-parser and other http-errors carry a status and a type; give them our class names. */
function normalize(raw: unknown): Error {
  if (!isErrorLike(raw)) {
    return new Error(`Non-error thrown: ${String(raw)}`);
  }
  if (isDatabaseUnavailableError(raw)) {
    return renamed(
      raw,
      'ServiceUnavailableError',
      'The database did not answer in time or is not reachable right now; try again later',
    );
  }
  if (isDatabaseDataError(raw)) {
    return renamed(
      raw,
      'InputError',
      'The request holds a value the database cannot take: malformed, out of range or too long for its field',
    );
  }
  const type = (raw as { type?: unknown }).type;
  if (type === 'entity.parse.failed') {
    return renamed(raw, 'InputError', `Malformed JSON in request body: ${raw.message}`);
  }
  if (type === 'entity.too.large') {
    const limit = (raw as { limit?: number }).limit;
    return renamed(raw, 'PayloadTooLargeError', `Request body is larger than the limit of ${limit} bytes`);
  }
  const status = errorToStatusCode(raw);
  const statusName = statusCodeToErrorName(status);
  // Client errors of libraries (URIError from a bad path parameter, http-errors classes) take the
  // name of their status, so clients see one vocabulary.
  if (status < 500 && statusName && raw.name !== statusName) {
    return renamed(raw, statusName, raw.message);
  }
  if (raw.name === 'Error' || /^[A-Z][a-zA-Z]*Error$/.test(raw.name) === false) {
    return renamed(raw, statusName ?? raw.name, raw.message);
  }
  return raw;
}

function renamed(source: Error, name: string, message: string): Error {
  const error = new Error(message, { cause: source });
  error.name = name;
  const status = (source as { status?: number }).status;
  return Object.assign(error, status && name !== 'InputError' ? { status } : {});
}

function safeUrl(req: Request): string {
  return req.originalUrl.length > 2048 ? `${req.originalUrl.slice(0, 2048)}...` : req.originalUrl;
}

import * as errors from './errors';
import { isErrorLike, statusCodeToErrorName } from './status';

/** The JSON form of an error, as sent over the wire. @public */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SerializedError;
}

/** The body of every error response. @public */
export interface ErrorResponseBody {
  error: SerializedError;
  request?: { method: string; url: string };
  response: { statusCode: number };
}

/** Turns an error into JSON; stacks are included only when asked (development). @public */
export function serializeError(error: Error, options?: { includeStack?: boolean }): SerializedError {
  const out: SerializedError = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    out.code = code;
  }
  if (options?.includeStack && error.stack) {
    out.stack = error.stack;
  }
  if (options?.includeStack && isErrorLike(error.cause)) {
    out.cause = serializeError(error.cause, options);
  }
  return out;
}

const knownErrors: Record<string, new (message?: string) => Error> = {
  InputError: errors.InputError,
  AuthenticationError: errors.AuthenticationError,
  NotAllowedError: errors.NotAllowedError,
  NotFoundError: errors.NotFoundError,
  ConflictError: errors.ConflictError,
  PayloadTooLargeError: errors.PayloadTooLargeError,
  TooManyRequestsError: errors.TooManyRequestsError,
  NotImplementedError: errors.NotImplementedError,
  ServiceUnavailableError: errors.ServiceUnavailableError,
};

/** Rebuilds an error from its JSON form, as the matching Trellis class when the name is known. @public */
export function deserializeError(data: SerializedError): Error {
  const ErrorClass = knownErrors[data.name] ?? Error;
  const error = new ErrorClass(data.message);
  error.name = data.name;
  if (data.code) {
    (error as { code?: string }).code = data.code;
  }
  return error;
}

/**
 * An error that came back from another service's HTTP response; its name is the remote error's,
 * so the local error handler answers with the same status.
 *
 * @public
 */
export class ResponseError extends Error {
  readonly statusCode: number;
  readonly body?: ErrorResponseBody;

  private constructor(message: string, statusCode: number, body?: ErrorResponseBody) {
    super(message);
    this.statusCode = statusCode;
    this.body = body;
    this.name = body?.error.name ?? statusCodeToErrorName(statusCode) ?? 'ResponseError';
  }

  /** Reads a failed fetch response; never throws while reading it. */
  static async fromResponse(response: Response): Promise<ResponseError> {
    const text = await response.text().catch(() => '');
    let body: ErrorResponseBody | undefined;
    try {
      const parsed = JSON.parse(text);
      if (isErrorLike(parsed?.error)) {
        body = parsed;
      }
    } catch {
      body = undefined;
    }
    const message = body?.error.message ?? (text.slice(0, 200) || response.statusText);
    return new ResponseError(
      `Request failed with ${response.status} ${response.statusText}: ${message}`,
      response.status,
      body,
    );
  }
}

/**
 * The error of a failed response as the class the remote service threw (`InputError`,
 * `NotFoundError`, ...) when the name is a known one, with the {@link ResponseError} (status and
 * body) as its `cause`; a `ResponseError` otherwise. Node-library clients throw this, so callers
 * can write `error instanceof NotFoundError` and the local error handler answers with the same
 * status.
 *
 * @public
 */
export async function errorFromResponse(response: Response): Promise<Error> {
  const responseError = await ResponseError.fromResponse(response);
  const ErrorClass = knownErrors[responseError.name];
  if (!ErrorClass) {
    return responseError;
  }
  const error = new ErrorClass(responseError.message);
  Object.defineProperty(error, 'cause', { value: responseError, enumerable: false, configurable: true });
  return error;
}

const statusByName: Record<string, number> = {
  NotModifiedError: 304,
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  PayloadTooLargeError: 413,
  TooManyRequestsError: 429,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

/**
 * The HTTP status code an error stands for: from its class name, else from a valid 4xx/5xx
 * `status` or `statusCode` property (as set by body parsers), else 500.
 *
 * @public
 */
export function errorToStatusCode(error: unknown): number {
  if (!isErrorLike(error)) {
    return 500;
  }
  const byName = statusByName[error.name];
  if (byName) {
    return byName;
  }
  const candidate =
    (error as { status?: unknown; statusCode?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  if (typeof candidate === 'number' && candidate >= 400 && candidate < 600) {
    return candidate;
  }
  return 500;
}

/** The error class name a status code maps back to, used by clients. @public */
export function statusCodeToErrorName(statusCode: number): string | undefined {
  return Object.entries(statusByName).find(([, status]) => status === statusCode)?.[0];
}

/** Whether a value looks like an Error (has a string name and message). @public */
export function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).name === 'string' &&
    typeof (value as Error).message === 'string'
  );
}

/** Throws unless the value is error-like; narrows `catch (e: unknown)` blocks. @public */
export function assertError(value: unknown): asserts value is Error {
  if (!isErrorLike(value)) {
    throw new Error(`Encountered invalid error, not an Error: ${String(value)}`);
  }
}

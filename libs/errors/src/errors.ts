import { CustomErrorBase } from './CustomErrorBase';

/** The content has not changed since the version the caller named, by ETag or date (304). @public */
export class NotModifiedError extends CustomErrorBase {}

/** The request is malformed or a value is invalid (400). @public */
export class InputError extends CustomErrorBase {}

/** The caller did not prove who it is (401). @public */
export class AuthenticationError extends CustomErrorBase {}

/** The caller is known but may not do this (403). @public */
export class NotAllowedError extends CustomErrorBase {}

/** The requested thing does not exist (404). @public */
export class NotFoundError extends CustomErrorBase {}

/** The request conflicts with the current state, such as a stale version (409). @public */
export class ConflictError extends CustomErrorBase {}

/** The request body is larger than allowed (413). @public */
export class PayloadTooLargeError extends CustomErrorBase {}

/** The caller sent too many requests (429). @public */
export class TooManyRequestsError extends CustomErrorBase {}

/** The operation is not implemented (501). @public */
export class NotImplementedError extends CustomErrorBase {}

/** A dependency of the service (a database, another plugin) is unavailable right now (503). @public */
export class ServiceUnavailableError extends CustomErrorBase {}

/**
 * Wraps an error from elsewhere, keeping its name and message so the status mapping still applies.
 *
 * @public
 */
export class ForwardedError extends CustomErrorBase {
  constructor(message: string, cause: unknown) {
    super(message, cause);
    if (cause instanceof Error) {
      this.name = cause.name;
    }
  }
}

export { CustomErrorBase } from './CustomErrorBase';
export {
  NotModifiedError,
  InputError,
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  TooManyRequestsError,
  NotImplementedError,
  ServiceUnavailableError,
  ForwardedError,
} from './errors';
export { errorToStatusCode, statusCodeToErrorName, isErrorLike, assertError } from './status';
export { serializeError, deserializeError, errorFromResponse, ResponseError } from './serialization';
export type { SerializedError, ErrorResponseBody } from './serialization';
export { TrellisError } from './TrellisError';
export { errorCodes } from './codes';
export type { TrellisErrorCode } from './codes';

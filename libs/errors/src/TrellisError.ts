import { CustomErrorBase } from './CustomErrorBase';
import { errorCodes, TrellisErrorCode } from './codes';

/**
 * A framework error with a stable code from {@link errorCodes}; the message names every actor
 * involved and ends with how to fix it.
 *
 * @public
 */
export class TrellisError extends CustomErrorBase {
  readonly code: TrellisErrorCode;

  constructor(code: TrellisErrorCode, message: string, cause?: unknown) {
    super(`${message} [${code}]`, cause);
    this.code = code;
    this.name = 'TrellisError';
  }

  /** Whether this error, or a value, is a framework error with the given code. */
  static is(value: unknown, code?: TrellisErrorCode): value is TrellisError {
    return value instanceof TrellisError && (code === undefined || value.code === code);
  }
}

export { errorCodes };

/**
 * Base class of every Trellis error: keeps an optional `cause` and names itself after its class.
 *
 * @public
 */
export abstract class CustomErrorBase extends Error {
  override readonly cause?: Error;

  constructor(message?: string, cause?: unknown) {
    const causeError = toError(cause);
    let fullMessage = message ?? '';
    if (causeError) {
      fullMessage += fullMessage ? `; caused by ${describe(causeError)}` : describe(causeError);
    }
    super(fullMessage);
    this.name = new.target.name;
    if (causeError) {
      this.cause = causeError;
    }
  }
}

function toError(value: unknown): Error | undefined {
  if (value === undefined) {
    return undefined;
  }
  // Duck-typed: errors from another realm (a vm context, a worker) fail `instanceof Error`.
  if (
    value instanceof Error ||
    (typeof value === 'object' && value !== null && typeof (value as Error).message === 'string')
  ) {
    return value as Error;
  }
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}

function describe(error: Error): string {
  return `${error.name}: ${error.message}`;
}

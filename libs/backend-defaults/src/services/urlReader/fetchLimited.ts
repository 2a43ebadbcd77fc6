import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '@trellis/errors';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { displayUrl } from './hostRules';

/** Limits and policy of one outgoing request. @public */
export interface FetchLimitedOptions {
  /** Headers for every hop, such as `Accept` and `If-None-Match`. */
  headers?: Record<string, string>;
  /** Headers sent only to the origin of the first URL, never after a redirect to another one. */
  credentials?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Whether a redirect target may be followed; a refused target fails the request. */
  allowRedirect(url: URL): boolean;
}

/** A successful (2xx) response whose body is read within the size limit. @public */
export interface LimitedResponse {
  status: number;
  headers: Headers;
  /** The URL that answered, after redirects. */
  url: string;
  buffer(): Promise<Buffer>;
  /** The body as a stream that fails once it passes the size limit. */
  stream(): Readable;
}

/**
 * Fetches a URL with a time limit, a size limit and redirects followed by hand, each target
 * checked by `allowRedirect`; credentials never leave the first origin. Status codes become
 * errors: 304 `NotModifiedError`, 404 `NotFoundError`, 401/403 `NotAllowedError`, other 4xx
 * `InputError`; 429, 5xx, timeouts and network failures `ServiceUnavailableError`, as the host
 * is a dependency that is unavailable right now. Messages name the URL without its query, so
 * they never carry a token.
 *
 * @public
 */
export async function fetchLimited(url: string, options: FetchLimitedOptions): Promise<LimitedResponse> {
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  const origin = new URL(url).origin;
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const credentials = current.origin === origin ? options.credentials : undefined;
    const response = await send(current, { ...options.headers, ...credentials }, signal, options);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
      await response.body?.cancel().catch(() => undefined);
      current = nextHop(current, location, hop, url, options);
      continue;
    }
    checkStatus(response, url);
    checkDeclaredLength(response, url, options.maxBytes);
    return limitedResponse(response, current, url, options);
  }
}

async function send(target: URL, headers: Record<string, string>, signal: AbortSignal, options: FetchLimitedOptions) {
  try {
    return await fetch(target, { headers, signal, redirect: 'manual' });
  } catch (error) {
    throw describeFailure(error, target, options);
  }
}

function describeFailure(error: unknown, target: URL, options: FetchLimitedOptions): Error {
  if (options.signal?.aborted) {
    return options.signal.reason instanceof Error ? options.signal.reason : new Error(String(options.signal.reason));
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return timedOut(target, options);
  }
  const reason =
    error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new ServiceUnavailableError(`Reading '${displayUrl(target)}' failed: ${reason}`);
}

function timedOut(target: URL | string, options: FetchLimitedOptions): Error {
  return new ServiceUnavailableError(
    `Reading '${displayUrl(target)}' timed out after ${options.timeoutMs} ms (backend.reading.timeoutMs)`,
  );
}

function nextHop(current: URL, location: string, hop: number, original: string, options: FetchLimitedOptions): URL {
  if (hop >= options.maxRedirects) {
    throw new Error(`Reading '${displayUrl(original)}' was redirected more than ${options.maxRedirects} times`);
  }
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new Error(`Reading '${displayUrl(original)}' was redirected to an invalid URL`);
  }
  if (!options.allowRedirect(next)) {
    throw new NotAllowedError(
      `Reading '${displayUrl(original)}' was redirected to '${displayUrl(next)}', which is not an allowed host`,
    );
  }
  return next;
}

function checkStatus(response: Response, original: string): void {
  if (response.ok) {
    return;
  }
  void response.body?.cancel().catch(() => undefined);
  const shown = displayUrl(original);
  if (response.status === 304) {
    throw new NotModifiedError(`'${shown}' has not changed`);
  }
  if (response.status === 404) {
    throw new NotFoundError(`'${shown}' was not found (404)`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new NotAllowedError(`Reading '${shown}' was refused by the host (${response.status})`);
  }
  const message = `Reading '${shown}' failed with ${response.status} ${response.statusText}`.trim();
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw new InputError(message);
  }
  throw new ServiceUnavailableError(message);
}

function checkDeclaredLength(response: Response, original: string, maxBytes: number): void {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    throw tooLarge(original, maxBytes);
  }
}

function tooLarge(original: string, maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `'${displayUrl(original)}' is larger than ${maxBytes} bytes (backend.reading.maxResponseBytes)`,
  );
}

function limitedResponse(
  response: Response,
  answered: URL,
  original: string,
  options: FetchLimitedOptions,
): LimitedResponse {
  const maxBytes = options.maxBytes;
  let consumed = false;
  const stream = () => {
    if (consumed) {
      throw new Error(`The body of '${displayUrl(original)}' was already read`);
    }
    consumed = true;
    const body = response.body
      ? Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>)
      : Readable.from([]);
    let total = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        total += chunk.length;
        callback(total > maxBytes ? tooLarge(original, maxBytes) : undefined, total > maxBytes ? undefined : chunk);
      },
    });
    body.on('error', (error) => limiter.destroy(bodyError(error, original, options)));
    limiter.on('close', () => body.destroy());
    return body.pipe(limiter);
  };
  return {
    status: response.status,
    headers: response.headers,
    url: answered.toString(),
    stream,
    async buffer() {
      const chunks: Buffer[] = [];
      for await (const chunk of stream()) {
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    },
  };
}

function bodyError(error: Error, original: string, options: FetchLimitedOptions): Error {
  if (options.signal?.aborted) {
    return options.signal.reason instanceof Error ? options.signal.reason : new Error(String(options.signal.reason));
  }
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return timedOut(original, options);
  }
  return new ServiceUnavailableError(`Reading '${displayUrl(original)}' failed while receiving the body`, error);
}

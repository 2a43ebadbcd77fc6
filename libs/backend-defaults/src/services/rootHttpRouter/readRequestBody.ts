import { InputError, PayloadTooLargeError } from '@trellis/errors';
import type { NextFunction, Request, RequestHandler } from 'express';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';

const JSON_MEDIA_TYPE = /^\s*application\/(?:json|[^;\s]*\+json)\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
/** Decodes strictly: bytes that are not UTF-8 make the body malformed instead of becoming U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Options of {@link readRequestBody}. */
export interface ReadRequestBodyOptions {
  /** The largest body taken, in bytes (after decompression). */
  limitBytes: number;
}

/**
 * Reads JSON bodies into `req.body`, and refuses what it will not read before reading it: a
 * `Content-Length` over the limit gets 413 at once (whatever the content type), a JSON body in a
 * charset other than UTF-8 gets 415, and so does one that turns out to be UTF-16 or UTF-32. A
 * chunked or compressed body is read up to the limit only, then refused. In every refusal the
 * rest of the body stays unread and the error handler closes the connection. Requests without a
 * body (no Transfer-Encoding, no Content-Length, RFC 9112) skip all of it.
 *
 * body-parser is not used: on any error it reads the whole remaining body before answering,
 * which let a client hold a connection (and the server's reads) until the request timeout.
 */
export function readRequestBody(options: ReadRequestBodyOptions): RequestHandler {
  const { limitBytes } = options;
  return (req, _res, next) => {
    const length = req.headers['content-length'];
    if (length === undefined && req.headers['transfer-encoding'] === undefined) {
      next();
      return;
    }
    if (length !== undefined && Number(length) > limitBytes) {
      next(tooLarge(limitBytes));
      return;
    }
    const contentType = req.headers['content-type'];
    if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
      next();
      return;
    }
    const charset = CHARSET.exec(contentType)?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      next(notUtf8(`charset '${charset}'`));
      return;
    }
    readJson(req, limitBytes, next);
  };
}

/** Parses a size as `backend.http.bodyLimit` gives it: bytes, or a number with b, kb, mb or gb (1024-based). */
export function parseByteSize(value: string | number, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return Math.floor(value);
  }
  const match = SIZE.exec(String(value).trim());
  if (!match) {
    throw new Error(`${where} must be a number of bytes or a size such as '1mb', got '${String(value)}'`);
  }
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

function readJson(req: Request, limitBytes: number, next: NextFunction): void {
  const source = decompressed(req);
  if (source instanceof Error) {
    next(source);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let done = false;
  const finish = (error?: Error) => {
    if (done) {
      return;
    }
    done = true;
    source.off('data', onData).off('end', onEnd).off('error', onError);
    req.off('close', onClose);
    if (error && source !== req) {
      req.unpipe(source as Duplex);
      source.destroy();
    }
    if (error) {
      req.pause();
      next(error);
      return;
    }
    try {
      req.body = parseJson(Buffer.concat(chunks, received));
      // The flag by which Express 4's body parsers (body-parser 1, in published Backstage plugins'
      // own routers) know the body was read; without it they read the drained stream and fail.
      (req as { _body?: boolean })._body = true;
      next();
    } catch (parseError) {
      next(parseError);
    }
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limitBytes) {
      finish(tooLarge(limitBytes));
    } else {
      chunks.push(chunk);
    }
  };
  const onEnd = () => finish();
  const onError = () =>
    finish(
      new InputError(
        source === req ? 'The request body could not be read' : 'The request body could not be decompressed',
      ),
    );
  // 'close' also follows a complete body; only an incomplete one means the client went away.
  const onClose = () => {
    if (!req.complete) {
      finish(new InputError('The request was aborted before its body arrived'));
    }
  };
  source.on('data', onData).on('end', onEnd).on('error', onError);
  req.on('close', onClose);
}

/** The body as sent (identity) or decompressed; an error for an encoding we do not read. */
function decompressed(req: Request): Request | Duplex | Error {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Duplex;
  switch (encoding) {
    case 'identity':
      return req;
    case 'gzip':
    case 'x-gzip':
      stream = zlib.createGunzip();
      break;
    case 'deflate':
      stream = zlib.createInflate();
      break;
    case 'br':
      stream = zlib.createBrotliDecompress();
      break;
    default:
      return unsupportedMediaType(`Content encoding '${encoding}' is not supported; use gzip, deflate, br or none`);
  }
  req.pipe(stream);
  return stream;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) {
    return {};
  }
  // JSON text begins with an ASCII character, so a NUL among the first two bytes means UTF-16 or
  // UTF-32 even without a byte order mark (RFC 4627, section 3); FE FF and FF FE are their marks.
  if (
    body.length >= 2 &&
    (body[0] === 0 || body[1] === 0 || (body[0] === 0xfe && body[1] === 0xff) || (body[0] === 0xff && body[1] === 0xfe))
  ) {
    throw notUtf8('UTF-16 or UTF-32 content');
  }
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new InputError('Malformed JSON in request body: the body is not valid UTF-8');
  }
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') {
    throw new InputError('Malformed JSON in request body: it must be an object or an array');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`Malformed JSON in request body: ${(error as Error).message}`);
  }
}

function tooLarge(limitBytes: number): Error {
  return new PayloadTooLargeError(`Request body is larger than the limit of ${limitBytes} bytes`);
}

function notUtf8(what: string): Error {
  return unsupportedMediaType(`JSON request bodies must be UTF-8 (RFC 8259); ${what} is not accepted`);
}

function unsupportedMediaType(message: string): Error {
  const error = new Error(message);
  error.name = 'UnsupportedMediaTypeError';
  return Object.assign(error, { status: 415 });
}

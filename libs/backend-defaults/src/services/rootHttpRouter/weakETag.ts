import { hash } from 'node:crypto';

/** express's weak ETag of an empty body. */
const EMPTY = 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

/**
 * The weak ETag express gives a response body by default (`W/"<length in hex>-<SHA-1, base64, 27
 * characters>"`), computed with one `crypto.hash()` call instead of a Hash object per response
 * (and, for a string body, without copying it into a Buffer first, as express's generator does).
 */
export function weakETag(body: string | Buffer, encoding?: BufferEncoding): string {
  let entity = body;
  if (typeof entity === 'string' && encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') {
    entity = Buffer.from(entity, encoding);
  }
  const length = typeof entity === 'string' ? Buffer.byteLength(entity, 'utf8') : entity.length;
  if (length === 0) {
    return EMPTY;
  }
  return `W/"${length.toString(16)}-${hash('sha1', entity, 'base64').substring(0, 27)}"`;
}

import net from 'node:net';

/** An answer read off a raw connection. @public */
export interface RawHttpResponse {
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection, or the time ran out, without a complete answer. */
  noAnswer: boolean;
  /** The time limit ran out (the server hung). */
  timedOut: boolean;
}

/** Options of {@link rawHttpRequest}. @public */
export interface RawHttpRequestOptions {
  host?: string;
  port: number;
  /** The bytes sent, as they are: request line, headers and body. */
  data: Buffer | string;
  /** Bytes sent in a second write, after the first was flushed (large bodies). */
  tail?: Buffer;
  timeoutMs?: number;
  /** The request was HEAD: the answer has headers only. */
  headOnly?: boolean;
}

/**
 * Sends bytes as they are and reads the answer, for requests no HTTP client would send. Write
 * errors are ignored (a server may answer and close before the body is sent); the exchange is
 * bounded by `timeoutMs`.
 *
 * @public
 */
export function rawHttpRequest(options: RawHttpRequestOptions): Promise<RawHttpResponse> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: options.host ?? '127.0.0.1', port: options.port });
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (parseResponse(Buffer.concat(chunks), Boolean(options.headOnly)).complete) {
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const { complete, ...parsed } = parseResponse(Buffer.concat(chunks), Boolean(options.headOnly));
      resolve({ ...parsed, noAnswer: !complete, timedOut });
    });
    socket.write(options.data, () => {
      if (options.tail && !socket.destroyed) {
        socket.write(options.tail);
      }
    });
  });
}

interface ParsedResponse {
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** The whole answer arrived. */
  complete: boolean;
}

function parseResponse(raw: Buffer, headOnly: boolean): ParsedResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) {
    return { headers: {}, body: '', complete: false };
  }
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyBytes = raw.subarray(end + 4);
  const chunked = headers['transfer-encoding'] === 'chunked';
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const complete =
    headOnly || (length !== undefined && bodyBytes.length >= length) || (chunked && bodyBytes.includes('0\r\n\r\n'));
  return { status: Number(statusLine.split(' ')[1]), headers, body: decodeBody(bodyBytes, chunked), complete };
}

function decodeBody(bytes: Buffer, chunked: boolean): string {
  if (!chunked) {
    return bytes.toString('utf8');
  }
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    const size = lineEnd < 0 ? 0 : parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) {
      break;
    }
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString('utf8');
}

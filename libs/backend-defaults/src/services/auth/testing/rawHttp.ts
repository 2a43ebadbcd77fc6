import net from 'node:net';

/** What came back on a raw connection. */
export interface RawResponse {
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** True when the server closed the connection without answering. */
  closedWithoutAnswer: boolean;
  ms: number;
}

/**
 * Sends bytes as they are to 127.0.0.1:port and reads until the server closes or answers in
 * full, for requests fetch refuses to send. A request without its final blank line stalls the
 * server's parser; `timeoutMs` bounds the whole exchange.
 */
export function rawRequest(
  port: number,
  data: string | Buffer,
  options: { timeoutMs?: number } = {},
): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No answer within ${options.timeoutMs ?? 5000}ms`));
    }, options.timeoutMs ?? 5000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const parsed = parse(Buffer.concat(chunks).toString('latin1'));
      if (parsed.complete) {
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const parsed = parse(Buffer.concat(chunks).toString('latin1'));
      resolve({ ...parsed, closedWithoutAnswer: parsed.status === undefined, ms: Date.now() - started });
    });
    socket.write(data);
  });
}

function parse(text: string) {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) {
    return { status: undefined, headers: {}, body: '', complete: false };
  }
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(end + 4);
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const complete = length !== undefined && Buffer.byteLength(body, 'latin1') >= length;
  return { status: Number(statusLine.split(' ')[1]), headers, body, complete };
}

import type { ErrorResponseBody } from '@trellis/errors';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Options of {@link writeErrorResponse}. */
export interface RawErrorResponse {
  status: number;
  name: string;
  message: string;
  request?: { method: string; url: string };
  headers?: Readonly<Record<string, string>>;
}

/** A half-closed socket the client keeps open is destroyed after this long. */
const LINGER_MS = 5_000;

/**
 * Answers on a raw socket, where no ServerResponse exists (requests Node's parser refused,
 * upgrade requests), in the standard error shape, and closes the connection.
 */
export function writeErrorResponse(socket: Duplex, response: RawErrorResponse): void {
  const body: ErrorResponseBody = {
    error: { name: response.name, message: response.message },
    ...(response.request ? { request: response.request } : {}),
    response: { statusCode: response.status },
  };
  const json = JSON.stringify(body);
  const extra = Object.entries(response.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    [
      `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Error'}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(json)}`,
      'X-Content-Type-Options: nosniff',
      ...extra,
      'Connection: close',
      '',
      json,
    ].join('\r\n'),
  );
  // The server allows half-open connections: a client that never closes its side would keep it.
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

import http from 'node:http';
import type { Duplex } from 'node:stream';
import { writeErrorResponse } from './writeErrorResponse';

const NAMES: Record<number, string> = {
  400: 'InputError',
  405: 'MethodNotAllowedError',
  408: 'RequestTimeoutError',
  413: 'PayloadTooLargeError',
  431: 'RequestHeaderFieldsTooLargeError',
};

/**
 * Answers requests Node's parser rejects before Express sees them (malformed request lines,
 * oversized headers, timeouts) and `CONNECT` requests in the standard error shape, instead of
 * Node's bare replies or a silently closed socket.
 */
export function rejectUnparsableRequests(server: http.Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = statusOf(error.code);
    writeError(socket, status, messageOf(status));
  });
  server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => {
    writeError(socket, 405, 'The CONNECT method is not supported');
  });
}

function statusOf(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

function messageOf(status: number): string {
  switch (status) {
    case 431:
      return 'Request line and headers are larger than allowed';
    case 408:
      return 'The request was not received in time';
    case 413:
      return 'The request is larger than allowed';
    default:
      return 'Malformed HTTP request';
  }
}

function writeError(socket: Duplex, status: number, message: string): void {
  writeErrorResponse(socket, { status, name: NAMES[status] ?? 'Error', message });
}

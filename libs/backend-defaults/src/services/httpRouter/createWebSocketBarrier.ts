import {
  Credentials,
  HttpAuthService,
  HttpRouterServiceWebSocketHandler,
  RootHttpRouterServiceWebSocketHandler,
} from '@trellis/backend-plugin-api';
import { NotAllowedError } from '@trellis/errors';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { readUserCookie } from '../auth/userCookie';
import { PathAccess } from './createCredentialsBarrier';

/** Options of {@link createWebSocketBarrier}. */
export interface WebSocketBarrierOptions {
  httpAuth: HttpAuthService;
  /** What the plugin's auth policies say about a path relative to the plugin. */
  accessOf: (path: string) => PathAccess;
  /** Whether a browser page of `origin` may open a WebSocket with the user cookie. */
  isAllowedOrigin: (origin: string, request: IncomingMessage) => Promise<boolean>;
}

/**
 * Wraps a plugin's WebSocket handler into a root handler that applies the plugin's auth policies
 * before the handshake, as the credentials barrier does for HTTP requests: without valid
 * credentials the upgrade fails with 401 (thrown, and answered by the root), and under a
 * `user-cookie` policy the user cookie counts, when the page that opens the socket is of an
 * allowed origin (a cookie is sent by the browser whichever page asks: cross-site WebSocket
 * hijacking). `authPolicy: 'unauthenticated'` lets callers without credentials through.
 */
export function createWebSocketBarrier(
  options: WebSocketBarrierOptions,
): (handler: HttpRouterServiceWebSocketHandler) => RootHttpRouterServiceWebSocketHandler['handler'] {
  return (handler) =>
    async ({ request, socket, head }) => {
      const credentials = await credentialsOf(options, handler, request);
      await handler.handler({ request, socket, head, credentials });
    };
}

async function credentialsOf(
  options: WebSocketBarrierOptions,
  handler: HttpRouterServiceWebSocketHandler,
  request: IncomingMessage,
): Promise<Credentials> {
  const access = handler.authPolicy === 'unauthenticated' ? 'unauthenticated' : options.accessOf(handler.path);
  // httpAuth reads only headers, which an upgrade request has like any other.
  const req = request as Request;
  if (access === 'unauthenticated') {
    return options.httpAuth.credentials(req);
  }
  const allowLimitedAccess = access === 'user-cookie';
  const credentials = await options.httpAuth.credentials(req, { allow: ['user', 'service'], allowLimitedAccess });
  if (allowLimitedAccess && !request.headers.authorization && readUserCookie(request) !== undefined) {
    await checkOrigin(options, request);
  }
  return credentials;
}

async function checkOrigin(options: WebSocketBarrierOptions, request: IncomingMessage): Promise<void> {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || !(await options.isAllowedOrigin(origin, request))) {
    throw new NotAllowedError(
      `WebSocket upgrades with the user cookie are accepted from this backend's own origin and backend.cors.origin only, not from '${String(origin)}'`,
    );
  }
}

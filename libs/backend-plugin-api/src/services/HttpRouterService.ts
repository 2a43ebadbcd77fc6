import type { Handler } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Credentials } from './AuthService';

/**
 * A path a plugin opens, relative to its base path: to callers without credentials
 * (`unauthenticated`), or to the user cookie besides full credentials (`user-cookie`). Both
 * apply to HTTP requests and WebSocket upgrades alike.
 *
 * @public
 */
export interface HttpRouterServiceAuthPolicy {
  path: string;
  allow: 'unauthenticated' | 'user-cookie';
}

/**
 * What a WebSocket upgrade handler gets: the raw upgrade request, its socket, the bytes that
 * arrived after the request head, and the caller's credentials.
 *
 * @public
 */
export interface HttpRouterServiceWebSocketContext {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  credentials: Credentials;
  /** The offered protocol value that authenticated the caller; Trellis reads no tokens from protocols, so never set. */
  authProtocol?: string;
}

/**
 * A WebSocket upgrade handler of a plugin, for {@link HttpRouterService.addWebSocketHandler}.
 *
 * @public
 */
export interface HttpRouterServiceWebSocketHandler {
  /** An exact path relative to the plugin's base path; `/` is the base path itself. */
  path: string;
  /**
   * Completes the handshake (or forwards the upgrade) and owns the socket from then on, or
   * closes it before it resolves. The request keeps its full URL.
   */
  handler(context: HttpRouterServiceWebSocketContext): void | Promise<void>;
  /**
   * `unauthenticated` lets callers without credentials through; the handler then decides. By
   * default the plugin's auth policies decide, as for HTTP requests.
   */
  authPolicy?: 'unauthenticated';
}

/**
 * The plugin's HTTP router, mounted at `/api/<pluginId>`. Every path requires credentials unless
 * opened with {@link HttpRouterService.addAuthPolicy}.
 *
 * @public
 */
export interface HttpRouterService {
  use(handler: Handler): void;
  addAuthPolicy(policy: HttpRouterServiceAuthPolicy): void;
  /**
   * Handles WebSocket upgrades at an exact path below the plugin's base path (case-sensitive,
   * query ignored, a trailing slash counts). The upgrade passes the plugin's auth policies before
   * the handler runs: without credentials it is answered 401 and never upgraded; under a
   * `user-cookie` policy the user cookie counts, from an allowed origin. Sockets the handler
   * took are destroyed when the backend stops.
   */
  addWebSocketHandler(options: HttpRouterServiceWebSocketHandler): void;
}

/**
 * A WebSocket upgrade handler at an absolute path of the root router. Nothing authenticates the
 * caller or checks the origin before it runs: that is the handler's job.
 *
 * @public
 */
export interface RootHttpRouterServiceWebSocketHandler {
  path: string;
  handler(context: { request: IncomingMessage; socket: Duplex; head: Buffer }): void | Promise<void>;
}

/** The backend's root router: mounts handlers at absolute paths. @public */
export interface RootHttpRouterService {
  use(path: string, handler: Handler): void;
  /**
   * Handles WebSocket upgrades at an exact absolute path (matched as for
   * {@link HttpRouterService.addWebSocketHandler}); an upgrade to a path without a handler is
   * answered 404.
   */
  addWebSocketHandler(options: RootHttpRouterServiceWebSocketHandler): void;
}

import type { BackendStateService } from '@trellis/backend-app-api';
import { LoggerService, RootHttpRouterServiceWebSocketHandler } from '@trellis/backend-plugin-api';
import { errorToStatusCode, InputError, isErrorLike, NotFoundError, ServiceUnavailableError } from '@trellis/errors';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { logSafeUrl } from './logSafeUrl';
import { ambiguousPathError, pluginUnavailableError } from './middleware';
import { writeErrorResponse } from './writeErrorResponse';

type UpgradeHandler = RootHttpRouterServiceWebSocketHandler['handler'];

/** Options of {@link WebSocketUpgrades.create}. */
export interface WebSocketUpgradesOptions {
  /** Where handler failures are logged. */
  logger?: LoggerService;
  /** Plugins that are not serving answer 503, as their HTTP routes do. */
  backendState?: BackendStateService;
}

const SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=@:-]*$/;

/**
 * The WebSocket upgrades of the root HTTP server: handlers by exact absolute path, dispatched from
 * the server's `upgrade` event. Everything that is not a WebSocket upgrade to a handler's path,
 * for a plugin that serves, is answered in the standard error shape on the socket and the
 * connection closed; so are handler failures before the handshake. The server listens for
 * upgrades only once a handler exists: without one, Node serves requests with an `Upgrade`
 * header as plain HTTP, as before. Sockets given to handlers are destroyed on {@link close}.
 */
export class WebSocketUpgrades {
  readonly #options: WebSocketUpgradesOptions;
  readonly #handlers = new Map<string, UpgradeHandler>();
  readonly #sockets = new Set<Duplex>();
  #server?: http.Server;
  #listening = false;
  #closing = false;

  private constructor(options: WebSocketUpgradesOptions) {
    this.#options = options;
  }

  static create(options: WebSocketUpgradesOptions): WebSocketUpgrades {
    return new WebSocketUpgrades(options);
  }

  /** Adds a handler; throws for a malformed path or one that has a handler already. */
  add(options: RootHttpRouterServiceWebSocketHandler): void {
    const { path, handler } = options;
    checkWebSocketPath(path);
    if (this.#handlers.has(path)) {
      throw new Error(`WebSocket path '${path}' already has a handler`);
    }
    this.#handlers.set(path, handler);
    this.#listen();
  }

  /** The server whose upgrades to dispatch. */
  attach(server: http.Server): void {
    this.#server = server;
    this.#listen();
  }

  /** Refuses upgrades from now on (503) and destroys every socket taken so far. */
  close(): void {
    this.#closing = true;
    for (const socket of this.#sockets) {
      socket.destroy();
    }
    this.#sockets.clear();
  }

  #listen(): void {
    if (this.#listening || !this.#server || this.#handlers.size === 0) {
      return;
    }
    this.#listening = true;
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#upgrade(req, socket, head);
    });
  }

  #upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node removed its own error listener when it gave up the socket: a reset must not crash.
    socket.on('error', () => socket.destroy());
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    const path = pathOf(request.url);
    const refusal = this.#refusal(request, path);
    const handler = refusal ? undefined : this.#handlers.get(path);
    if (!handler) {
      this.#answer(request, socket, refusal ?? new NotFoundError(`No WebSocket handler at ${path}`));
      return;
    }
    Promise.resolve()
      .then(() => handler({ request, socket, head }))
      .catch((error: unknown) => this.#failed(request, socket, error));
  }

  #refusal(request: http.IncomingMessage, path: string): Error | undefined {
    if (this.#closing) {
      return new ServiceUnavailableError('The backend is stopping');
    }
    if (request.method !== 'GET' || !isWebSocketUpgrade(request)) {
      return new InputError('Only WebSocket upgrades (GET with Upgrade: websocket) are served here');
    }
    if (!request.headers.host) {
      return new InputError('Missing Host header');
    }
    const state = this.#options.backendState;
    return ambiguousPathError(path) ?? (state ? pluginUnavailableError(state, path) : undefined);
  }

  #failed(request: http.IncomingMessage, socket: Duplex, error: unknown): void {
    const status = errorToStatusCode(error);
    if (status >= 500 && status !== 503) {
      this.#options.logger?.error(`WebSocket handler for ${pathOf(request.url)} failed`, {
        error: isErrorLike(error) ? error : new Error(String(error)),
      });
    }
    if (socket.destroyed) {
      return;
    }
    if ((socket as { bytesWritten?: number }).bytesWritten) {
      socket.destroy();
      return;
    }
    this.#answer(request, socket, error);
  }

  #answer(request: http.IncomingMessage, socket: Duplex, error: unknown): void {
    const status = errorToStatusCode(error);
    const known = isErrorLike(error) && (status < 500 || status === 503);
    writeErrorResponse(socket, {
      status,
      name: known ? error.name : 'Error',
      message: known ? error.message : 'Internal server error',
      request: { method: request.method ?? 'GET', url: logSafeUrl(request.url ?? '/') },
      headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined,
    });
  }
}

/** Throws unless `path` is an absolute path of plain segments (a trailing slash allowed). */
export function checkWebSocketPath(path: string): void {
  const segments = typeof path === 'string' && path.startsWith('/') ? path.split('/').slice(1) : undefined;
  const valid = segments?.every(
    (s, i) => SEGMENT.test(s) && s !== '.' && s !== '..' && (s !== '' || i === segments.length - 1),
  );
  if (!valid) {
    throw new Error(
      `WebSocket paths are exact paths that start with '/', of plain segments without '?', '#', '*' or dot segments; got '${String(path)}'`,
    );
  }
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end < 0 ? raw : raw.slice(0, end);
}

function isWebSocketUpgrade(request: http.IncomingMessage): boolean {
  const upgrade = request.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.split(',').some((p) => p.trim().toLowerCase() === 'websocket');
}

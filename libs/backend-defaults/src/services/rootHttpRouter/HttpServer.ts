import { LoggerService } from '@trellis/backend-plugin-api';
import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import { HttpServerOptions } from './readHttpOptions';
import { rejectUnparsableRequests } from './rejectUnparsableRequests';

/** Node's socket with the response it is writing now (`_httpMessage`, set by Node's HTTP server). */
interface HttpSocket extends Socket {
  _httpMessage?: unknown;
}

/** Whether the server drains: shared by the request listener and {@link HttpServer.close}. */
interface DrainState {
  draining: boolean;
  sockets: Set<Socket>;
}

/**
 * The node HTTP server of the backend with a graceful close: stop accepting, let in-flight
 * requests finish (closing idle keep-alive sockets), then cut what is left after the drain limit.
 * From the moment it stops accepting, every response says `Connection: close`, so no client
 * reuses a connection the server is about to close.
 */
export class HttpServer {
  readonly #server: http.Server;
  readonly #options: HttpServerOptions;
  readonly #logger: LoggerService;
  readonly #drain: DrainState;

  private constructor(server: http.Server, options: HttpServerOptions, logger: LoggerService, drain: DrainState) {
    this.#server = server;
    this.#options = options;
    this.#logger = logger;
    this.#drain = drain;
  }

  /** Creates the server and starts listening; see {@link HttpServer.create} and {@link HttpServer.start}. */
  static async listen(app: Express, options: HttpServerOptions, logger: LoggerService): Promise<HttpServer> {
    const server = HttpServer.create(app, options, logger);
    await server.start();
    return server;
  }

  /**
   * Creates the server around `app` without listening, so the root router's `configure` hook can
   * attach to it (upgrade handlers, timeouts) before the first connection.
   */
  static create(app: Express, options: HttpServerOptions, logger: LoggerService): HttpServer {
    const drain: DrainState = { draining: false, sockets: new Set() };
    const server = http.createServer(
      {
        requestTimeout: options.requestTimeoutMs,
        headersTimeout: options.headersTimeoutMs,
        maxHeaderSize: options.maxHeaderSize,
        // Node would answer a missing Host with an empty 400; requireHost answers in our shape.
        requireHostHeader: false,
        // Node checks the two timeouts above only this often; the default 30 s lets a stalled
        // client hold its socket far past them.
        connectionsCheckingInterval: Math.max(250, Math.min(5_000, options.headersTimeoutMs / 4)),
      },
      (req, res) => {
        if (drain.draining) {
          res.shouldKeepAlive = false;
        }
        app(req, res);
      },
    );
    trackSockets(server, drain.sockets);
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    rejectUnparsableRequests(server);
    return new HttpServer(server, options, logger, drain);
  }

  /** Listens on the configured host and port; rejects when the port is taken. */
  async start(): Promise<void> {
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#logger.info(`Listening on ${this.url}`);
  }

  get server(): http.Server {
    return this.#server;
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  }

  /**
   * Closes gracefully: after the shutdown delay, stops accepting (`onStopAccepting` runs then:
   * long-lived connections such as WebSockets end there rather than wait out the drain), lets
   * in-flight requests finish, and cuts what is left after the drain limit.
   */
  async close(options: { onStopAccepting?: () => void } = {}): Promise<void> {
    if (this.#options.shutdownDelayMs > 0) {
      this.#logger.info(`Waiting ${this.#options.shutdownDelayMs}ms before closing the server`);
      await new Promise((resolve) => setTimeout(resolve, this.#options.shutdownDelayMs));
    }
    this.#startDraining();
    options.onStopAccepting?.();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    const idleTimer = setInterval(() => this.#server.closeIdleConnections(), 100);
    const deadline = new Promise<'timeout'>((resolve) => {
      setTimeout(() => resolve('timeout'), this.#options.drainTimeoutMs).unref();
    });
    const result = await Promise.race([closed, deadline]);
    clearInterval(idleTimer);
    if (result === 'timeout') {
      this.#logger.warn(`Requests still open after ${this.#options.drainTimeoutMs}ms; closing their connections`);
      this.#server.closeAllConnections();
      await closed;
    }
  }

  /**
   * Requests that arrive from now on are answered with `Connection: close` (see the request
   * listener); so are those in flight whose headers are not sent yet.
   */
  #startDraining(): void {
    this.#drain.draining = true;
    for (const socket of this.#drain.sockets) {
      const response = (socket as HttpSocket)._httpMessage;
      if (response instanceof http.ServerResponse && !response.headersSent) {
        response.shouldKeepAlive = false;
      }
    }
  }
}

/** Keeps the server's open connections in `sockets` (one listener per connection, none per request). */
function trackSockets(server: http.Server, sockets: Set<Socket>): void {
  function forget(this: Socket) {
    sockets.delete(this);
  }
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', forget);
  });
}

import { LoggerService } from '@trellis/backend-plugin-api';
import { Knex } from 'knex';

/** The part of a PostgreSQL driver connection a listener uses. */
interface ListeningConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string }) => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeAllListeners(): void;
}

/** The knex client methods that borrow a connection of the pool and give it back. */
interface PoolClient {
  acquireConnection(): Promise<ListeningConnection>;
  releaseConnection(connection: ListeningConnection): Promise<void>;
}

/**
 * Borrows one connection of the events database's pool for good and LISTENs on a channel with it,
 * calling `onNotify` for each notification (in schema mode the pool is the shared one, whose
 * settings only it knows, so the connection comes from it rather than being opened apart). A
 * lost connection is replaced with a growing delay
 * (at most 30 s); `onNotify` is also called after a reconnect, since notifications may have been
 * missed. The poll timer covers the time between.
 */
export class NotificationListener {
  readonly #client: PoolClient;
  readonly #channel: string;
  readonly #onNotify: () => void;
  readonly #logger: LoggerService;
  #connection?: ListeningConnection;
  #retryTimer?: NodeJS.Timeout;
  #delayMs = 500;
  #closed = false;

  private constructor(knex: Knex, channel: string, onNotify: () => void, logger: LoggerService) {
    this.#client = knex.client as unknown as PoolClient;
    this.#channel = channel;
    this.#onNotify = onNotify;
    this.#logger = logger;
  }

  static async start(options: {
    knex: Knex;
    channel: string;
    onNotify: () => void;
    logger: LoggerService;
  }): Promise<NotificationListener> {
    const listener = new NotificationListener(options.knex, options.channel, options.onNotify, options.logger);
    await listener.#connect();
    return listener;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) {
      connection.removeAllListeners();
      connection.on('error', () => {});
      await connection.query(`UNLISTEN ${this.#channel}`).catch(() => {});
      await this.#client.releaseConnection(connection).catch(() => {});
    }
  }

  async #connect(): Promise<void> {
    try {
      const connection = await this.#client.acquireConnection();
      if (this.#closed) {
        await this.#client.releaseConnection(connection).catch(() => {});
        return;
      }
      connection.on('notification', (message) => message.channel === this.#channel && this.#onNotify());
      connection.on('error', (error) => this.#lost(connection, error));
      connection.on('end', () => this.#lost(connection));
      await connection.query(`LISTEN ${this.#channel}`);
      this.#connection = connection;
      this.#delayMs = 500;
    } catch (error) {
      this.#lost(undefined, error as Error);
    }
  }

  #lost(connection: ListeningConnection | undefined, error?: Error): void {
    if (this.#closed || (connection && this.#connection !== connection && this.#connection !== undefined)) {
      return;
    }
    if (connection) {
      connection.removeAllListeners();
      connection.on('error', () => {});
      // The driver marks a failed connection disposed; the pool drops it instead of lending it again.
      this.#client.releaseConnection(connection).catch(() => {});
    }
    this.#connection = undefined;
    this.#logger.warn(`Lost the connection that listens for events; reconnecting in ${this.#delayMs}ms`, {
      error: error?.message,
    });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#connect()
        .then(() => this.#connection && this.#onNotify())
        .catch((e: Error) => this.#logger.warn('Could not reconnect the event listener', { error: e.message }));
    }, this.#delayMs);
    this.#retryTimer.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, 30_000);
  }
}

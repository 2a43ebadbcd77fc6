import { DatabaseService, LoggerService, resolvePackagePath } from '@trellis/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { DatabaseEventStore } from './DatabaseEventStore';
import { EventBus } from './EventBus';
import { NotificationListener } from './NotificationListener';
import { EventsSettings } from './readEventsConfig';
import { SubscriberGroup } from './SubscriberGroup';
import { SubscriberPump } from './SubscriberPump';
import { EventParams, EventsServiceEventHandler } from './types';

/** Options of {@link DatabaseEventBus.create}. */
export interface DatabaseEventBusOptions {
  /** The events database (PostgreSQL). */
  database: DatabaseService;
  settings: EventsSettings;
  logger: LoggerService;
}

/**
 * Events through PostgreSQL, shared by every instance on the same database. Publishing stores
 * the event and notifies (LISTEN/NOTIFY); each subscriber ID has a position in the log and a
 * lease, so one instance at a time delivers its events, each once, in order. The database is
 * opened and migrated on first use.
 */
export class DatabaseEventBus implements EventBus {
  readonly kind = 'database' as const;
  readonly #options: DatabaseEventBusOptions;
  readonly #owner = randomUUID();
  readonly #groups = new Map<string, SubscriberGroup>();
  readonly #pumps = new Map<string, SubscriberPump>();
  #ready?: Promise<DatabaseEventStore>;
  #listener?: NotificationListener;
  #pollTimer?: NodeJS.Timeout;
  #lastCleanup = 0;
  #stopped = false;

  private constructor(options: DatabaseEventBusOptions) {
    this.#options = options;
  }

  static create(options: DatabaseEventBusOptions): DatabaseEventBus {
    return new DatabaseEventBus(options);
  }

  async publish(event: EventParams): Promise<void> {
    const store = await this.#store();
    await store.publish(event);
    this.#wakeAll();
  }

  async subscribe(subscriberId: string, topics: readonly string[], onEvent: EventsServiceEventHandler): Promise<void> {
    let group = this.#groups.get(subscriberId);
    if (!group) {
      group = new SubscriberGroup(subscriberId);
      this.#groups.set(subscriberId, group);
    }
    group.add(topics, onEvent);
    const store = await this.#store();
    await store.register(subscriberId);
    let pump = this.#pumps.get(subscriberId);
    if (!pump) {
      const { settings, logger } = this.#options;
      pump = new SubscriberPump({ group, store, owner: this.#owner, settings, logger });
      this.#pumps.set(subscriberId, pump);
    }
    if (!this.#stopped) {
      pump.wake();
    }
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#pollTimer);
    await this.#ready?.catch(() => undefined);
    await Promise.allSettled([...this.#pumps.values()].map((pump) => pump.stop()));
    await this.#listener?.close();
  }

  #store(): Promise<DatabaseEventStore> {
    if (!this.#ready) {
      this.#ready = this.#open();
      this.#ready.catch(() => (this.#ready = undefined));
    }
    return this.#ready;
  }

  async #open(): Promise<DatabaseEventStore> {
    const { database, settings, logger } = this.#options;
    await database.migrate({ directory: resolvePackagePath('@trellis/plugin-events-node', 'migrations') });
    const knex = await database.getClient();
    const store = new DatabaseEventStore(knex, settings.retentionMs);
    if (this.#stopped) {
      return store;
    }
    this.#listener = await NotificationListener.start({
      knex,
      channel: DatabaseEventStore.CHANNEL,
      onNotify: () => this.#wakeAll(),
      logger,
    });
    this.#pollTimer = setInterval(() => this.#poll(store), settings.pollIntervalMs);
    this.#pollTimer.unref();
    void this.#cleanup(store);
    return store;
  }

  #poll(store: DatabaseEventStore): void {
    this.#wakeAll();
    if (Date.now() - this.#lastCleanup >= Math.min(this.#options.settings.retentionMs, 600_000)) {
      void this.#cleanup(store);
    }
  }

  async #cleanup(store: DatabaseEventStore): Promise<void> {
    this.#lastCleanup = Date.now();
    try {
      const deleted = await store.deleteExpired();
      if (deleted > 0) {
        this.#options.logger.info(`Deleted ${deleted} event(s) older than backend.events.retentionMs`);
      }
    } catch (error) {
      this.#options.logger.warn('Could not delete expired events; trying again later', { error: error as Error });
    }
  }

  #wakeAll(): void {
    if (this.#stopped) {
      return;
    }
    for (const pump of this.#pumps.values()) {
      pump.wake();
    }
  }
}

import { LoggerService } from '@trellis/backend-plugin-api';
import { DatabaseEventStore } from './DatabaseEventStore';
import { deliver } from './deliver';
import { EventsSettings } from './readEventsConfig';
import { SubscriberGroup } from './SubscriberGroup';

const BATCH_SIZE = 100;

/** Options of {@link SubscriberPump}. */
export interface SubscriberPumpOptions {
  group: SubscriberGroup;
  store: DatabaseEventStore;
  /** This instance's lease owner name. */
  owner: string;
  settings: EventsSettings;
  logger: LoggerService;
}

/**
 * Delivers the stored events of one subscriber ID to its handlers in this instance. Each pass
 * takes the subscriber's lease (so no other instance works on it at the same time), reads the
 * events after its position in order, hands each to a handler, moves the position on after each
 * and gives the lease up. Woken by new events, by the poll timer and by subscribing.
 */
export class SubscriberPump {
  readonly #options: SubscriberPumpOptions;
  #running?: Promise<void>;
  #again = false;
  #stopped = false;

  constructor(options: SubscriberPumpOptions) {
    this.#options = options;
  }

  wake(): void {
    this.#again = true;
    if (this.#running || this.#stopped) {
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.wake();
      }
    });
  }

  /** Finishes the event being handled, then stops; the position stays at the last event handled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  async #run(): Promise<void> {
    while (this.#again && !this.#stopped) {
      this.#again = false;
      while (!this.#stopped && (await this.#passSafely())) {
        // each pass handles at most one batch; go on while there was work
      }
    }
  }

  async #passSafely(): Promise<boolean> {
    try {
      return await this.#pass();
    } catch (error) {
      this.#options.logger.warn(`Event delivery to '${this.#options.group.id}' paused; retrying at the next poll`, {
        error: error as Error,
      });
      return false;
    }
  }

  async #pass(): Promise<boolean> {
    const { store, group, owner, settings } = this.#options;
    const claim = await store.claim(group.id, owner, settings.leaseMs);
    if (!claim) {
      return false;
    }
    const heartbeat = setInterval(() => {
      store.renew(group.id, owner, settings.leaseMs).catch(() => {});
    }, settings.leaseMs / 3);
    try {
      const events = await store.read(claim, group.topics, BATCH_SIZE);
      for (const event of events) {
        if (this.#stopped) {
          return false;
        }
        await this.#handle(event);
        if (!(await store.advance(group.id, owner, event.id, settings.leaseMs))) {
          this.#options.logger.warn(
            `Lost the lease of subscriber '${group.id}' while handling event ${event.id}; another instance goes on from its last position`,
          );
          return false;
        }
      }
      const upTo = events.length < BATCH_SIZE ? claim.head : undefined;
      await store.release(group.id, owner, upTo);
      return true;
    } finally {
      clearInterval(heartbeat);
      if (this.#stopped) {
        await store.release(group.id, owner).catch(() => {});
      }
    }
  }

  async #handle(event: {
    id: number;
    topic: string;
    eventPayload: unknown;
    metadata?: Record<string, string | string[] | undefined>;
  }) {
    const handler = this.#options.group.handlerFor(event.topic);
    if (!handler) {
      return;
    }
    const { id, ...params } = event;
    await deliver({
      subscriberId: this.#options.group.id,
      handler,
      event: params,
      logger: this.#options.logger,
      logMeta: { eventId: id },
      ...this.#options.settings,
    });
  }
}

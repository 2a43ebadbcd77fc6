import { LoggerService } from '@trellis/backend-plugin-api';
import { deliver } from './deliver';
import { EventBus } from './EventBus';
import { EventsSettings } from './readEventsConfig';
import { SubscriberGroup } from './SubscriberGroup';
import { EventParams, EventsServiceEventHandler } from './types';

interface Queue {
  group: SubscriberGroup;
  pending: EventParams[];
  running?: Promise<void>;
}

/**
 * Delivers events to the subscribers of this process: each subscriber ID has a queue, worked
 * through one event at a time in publish order. Nothing is stored; events queued at shutdown are
 * dropped.
 */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  readonly #queues = new Map<string, Queue>();
  readonly #settings: EventsSettings;
  readonly #logger: LoggerService;
  #stopped = false;

  private constructor(settings: EventsSettings, logger: LoggerService) {
    this.#settings = settings;
    this.#logger = logger;
  }

  static create(options: { settings: EventsSettings; logger: LoggerService }): InProcessEventBus {
    return new InProcessEventBus(options.settings, options.logger);
  }

  async publish(event: EventParams): Promise<void> {
    if (this.#stopped) {
      return;
    }
    for (const queue of this.#queues.values()) {
      if (queue.group.wants(event.topic)) {
        queue.pending.push(event);
        this.#kick(queue);
      }
    }
  }

  async subscribe(subscriberId: string, topics: readonly string[], onEvent: EventsServiceEventHandler): Promise<void> {
    let queue = this.#queues.get(subscriberId);
    if (!queue) {
      queue = { group: new SubscriberGroup(subscriberId), pending: [] };
      this.#queues.set(subscriberId, queue);
    }
    queue.group.add(topics, onEvent);
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    const running = [...this.#queues.values()].map((queue) => {
      queue.pending.length = 0;
      return queue.running;
    });
    await Promise.allSettled(running);
  }

  #kick(queue: Queue): void {
    if (queue.running) {
      return;
    }
    queue.running = this.#drain(queue).finally(() => {
      queue.running = undefined;
      if (queue.pending.length > 0 && !this.#stopped) {
        this.#kick(queue);
      }
    });
  }

  async #drain(queue: Queue): Promise<void> {
    for (let event = queue.pending.shift(); event && !this.#stopped; event = queue.pending.shift()) {
      const handler = queue.group.handlerFor(event.topic);
      if (handler) {
        await deliver({ subscriberId: queue.group.id, handler, event, logger: this.#logger, ...this.#settings });
      }
    }
  }
}

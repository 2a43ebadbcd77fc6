import { EventsServiceEventHandler } from './types';

/**
 * The subscriptions of one subscriber ID in this process. Each event goes to one of them, taken
 * in turn among those subscribed to its topic, so several subscriptions share the work.
 */
export class SubscriberGroup {
  readonly id: string;
  readonly #members: Array<{ topics: ReadonlySet<string>; onEvent: EventsServiceEventHandler }> = [];
  #turn = 0;

  constructor(id: string) {
    this.id = id;
  }

  add(topics: readonly string[], onEvent: EventsServiceEventHandler): void {
    this.#members.push({ topics: new Set(topics), onEvent });
  }

  /** Every topic any member subscribed to. */
  get topics(): string[] {
    return [...new Set(this.#members.flatMap((member) => [...member.topics]))];
  }

  wants(topic: string): boolean {
    return this.#members.some((member) => member.topics.has(topic));
  }

  /** The handler whose turn it is for an event of `topic`, if any member wants it. */
  handlerFor(topic: string): EventsServiceEventHandler | undefined {
    for (let i = 0; i < this.#members.length; i++) {
      const member = this.#members[(this.#turn + i) % this.#members.length];
      if (member.topics.has(topic)) {
        this.#turn = (this.#turn + i + 1) % this.#members.length;
        return member.onEvent;
      }
    }
    return undefined;
  }
}

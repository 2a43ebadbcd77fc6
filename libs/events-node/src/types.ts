/**
 * An event: the topic it is published on, its payload and optional metadata (such as the headers
 * of the webhook it came from).
 *
 * @public
 */
export interface EventParams<TPayload = unknown> {
  topic: string;
  eventPayload: TPayload;
  metadata?: Record<string, string | string[] | undefined>;
}

/** A subscriber's handler; a rejected promise (or a throw) counts as a failed delivery. @public */
export type EventsServiceEventHandler = (params: EventParams) => Promise<void>;

/** Options of {@link EventsService.subscribe}. @public */
export type EventsServiceSubscribeOptions = {
  /**
   * The subscriber's ID within the calling plugin. Every subscription with the same ID, in this
   * instance or another, shares the work: each event goes to one of them.
   */
  id: string;
  topics: string[];
  onEvent: EventsServiceEventHandler;
};

/**
 * Publish events by topic and subscribe to topics. With PostgreSQL, events are stored and reach
 * the subscribers of every instance; with SQLite, those of this process only.
 *
 * @public
 */
export interface EventsService {
  /** Resolves once the event is accepted (stored, with PostgreSQL); delivery happens after. */
  publish(params: EventParams): Promise<void>;
  /** Delivers the events published on `topics` from now on to `onEvent`. */
  subscribe(options: EventsServiceSubscribeOptions): Promise<void>;
}

/**
 * A component that handles events of some topics; the shape older Backstage modules implement.
 * Subscribe it with `events.subscribe({ id, topics: s.supportsEventTopics(), onEvent: p => s.onEvent(p) })`.
 *
 * @public
 */
export interface EventSubscriber {
  supportsEventTopics(): string[];
  onEvent(params: EventParams): Promise<void>;
}

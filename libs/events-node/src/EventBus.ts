import { EventParams, EventsServiceEventHandler } from './types';

/**
 * Where the events service of every plugin publishes and subscribes: in this process only, or
 * through the database. Subscriber IDs here are full, `<pluginId>.<id>`.
 */
export interface EventBus {
  /** `in-process` or `database`, as the service logs and documents it. */
  readonly kind: 'in-process' | 'database';
  publish(event: EventParams): Promise<void>;
  subscribe(subscriberId: string, topics: readonly string[], onEvent: EventsServiceEventHandler): Promise<void>;
  /** Stops delivery; waits for handlers running now. */
  shutdown(): Promise<void>;
}

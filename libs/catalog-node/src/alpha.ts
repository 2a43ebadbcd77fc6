/**
 * The catalog's alpha API, shaped like `@backstage/plugin-catalog-node/alpha`: the service through
 * which source control events reach whoever acts on them.
 *
 * @packageDocumentation
 */
import { createServiceFactory, createServiceRef } from '@trellis/backend-plugin-api';

/** What may come with a {@link CatalogScmEvent}. @alpha */
export type CatalogScmEventContext = {
  /** The commit behind the event, when there is one. */
  commitUrl?: string;
};

/**
 * A change in a source control system, distilled from a webhook or the like: a catalog file
 * created, changed, deleted or moved, or a repository created, changed, deleted or moved.
 *
 * @alpha
 */
export type CatalogScmEvent =
  | { type: 'location.created'; url: string; context?: CatalogScmEventContext }
  | { type: 'location.updated'; url: string; context?: CatalogScmEventContext }
  | { type: 'location.deleted'; url: string; context?: CatalogScmEventContext }
  | { type: 'location.moved'; fromUrl: string; toUrl: string; context?: CatalogScmEventContext }
  | { type: 'repository.created'; url: string; context?: CatalogScmEventContext }
  | { type: 'repository.updated'; url: string; context?: CatalogScmEventContext }
  | { type: 'repository.deleted'; url: string; context?: CatalogScmEventContext }
  | { type: 'repository.moved'; fromUrl: string; toUrl: string; context?: CatalogScmEventContext };

/** A receiver of {@link CatalogScmEvent}s. @alpha */
export interface CatalogScmEventsServiceSubscriber {
  onEvents: (events: CatalogScmEvent[]) => Promise<void>;
}

/**
 * Publish and subscribe for {@link CatalogScmEvent}s, between the modules that turn webhooks into
 * events and those that act on them.
 *
 * @alpha
 */
export interface CatalogScmEventsService {
  /** Adds a subscriber; `unsubscribe()` removes it. */
  subscribe(subscriber: CatalogScmEventsServiceSubscriber): { unsubscribe: () => void };
  /**
   * Hands the events to every subscriber and resolves once each has handled them or failed;
   * nothing is sent again.
   */
  publish(events: CatalogScmEvent[]): Promise<void>;
  /** Counts an action a subscriber took because of events (`refresh`, `delete`, `create`, `move`). */
  markEventActionTaken(options: { count?: number; action: string }): void;
}

/** One backend's subscribers and action counts, shared by every plugin. */
class InMemoryCatalogScmEvents implements CatalogScmEventsService {
  readonly #subscribers = new Set<CatalogScmEventsServiceSubscriber>();
  readonly actions = new Map<string, number>();

  subscribe(subscriber: CatalogScmEventsServiceSubscriber): { unsubscribe: () => void } {
    // A wrapper per call: the same subscriber added twice is two subscriptions.
    const entry: CatalogScmEventsServiceSubscriber = { onEvents: (events) => subscriber.onEvents(events) };
    this.#subscribers.add(entry);
    return { unsubscribe: () => void this.#subscribers.delete(entry) };
  }

  async publish(events: CatalogScmEvent[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    // A subscriber that fails does not stop the others, and is its own to report.
    await Promise.allSettled([...this.#subscribers].map(async (s) => s.onEvents(events)));
  }

  markEventActionTaken({ count = 1, action }: { count?: number; action: string }): void {
    this.actions.set(action, (this.actions.get(action) ?? 0) + count);
  }
}

/**
 * The source control events service: `deps: { scmEvents: catalogScmEventsServiceRef }`. The
 * default factory keeps subscribers in memory, one set per backend shared by all its plugins, so
 * publishers and subscribers must run in the same backend.
 *
 * @alpha
 */
export const catalogScmEventsServiceRef = createServiceRef<CatalogScmEventsService>({
  id: 'catalog.scm-events',
  defaultFactory: async (ref) =>
    createServiceFactory({
      service: ref,
      deps: {},
      createRootContext: () => new InMemoryCatalogScmEvents(),
      factory: (_deps, shared) => shared,
    }),
});

import { createServiceRef } from '@trellis/backend-plugin-api';
import { createEventsServiceFactory } from './eventsServiceFactory';
import { EventsService } from './types';

/**
 * The events service: `deps: { events: eventsServiceRef }`. Its default factory delivers across
 * instances through PostgreSQL and in process with SQLite; a backend may replace it.
 *
 * @public
 */
export const eventsServiceRef = createServiceRef<EventsService>({
  id: 'events.service',
  defaultFactory: async (ref) => createEventsServiceFactory(ref),
});

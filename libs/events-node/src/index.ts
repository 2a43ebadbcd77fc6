export { eventsServiceRef } from './eventsServiceRef';
export { createEventsServiceFactory, EVENTS_DATABASE_ID } from './eventsServiceFactory';
export { DefaultEventsService } from './DefaultEventsService';
export { readEventsConfig } from './readEventsConfig';
export type { EventsSettings } from './readEventsConfig';
export type {
  EventParams,
  EventsService,
  EventsServiceEventHandler,
  EventsServiceSubscribeOptions,
  EventSubscriber,
} from './types';

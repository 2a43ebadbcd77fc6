import { coreServices, createServiceFactory, ServiceRef } from '@trellis/backend-plugin-api';
import { DatabaseEventBus } from './DatabaseEventBus';
import { DefaultEventsService } from './DefaultEventsService';
import { EventBus } from './EventBus';
import { InProcessEventBus } from './InProcessEventBus';
import { readEventsConfig } from './readEventsConfig';
import { EventsService } from './types';

/** The database ID the events are kept in (PostgreSQL), through the backend's database manager. */
export const EVENTS_DATABASE_ID = 'events';

/**
 * The default factory of the events service: one bus per backend, through PostgreSQL when the
 * events database is PostgreSQL, in process otherwise (SQLite).
 *
 * @public
 */
export function createEventsServiceFactory(ref: ServiceRef<EventsService, 'plugin'>) {
  return createServiceFactory({
    service: ref,
    deps: {
      config: coreServices.rootConfig,
      rootLogger: coreServices.rootLogger,
      rootLifecycle: coreServices.rootLifecycle,
      rootDatabase: coreServices.rootDatabase,
      pluginMetadata: coreServices.pluginMetadata,
    },
    createRootContext({ config, rootLogger, rootLifecycle, rootDatabase }): EventBus {
      const settings = readEventsConfig(config);
      const logger = rootLogger.child({ component: 'events' });
      const client =
        config.getOptionalString(`backend.database.plugin.${EVENTS_DATABASE_ID}.client`) ??
        config.getOptionalString('backend.database.client') ??
        'better-sqlite3';
      const bus =
        client === 'pg'
          ? DatabaseEventBus.create({ database: rootDatabase.forPlugin(EVENTS_DATABASE_ID, logger), settings, logger })
          : InProcessEventBus.create({ settings, logger });
      logger.debug(
        `Events are delivered ${bus.kind === 'database' ? 'across instances through PostgreSQL' : 'in process'}`,
      );
      rootLifecycle.addShutdownHook(() => bus.shutdown());
      return bus;
    },
    factory: ({ pluginMetadata }, bus) => DefaultEventsService.forPlugin(pluginMetadata.getId(), { bus }),
  });
}

import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';

/**
 * The default database service: each plugin's own SQLite file or PostgreSQL database or schema,
 * created on first use, from the backend's database manager (`coreServices.rootDatabase`).
 *
 * @public
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    rootDatabase: coreServices.rootDatabase,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
  },
  factory: ({ rootDatabase, logger, pluginMetadata }) => rootDatabase.forPlugin(pluginMetadata.getId(), logger),
});

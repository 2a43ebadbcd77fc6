/**
 * `@trellis/backend-defaults/database`: the default database service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export {
  DatabaseManager,
  databaseServiceFactory,
  isDatabaseUnavailableError,
  readDatabaseConfig,
} from '../services/database';
export type { DatabaseClient, PluginDatabaseSettings, PoolSettings } from '../services/database';

import type { DatabaseService } from './DatabaseService';
import type { LoggerService } from './LoggerService';

/**
 * The backend's database manager, for framework services that keep state shared by every plugin
 * (the events service keeps its events in the database of ID `events`). It hands out the same
 * databases, pools and migration lock as `coreServices.database`. Plugins use
 * `coreServices.database`, which gives them their own database only.
 *
 * @public
 */
export interface RootDatabaseService {
  /** The database of `pluginId`: its own SQLite file, PostgreSQL database or schema. */
  forPlugin(pluginId: string, logger: LoggerService): DatabaseService;
}

import type { Knex } from 'knex';

/** Options of {@link DatabaseService.migrate}. @public */
export interface DatabaseMigrateOptions {
  /** Absolute path of the plugin's knex migrations (`.js` files), usually from `resolvePackagePath`. */
  directory: string;
}

/**
 * The plugin's own database: a SQLite file, or a PostgreSQL database or schema no other plugin
 * can see. The client is created on the first `getClient()` call and shared afterwards; a plugin
 * that never calls it costs no connection.
 *
 * @public
 */
export interface DatabaseService {
  getClient(): Promise<Knex>;
  /**
   * Runs the plugin's pending migrations under a lock shared by every instance, so each runs
   * exactly once; a lock left by a crashed instance is released after a time limit. Does nothing
   * when `migrations.skip` is set.
   */
  migrate(options: DatabaseMigrateOptions): Promise<void>;
  /** When `skip` is true, migrations are run apart from start-up (by an operator or a job). */
  migrations?: { skip?: boolean };
}

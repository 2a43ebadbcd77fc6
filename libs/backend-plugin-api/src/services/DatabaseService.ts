import type { Knex } from 'knex';

/**
 * The plugin's own database: a SQLite file, or a PostgreSQL database or schema no other plugin
 * can see. The client is created on the first `getClient()` call and shared afterwards.
 *
 * @public
 */
export interface DatabaseService {
  getClient(): Promise<Knex>;
  /** When `skip` is true, the plugin must not run its migrations (an operator runs them apart). */
  migrations?: { skip?: boolean };
}

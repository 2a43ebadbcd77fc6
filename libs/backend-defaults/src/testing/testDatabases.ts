import { coreServices, createServiceFactory, DatabaseService } from '@trellis/backend-plugin-api';
import { postgresConnection, requirePostgres } from '@trellis/test-kit';
import knexFactory, { Knex } from 'knex';
import { join } from 'node:path';

/** A database service on a knex client, for tests of code that stores through one. */
export function databaseServiceOf(client: Knex, options: { skipMigrations?: boolean } = {}): DatabaseService {
  return {
    getClient: async () => client,
    migrate: () => Promise.reject(new Error('This test database service runs no migrations')),
    migrations: { skip: options.skipMigrations },
  };
}

/** A SQLite file client. */
export function sqliteClient(filename: string): Knex {
  return knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
}

/**
 * A stand-in for the database service, until the real one is a default: one SQLite file per
 * plugin in `directory`, so two backends given the same directory share each plugin's data.
 */
export function sqliteDatabaseFactory(directory: string) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { pluginMetadata: coreServices.pluginMetadata, lifecycle: coreServices.lifecycle },
    factory({ pluginMetadata, lifecycle }) {
      let client: Knex | undefined;
      lifecycle.addShutdownHook(async () => client?.destroy());
      return {
        getClient: async () => (client ??= sqliteClient(join(directory, `${pluginMetadata.getId()}.sqlite`))),
        migrate: () => Promise.reject(new Error('This test database service runs no migrations')),
      };
    },
  });
}

/** Whether PostgreSQL answers; under CI=true a missing server is an error (see @trellis/test-kit). */
export async function postgresAvailable(): Promise<boolean> {
  return requirePostgres('the PostgreSQL cases');
}

/** A client on a fresh PostgreSQL schema; `drop()` removes the schema and closes the client. */
export async function postgresSchemaClient(schema: string): Promise<{ client: Knex; drop(): Promise<void> }> {
  const admin = knexFactory({
    client: 'pg',
    connection: { ...postgresConnection, database: 'postgres' },
  });
  await admin.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  const client = knexFactory({
    client: 'pg',
    connection: { ...postgresConnection, database: 'postgres' },
    searchPath: [schema],
    pool: { min: 0, max: 4 },
  });
  return {
    client,
    drop: async () => {
      await client.destroy();
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.destroy();
    },
  };
}

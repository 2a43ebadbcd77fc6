import { coreServices, createServiceFactory, DatabaseService } from '@trellis/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import net from 'node:net';
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

/** Whether PostgreSQL answers at 127.0.0.1:5432; under CI=true a missing server is an error. */
export async function postgresAvailable(): Promise<boolean> {
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: 5432 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (!reachable && process.env.CI === 'true') {
    throw new Error('PostgreSQL at 127.0.0.1:5432 is required when CI=true');
  }
  if (!reachable) {
    console.warn('Skipping PostgreSQL cases: no server at 127.0.0.1:5432');
  }
  return reachable;
}

/** A client on a fresh PostgreSQL schema; `drop()` removes the schema and closes the client. */
export async function postgresSchemaClient(schema: string): Promise<{ client: Knex; drop(): Promise<void> }> {
  const admin = knexFactory({
    client: 'pg',
    connection: { host: '127.0.0.1', user: 'postgres', database: 'postgres' },
  });
  await admin.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  const client = knexFactory({
    client: 'pg',
    connection: { host: '127.0.0.1', user: 'postgres', database: 'postgres' },
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

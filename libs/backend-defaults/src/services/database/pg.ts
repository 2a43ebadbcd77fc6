import knexFactory, { Knex } from 'knex';
import { normalizePgConnection, PgConnection } from './pgConnection';
import { PluginDatabaseSettings } from './readDatabaseConfig';

const DUPLICATE_CODES = new Set(['42P04', '23505', '42P06']);

/** The name of a plugin's database (division mode `database`) or schema (mode `schema`). */
export function pgTargetName(settings: PluginDatabaseSettings): string {
  const id = settings.pluginId.replace(/-/g, '_');
  return settings.divisionMode === 'database' ? `${settings.prefix}${id}` : id;
}

/** A knex client with its own bounded pool; knex loads pg only here. */
export function createPgClient(connection: PgConnection, settings: PluginDatabaseSettings, searchPath?: string): Knex {
  return knexFactory({
    client: 'pg',
    connection: { ...connection, connectionTimeoutMillis: settings.acquireTimeoutMs },
    searchPath: searchPath ? [searchPath] : undefined,
    acquireConnectionTimeout: settings.acquireTimeoutMs,
    pool: { min: settings.pool.min, max: settings.pool.max, idleTimeoutMillis: 30_000 },
  });
}

/** The connection of a plugin in division mode `database`: the base connection, its own database. */
export function pluginDatabaseConnection(settings: PluginDatabaseSettings): PgConnection {
  return { ...normalizePgConnection(settings.connection), database: pgTargetName(settings) };
}

/**
 * Creates the plugin's database unless it exists, through a short-lived connection to the
 * configured (admin) database; a concurrent creation by another instance counts as success.
 */
export async function ensurePgDatabase(settings: PluginDatabaseSettings): Promise<void> {
  const base = normalizePgConnection(settings.connection);
  const admin = createPgClient({ ...base, database: base.database ?? 'postgres' }, { ...settings, pool: { min: 0, max: 1 } });
  const name = pgTargetName(settings);
  try {
    const exists = await admin.raw('select 1 from pg_database where datname = ?', [name]);
    if (exists.rows.length === 0) {
      await admin.raw('create database ??', [name]).catch(ignoreDuplicate);
    }
  } finally {
    await admin.destroy();
  }
}

/** Creates the plugin's schema unless it exists. */
export async function ensurePgSchema(shared: Knex, schema: string): Promise<void> {
  await shared.raw('create schema if not exists ??', [schema]).catch(ignoreDuplicate);
}

function ignoreDuplicate(error: { code?: string }): void {
  if (!DUPLICATE_CODES.has(error.code ?? '')) {
    throw error;
  }
}

type PooledConnection = { query(sql: string): Promise<unknown>; __trellisSearchPath?: string };
type TarnPool = {
  acquire(): { promise: Promise<PooledConnection> };
  release(connection: PooledConnection): boolean;
  numFree(): number;
  numUsed(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
};

/**
 * A plugin client in division mode `schema`: it borrows connections from the one pool shared by
 * every plugin and points each at the plugin's schema before use, so the backend's connection
 * count does not grow with the number of plugins.
 */
export function createSchemaClient(shared: Knex, schema: string, settings: PluginDatabaseSettings): Knex {
  const pool = (shared.client as { pool: TarnPool }).pool;
  const quoted = `"${schema.replace(/"/g, '""')}"`;
  const schemaPool = {
    sharedPool: pool,
    acquire: () => ({
      promise: pool.acquire().promise.then(async connection => {
        if (connection.__trellisSearchPath !== schema) {
          try {
            await connection.query(`set search_path to ${quoted}`);
          } catch (error) {
            pool.release(connection);
            throw error;
          }
          connection.__trellisSearchPath = schema;
        }
        return connection;
      }),
    }),
    release: (connection: PooledConnection) => pool.release(connection),
    destroy: async () => {},
    numFree: () => pool.numFree(),
    numUsed: () => pool.numUsed(),
    numPendingAcquires: () => pool.numPendingAcquires(),
    numPendingCreates: () => pool.numPendingCreates(),
  };
  return knexFactory({
    client: 'pg',
    connectionPool: schemaPool,
    searchPath: [schema],
    acquireConnectionTimeout: settings.acquireTimeoutMs,
  } as Knex.Config);
}

import type { Knex } from 'knex';
import { createKnex } from './loadKnex';
import { normalizePgConnection, PgConnection } from './pgConnection';
import { PoolShare } from './PoolShare';
import { PluginDatabaseSettings } from './readDatabaseConfig';

const PG_MAX_IDENTIFIER_BYTES = 63;
const DUPLICATE_CODES = new Set(['42P04', '23505', '42P06']);

/** The name of a plugin's database (division mode `database`) or schema (mode `schema`). */
export function pgTargetName(settings: PluginDatabaseSettings): string {
  // Injective: IDs never hold two separators in a row, so '__' can only come from '_'. Names are
  // quoted everywhere, so camelCase IDs keep their case.
  const id = settings.pluginId.replace(/_/g, '__').replace(/-/g, '_');
  const name = settings.divisionMode === 'database' ? `${settings.prefix}${id}` : id;
  if (Buffer.byteLength(name) > PG_MAX_IDENTIFIER_BYTES) {
    throw new Error(
      `The PostgreSQL ${settings.divisionMode} name '${name}' of plugin '${settings.pluginId}' is longer than ${PG_MAX_IDENTIFIER_BYTES} bytes, which PostgreSQL would truncate; use a shorter backend.database.prefix or plugin ID`,
    );
  }
  return name;
}

/** A knex client with its own bounded pool; knex loads pg only here. */
export function createPgClient(connection: PgConnection, settings: PluginDatabaseSettings, searchPath?: string): Knex {
  return createKnex({
    client: 'pg',
    // statement_timeout goes in the startup packet, so it holds from a connection's first query.
    connection: {
      ...connection,
      connectionTimeoutMillis: settings.acquireTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
    },
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
  const admin = createPgClient(
    { ...base, database: base.database ?? 'postgres' },
    { ...settings, pool: { min: 0, max: 1, maxPerPlugin: 1 } },
  );
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

type PooledConnection = { query(sql: string): Promise<unknown>; __trellisSession?: string };
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
 * every plugin and points each at the plugin's schema and statement timeout before use, so the
 * backend's connection count does not grow with the number of plugins. The plugin holds at most
 * `pool.maxPerPlugin` of the shared connections at once.
 */
export function createSchemaClient(shared: Knex, schema: string, settings: PluginDatabaseSettings): Knex {
  const pool = (shared.client as { pool: TarnPool }).pool;
  const share = PoolShare.create({
    pluginId: settings.pluginId,
    max: settings.pool.maxPerPlugin,
    timeoutMs: settings.acquireTimeoutMs,
  });
  const borrowed = new Set<PooledConnection>();
  const session = `set search_path to "${schema.replace(/"/g, '""')}"; set statement_timeout = ${settings.statementTimeoutMs}`;
  const prepare = async (connection: PooledConnection) => {
    borrowed.add(connection);
    if (connection.__trellisSession !== session) {
      try {
        connection.__trellisSession = undefined;
        await connection.query(session);
      } catch (error) {
        release(connection);
        throw error;
      }
      connection.__trellisSession = session;
    }
    return connection;
  };
  const release = (connection: PooledConnection) => {
    if (!borrowed.delete(connection)) {
      return false;
    }
    share.give();
    return pool.release(connection);
  };
  const schemaPool = {
    sharedPool: pool,
    share,
    acquire: () => ({
      promise: share.take().then(() =>
        pool.acquire().promise.then(prepare, (error) => {
          share.give();
          throw error;
        }),
      ),
    }),
    release,
    destroy: async () => {},
    numFree: () => pool.numFree(),
    numUsed: () => pool.numUsed(),
    numPendingAcquires: () => pool.numPendingAcquires(),
    numPendingCreates: () => pool.numPendingCreates(),
  };
  return createKnex({
    client: 'pg',
    connectionPool: schemaPool,
    searchPath: [schema],
    acquireConnectionTimeout: settings.acquireTimeoutMs,
  } as Knex.Config);
}

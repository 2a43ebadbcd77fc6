import { Config, JsonObject, resolveConfigPath } from '@trellis/backend-plugin-api';

/** The engines Trellis supports. @public */
export type DatabaseClient = 'better-sqlite3' | 'pg';

/** Connection pool bounds. @public */
export interface PoolSettings {
  min: number;
  max: number;
}

/** The resolved database settings of one plugin. @public */
export interface PluginDatabaseSettings {
  pluginId: string;
  client: DatabaseClient;
  /** SQLite: ':memory:' or a directory holding `<pluginId>.sqlite`. PostgreSQL: a URL or knex connection object. */
  connection: string | JsonObject;
  divisionMode: 'database' | 'schema';
  prefix: string;
  ensureExists: boolean;
  pool: PoolSettings;
  acquireTimeoutMs: number;
  connectAttempts: number;
  connectInitialDelayMs: number;
  skipMigrations: boolean;
  migrationLockTimeoutMs: number;
}

const DEFAULT_POOL: Record<DatabaseClient, PoolSettings> = {
  'better-sqlite3': { min: 1, max: 1 },
  pg: { min: 0, max: 5 },
};

/**
 * Reads `backend.database` and its per-plugin overrides under `backend.database.plugin.<id>`.
 * A relative SQLite directory is resolved against the config root (the folder of app-config.yaml).
 *
 * @public
 */
export function readDatabaseConfig(config: Config, pluginId: string): PluginDatabaseSettings {
  const base = config.getOptionalConfig('backend.database');
  const own = base?.getOptionalConfig(`plugin.${pluginId}`);
  const pick = <T>(read: (c: Config) => T | undefined): T | undefined => (own && read(own)) ?? (base && read(base));
  const client = (pick(c => c.getOptionalString('client')) ?? 'better-sqlite3') as DatabaseClient;
  if (client !== 'better-sqlite3' && client !== 'pg') {
    throw new Error(`Unsupported backend.database.client '${client}' for plugin '${pluginId}'; use 'better-sqlite3' or 'pg'`);
  }
  const divisionMode = pick(c => c.getOptionalString('pluginDivisionMode')) ?? 'database';
  if (divisionMode !== 'database' && divisionMode !== 'schema') {
    throw new Error(`Invalid backend.database.pluginDivisionMode '${divisionMode}'; use 'database' or 'schema'`);
  }
  const poolMax = pick(c => c.getOptionalNumber('pool.max')) ?? DEFAULT_POOL[client].max;
  return {
    pluginId,
    client,
    connection: resolveConnection(client, pick(c => c.getOptional<string | JsonObject>('connection')) ?? ':memory:'),
    divisionMode,
    prefix: pick(c => c.getOptionalString('prefix')) ?? 'trellis_plugin_',
    ensureExists: pick(c => c.getOptionalBoolean('ensureExists')) ?? true,
    pool: {
      min: Math.min(pick(c => c.getOptionalNumber('pool.min')) ?? DEFAULT_POOL[client].min, poolMax),
      max: client === 'better-sqlite3' ? 1 : Math.max(1, Math.min(poolMax, 100)),
    },
    acquireTimeoutMs: pick(c => c.getOptionalNumber('acquireTimeoutMs')) ?? 5_000,
    connectAttempts: Math.max(1, pick(c => c.getOptionalNumber('connectRetry.attempts')) ?? 5),
    connectInitialDelayMs: pick(c => c.getOptionalNumber('connectRetry.initialDelayMs')) ?? 500,
    skipMigrations: pick(c => c.getOptionalBoolean('migrations.skip')) ?? false,
    migrationLockTimeoutMs: pick(c => c.getOptionalNumber('migrations.lockTimeoutMs')) ?? 10 * 60_000,
  };
}

function resolveConnection(client: DatabaseClient, connection: string | JsonObject): string | JsonObject {
  if (client !== 'better-sqlite3' || typeof connection === 'string') {
    return connection;
  }
  const directory = connection.directory;
  if (typeof directory !== 'string') {
    throw new Error("SQLite connection must be ':memory:' or { directory: <path> }");
  }
  return { directory: resolveConfigPath(directory) };
}

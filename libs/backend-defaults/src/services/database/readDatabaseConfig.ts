import { Config, JsonObject, resolveConfigPath } from '@trellis/backend-plugin-api';
import { readIntegerConfig } from './readIntegerConfig';

/** The engines Trellis supports. @public */
export type DatabaseClient = 'better-sqlite3' | 'pg';

/** Connection pool bounds. @public */
export interface PoolSettings {
  min: number;
  max: number;
  /** Schema mode: most connections of the shared pool one plugin may hold at once. */
  maxPerPlugin: number;
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
  /** Longest one statement may run (PostgreSQL `statement_timeout`; SQLite's busy wait, at most 5 s). */
  statementTimeoutMs: number;
  connectAttempts: number;
  connectInitialDelayMs: number;
  skipMigrations: boolean;
  migrationLockTimeoutMs: number;
  /** The statement timeout while migrations run, which may need longer than requests. */
  migrationStatementTimeoutMs: number;
}

const DEFAULT_POOL: Record<DatabaseClient, { min: number; max: number }> = {
  'better-sqlite3': { min: 1, max: 1 },
  pg: { min: 0, max: 5 },
};

const KEY = 'backend.database';
const HOUR_MS = 3_600_000;

/**
 * A plugin's default share of a shared pool: all but two connections, so one plugin stuck on
 * slow queries always leaves at least two to the others (pools of 1 or 2 cannot keep any back).
 */
export function defaultMaxPerPlugin(poolMax: number): number {
  return Math.max(1, poolMax - 2);
}

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
  const client = (pick((c) => c.getOptionalString('client')) ?? 'better-sqlite3') as DatabaseClient;
  if (client !== 'better-sqlite3' && client !== 'pg') {
    throw new Error(
      `Unsupported backend.database.client '${client}' for plugin '${pluginId}'; use 'better-sqlite3' or 'pg'`,
    );
  }
  const divisionMode = pick((c) => c.getOptionalString('pluginDivisionMode')) ?? 'database';
  if (divisionMode !== 'database' && divisionMode !== 'schema') {
    throw new Error(`Invalid backend.database.pluginDivisionMode '${divisionMode}'; use 'database' or 'schema'`);
  }
  const int = (key: string, min: number, max?: number): number | undefined =>
    (own && readIntegerConfig(own, key, { path: `${KEY}.plugin.${pluginId}`, min, max })) ??
    (base && readIntegerConfig(base, key, { path: KEY, min, max }));
  const configuredMax = int('pool.max', 1);
  const poolMax = client === 'better-sqlite3' ? 1 : Math.min(configuredMax ?? DEFAULT_POOL[client].max, 100);
  const statementTimeoutMs = int('statementTimeoutMs', 1, 24 * HOUR_MS) ?? 30_000;
  return {
    pluginId,
    client,
    connection: resolveConnection(client, pick((c) => c.getOptional<string | JsonObject>('connection')) ?? ':memory:'),
    divisionMode,
    prefix: pick((c) => c.getOptionalString('prefix')) ?? 'trellis_plugin_',
    ensureExists: pick((c) => c.getOptionalBoolean('ensureExists')) ?? true,
    pool: {
      min: Math.min(int('pool.min', 0) ?? DEFAULT_POOL[client].min, poolMax),
      max: poolMax,
      maxPerPlugin: readMaxPerPlugin(int('pool.maxPerPlugin', 1), poolMax, pluginId),
    },
    acquireTimeoutMs: int('acquireTimeoutMs', 1, HOUR_MS) ?? 5_000,
    statementTimeoutMs,
    connectAttempts: int('connectRetry.attempts', 1, 1000) ?? 5,
    connectInitialDelayMs: int('connectRetry.initialDelayMs', 0, HOUR_MS) ?? 500,
    skipMigrations: pick((c) => c.getOptionalBoolean('migrations.skip')) ?? false,
    migrationLockTimeoutMs: int('migrations.lockTimeoutMs', 1, 24 * HOUR_MS) ?? 10 * 60_000,
    migrationStatementTimeoutMs:
      int('migrations.statementTimeoutMs', 1, 24 * HOUR_MS) ?? Math.max(statementTimeoutMs, 10 * 60_000),
  };
}

/**
 * Checks every database setting at start, the shared ones and each plugin's overrides, so a bad
 * value stops the backend with its key named instead of failing a plugin at its first query.
 */
export function validateDatabaseConfig(config: Config): void {
  const plugins = config.getOptionalConfig(`${KEY}.plugin`)?.keys() ?? [];
  for (const pluginId of ['(any plugin)', ...plugins]) {
    readDatabaseConfig(config, pluginId);
  }
}

function readMaxPerPlugin(value: number | undefined, poolMax: number, pluginId: string): number {
  if (value !== undefined && value > poolMax) {
    throw new Error(
      `Invalid config ${KEY}.pool.maxPerPlugin for plugin '${pluginId}': ${value} is more than pool.max (${poolMax}); use at most ${poolMax}`,
    );
  }
  return value ?? defaultMaxPerPlugin(poolMax);
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

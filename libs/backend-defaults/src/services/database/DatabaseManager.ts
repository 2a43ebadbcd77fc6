import { Config, DatabaseService, LoggerService } from '@trellis/backend-plugin-api';
import { ServiceUnavailableError } from '@trellis/errors';
import type { Knex } from 'knex';
import { loadKnex } from './loadKnex';
import { migrateWithLock } from './migrateWithLock';
import {
  createPgClient,
  createSchemaClient,
  ensurePgDatabase,
  ensurePgSchema,
  pgTargetName,
  pluginDatabaseConnection,
} from './pg';
import { describePgConnection, normalizePgConnection } from './pgConnection';
import { PluginDatabaseSettings, readDatabaseConfig, validateDatabaseConfig } from './readDatabaseConfig';
import { createSqliteClient, sqliteFilename } from './sqlite';

/**
 * Creates and owns every plugin's database client. Clients are created on first use; in
 * PostgreSQL schema mode all plugins share one pool per connection target. `destroy()` closes
 * every pool.
 *
 * @public
 */
export class DatabaseManager {
  readonly #config: Config;
  readonly #clients = new Map<string, Promise<Knex>>();
  readonly #sharedPools = new Map<string, Knex>();
  readonly #ready = new Map<string, Knex>();

  private constructor(config: Config) {
    this.#config = config;
  }

  /** Checks every `backend.database` setting first: a bad value throws here, at start. */
  static fromConfig(config: Config, _options: { logger: LoggerService }): DatabaseManager {
    validateDatabaseConfig(config);
    return new DatabaseManager(config);
  }

  /** The database service of one plugin. */
  forPlugin(pluginId: string, logger: LoggerService): DatabaseService {
    const settings = readDatabaseConfig(this.#config, pluginId);
    const getClient = () => this.#client(settings, logger);
    return {
      getClient,
      migrations: { skip: settings.skipMigrations },
      migrate: async ({ directory }) => {
        if (settings.skipMigrations) {
          logger.info('Skipping migrations (backend.database.migrations.skip)');
          return;
        }
        const knex = await this.#migrationClient(settings, await getClient());
        try {
          await migrateWithLock({ knex, directory, logger, lockTimeoutMs: settings.migrationLockTimeoutMs });
        } finally {
          if (knex !== (await getClient())) {
            await knex.destroy();
          }
        }
      },
    };
  }

  /** Closes every pool; clients handed out stop working. */
  async destroy(): Promise<void> {
    const clients = await Promise.allSettled(this.#clients.values());
    await Promise.allSettled([
      ...clients.flatMap((c) => (c.status === 'fulfilled' ? [c.value.destroy()] : [])),
      ...[...this.#sharedPools.values()].map((pool) => pool.destroy()),
    ]);
    this.#clients.clear();
    this.#sharedPools.clear();
    this.#ready.clear();
  }

  /**
   * Connection use of every pool: per plugin with its own pool, and one entry `(shared)` per
   * shared pool of schema mode.
   */
  poolStats(): Array<{ pluginId: string; used: number; free: number; pending: number }> {
    type Tarn = { numUsed(): number; numFree(): number; numPendingAcquires(): number };
    const stats = (pluginId: string, knex: Knex) => {
      const pool = (knex.client as { pool?: Tarn }).pool;
      return pool ? [{ pluginId, used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() }] : [];
    };
    const shared = new Set([...this.#sharedPools.values()].map((k) => (k.client as { pool?: unknown }).pool));
    return [
      ...[...this.#ready].flatMap(([id, knex]) => (shared.has(schemaPoolOf(knex)) ? [] : stats(id, knex))),
      ...[...this.#sharedPools.values()].flatMap((knex) => stats('(shared)', knex)),
    ];
  }

  #client(settings: PluginDatabaseSettings, logger: LoggerService): Promise<Knex> {
    let client = this.#clients.get(settings.pluginId);
    if (!client) {
      client = this.#connect(settings, logger);
      this.#clients.set(settings.pluginId, client);
      client.then(
        (knex) => this.#ready.set(settings.pluginId, knex),
        () => {},
      );
      client.catch(() => this.#clients.delete(settings.pluginId));
    }
    return client;
  }

  async #connect(settings: PluginDatabaseSettings, logger: LoggerService): Promise<Knex> {
    await loadKnex();
    let delay = settings.connectInitialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#open(settings);
      } catch (error) {
        if (attempt >= settings.connectAttempts) {
          throw new ServiceUnavailableError(
            `Plugin '${settings.pluginId}' could not connect to its database at ${this.#describe(settings)} after ${attempt} attempt(s)`,
            error,
          );
        }
        logger.warn(
          `Database not reachable (attempt ${attempt} of ${settings.connectAttempts}); retrying in ${delay}ms: ${(error as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  async #open(settings: PluginDatabaseSettings): Promise<Knex> {
    if (settings.client === 'better-sqlite3') {
      return verified(createSqliteClient(settings));
    }
    if (settings.divisionMode === 'database') {
      if (settings.ensureExists) {
        await ensurePgDatabase(settings);
      }
      return verified(createPgClient(pluginDatabaseConnection(settings), settings));
    }
    const shared = this.#sharedPool(settings);
    const schema = pgTargetName(settings);
    if (settings.ensureExists) {
      await ensurePgSchema(shared, schema);
    }
    return verified(createSchemaClient(shared, schema, settings));
  }

  /**
   * Migrations may run longer than requests: on PostgreSQL they get a client of their own with
   * `migrations.statementTimeoutMs`, on the shared pool in schema mode, else one short-lived
   * connection to the plugin's database.
   */
  async #migrationClient(settings: PluginDatabaseSettings, client: Knex): Promise<Knex> {
    if (settings.client !== 'pg' || settings.migrationStatementTimeoutMs === settings.statementTimeoutMs) {
      return client;
    }
    const migrating = { ...settings, statementTimeoutMs: settings.migrationStatementTimeoutMs };
    if (settings.divisionMode === 'schema') {
      return createSchemaClient(this.#sharedPool(settings), pgTargetName(settings), migrating);
    }
    return createPgClient(pluginDatabaseConnection(settings), {
      ...migrating,
      pool: { min: 0, max: 1, maxPerPlugin: 1 },
    });
  }

  /** One pool per connection target and pool size: a plugin with its own `pool` gets its own. */
  #sharedPool(settings: PluginDatabaseSettings): Knex {
    const connection = normalizePgConnection(settings.connection);
    const key = JSON.stringify({
      connection,
      min: settings.pool.min,
      max: settings.pool.max,
      acquireTimeoutMs: settings.acquireTimeoutMs,
    });
    let pool = this.#sharedPools.get(key);
    if (!pool) {
      pool = createPgClient(connection, settings);
      this.#sharedPools.set(key, pool);
    }
    return pool;
  }

  #describe(settings: PluginDatabaseSettings): string {
    if (settings.client === 'better-sqlite3') {
      return `SQLite '${sqliteFilename(settings)}'`;
    }
    const connection =
      settings.divisionMode === 'database'
        ? pluginDatabaseConnection(settings)
        : normalizePgConnection(settings.connection);
    return describePgConnection(connection);
  }
}

/** The shared pool a schema-mode client borrows from, if any. */
function schemaPoolOf(knex: Knex): unknown {
  return (knex.client as { pool?: { sharedPool?: unknown } }).pool?.sharedPool;
}

/** Checks the connection once, destroying the client if it does not answer. */
async function verified(knex: Knex): Promise<Knex> {
  try {
    await knex.raw('select 1');
    return knex;
  } catch (error) {
    await knex.destroy().catch(() => {});
    throw error;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { createKnex } from './loadKnex';
import { PluginDatabaseSettings } from './readDatabaseConfig';
import { cacheStatements, PreparingConnection } from './sqliteStatementCache';

/**
 * better-sqlite3 waits for a lock synchronously, blocking the whole process, so the busy wait is
 * the plugin's statement timeout but never more than this.
 */
export const SQLITE_MAX_BUSY_MS = 5000;

/**
 * One SQLite database per plugin: in memory, or `<directory>/<pluginId>.sqlite` in WAL mode so
 * several processes can share the file. knex loads better-sqlite3 only here. Each connection keeps
 * its prepared statements ({@link cacheStatements}).
 */
export function createSqliteClient(settings: PluginDatabaseSettings): Knex {
  const filename = sqliteFilename(settings);
  if (filename !== ':memory:') {
    fs.mkdirSync(path.dirname(filename), { recursive: true });
  }
  return createKnex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    acquireConnectionTimeout: settings.acquireTimeoutMs,
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: PreparingConnection & { pragma(sql: string): unknown }, done: (error?: Error) => void) {
        try {
          // knex prepares every query again; the connection keeps them instead.
          cacheStatements(connection);
          if (filename !== ':memory:') {
            connection.pragma('journal_mode = WAL');
          }
          connection.pragma(`busy_timeout = ${sqliteBusyTimeoutMs(settings)}`);
          connection.pragma('foreign_keys = ON');
          done();
        } catch (error) {
          done(error as Error);
        }
      },
    },
  });
}

/** Where a plugin's SQLite data lives. */
export function sqliteFilename(settings: PluginDatabaseSettings): string {
  if (settings.connection === ':memory:') {
    return ':memory:';
  }
  const { directory } = settings.connection as { directory: string };
  return path.join(directory, `${settings.pluginId}.sqlite`);
}

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export function sqliteBusyTimeoutMs(settings: PluginDatabaseSettings): number {
  return Math.min(settings.statementTimeoutMs, SQLITE_MAX_BUSY_MS);
}

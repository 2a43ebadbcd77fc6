import { LoggerService } from '@trellis/backend-plugin-api';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

// Not 'trellis_migrations_lock': knex uses that name for its own lock of the 'trellis_migrations' table.
const LOCK_TABLE = 'trellis_migrations_mutex';
const MIGRATIONS_TABLE = 'trellis_migrations';
const POLL_MS = 250;

/** Options of {@link migrateWithLock}. */
export interface MigrateWithLockOptions {
  knex: Knex;
  directory: string;
  logger: LoggerService;
  /** A lock older than this belongs to a crashed instance and is taken over. */
  lockTimeoutMs: number;
}

/**
 * Runs pending knex migrations under a lock row that every instance sharing the database
 * competes for, so each migration runs exactly once. The holder refreshes the row while it works;
 * a row not refreshed within `lockTimeoutMs` is released with a warning.
 */
export async function migrateWithLock(options: MigrateWithLockOptions): Promise<void> {
  const { knex } = options;
  await ensureLockTable(knex);
  const holder = randomUUID();
  await acquire(options, holder);
  const heartbeat = setInterval(
    () => {
      knex(LOCK_TABLE)
        .where({ id: 1, holder })
        .update({ locked_at: Date.now() })
        .catch(() => {});
    },
    Math.max(1000, Math.floor(options.lockTimeoutMs / 3)),
  );
  heartbeat.unref();
  try {
    // We hold the outer lock, so a knex lock left by a crashed run is stale by definition.
    await knex.migrate.forceFreeMigrationsLock({ directory: options.directory, tableName: MIGRATIONS_TABLE });
    const [, applied] = await knex.migrate.latest({
      directory: options.directory,
      tableName: MIGRATIONS_TABLE,
      loadExtensions: ['.js'],
    });
    if (applied.length > 0) {
      options.logger.info(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
    }
  } finally {
    clearInterval(heartbeat);
    await knex(LOCK_TABLE).where({ id: 1, holder }).delete();
  }
}

async function ensureLockTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable(LOCK_TABLE)) {
    return;
  }
  await knex.schema
    .createTable(LOCK_TABLE, (table) => {
      table.integer('id').primary();
      table.string('holder', 64).notNullable();
      table.bigInteger('locked_at').notNullable();
    })
    .catch(async (error) => {
      // Another instance created it at the same moment.
      if (!(await knex.schema.hasTable(LOCK_TABLE))) {
        throw error;
      }
    });
}

async function acquire(options: MigrateWithLockOptions, holder: string): Promise<void> {
  const { knex, logger, lockTimeoutMs } = options;
  let waitingLogged = false;
  for (;;) {
    try {
      await knex(LOCK_TABLE).insert({ id: 1, holder, locked_at: Date.now() });
      return;
    } catch {
      const row = await knex(LOCK_TABLE).where({ id: 1 }).first();
      if (row && Date.now() - Number(row.locked_at) > lockTimeoutMs) {
        logger.warn(
          `Releasing a migration lock held by ${row.holder} since ${new Date(Number(row.locked_at)).toISOString()}: older than ${lockTimeoutMs}ms, its instance is gone`,
        );
        await knex(LOCK_TABLE).where({ id: 1, holder: row.holder }).delete();
        continue;
      }
      if (!waitingLogged) {
        logger.info('Waiting for another instance to finish migrations');
        waitingLogged = true;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

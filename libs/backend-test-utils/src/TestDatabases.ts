import { JsonObject } from '@trellis/backend-plugin-api';
import { isPostgresReachable, postgresConnection } from '@trellis/test-kit';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';

/**
 * The engines tests can run against: `SQLITE_3`, and `POSTGRES` or any of Backstage's
 * `POSTGRES_<version>` IDs, which all mean the one local PostgreSQL server. `MYSQL_8` is accepted
 * so Backstage tests compile, and skipped: Trellis does not support MySQL.
 *
 * @public
 */
export type TestDatabaseId =
  | 'SQLITE_3'
  | 'POSTGRES'
  | 'POSTGRES_18'
  | 'POSTGRES_17'
  | 'POSTGRES_16'
  | 'POSTGRES_15'
  | 'POSTGRES_14'
  | 'POSTGRES_13'
  | 'POSTGRES_12'
  | 'POSTGRES_11'
  | 'POSTGRES_9'
  | 'MYSQL_8';

/** Options of {@link TestDatabases.create}. @public */
export interface TestDatabasesOptions {
  /** The engines `eachSupportedId()` offers; SQLite and PostgreSQL by default. */
  ids?: TestDatabaseId[];
  /** Accepted for Backstage compatibility; Trellis never starts containers. */
  disableDocker?: boolean;
}

const DEFAULT_IDS: TestDatabaseId[] = ['SQLITE_3', 'POSTGRES'];

function isPostgres(id: TestDatabaseId): boolean {
  return id === 'POSTGRES' || id.startsWith('POSTGRES_');
}

const PG = postgresConnection;

/**
 * Runs test bodies against every available engine: SQLite always, PostgreSQL when it answers (a
 * visible skip message otherwise; under `CI=true` a missing PostgreSQL fails). Each database it
 * hands out is fresh and dropped after the test file.
 *
 * @public
 */
export class TestDatabases {
  readonly #created: string[] = [];
  readonly #clients: Knex[] = [];
  readonly #ids: TestDatabaseId[];
  readonly #explicit: boolean;

  private constructor(ids: TestDatabaseId[] | undefined) {
    this.#ids = ids ?? DEFAULT_IDS;
    this.#explicit = ids !== undefined;
  }

  static create(options: TestDatabasesOptions = {}): TestDatabases {
    const databases = new TestDatabases(options.ids);
    const afterAll = (globalThis as { afterAll?: (fn: () => Promise<void>) => void }).afterAll;
    afterAll?.(() => databases.cleanup());
    return databases;
  }

  /**
   * The engines to test against, for `it.each(databases.eachSupportedId())`: the requested IDs
   * that this machine can run. A PostgreSQL that does not answer is skipped with a message, and
   * fails under `CI=true`; `MYSQL_8` is skipped with a message, and fails under `CI=true` when it
   * was requested explicitly.
   */
  eachSupportedId(): TestDatabaseId[] {
    return this.#ids.filter((id) => this.supports(id));
  }

  /** Whether tests can run on the engine here (see {@link TestDatabases.eachSupportedId}). */
  supports(id: TestDatabaseId): boolean {
    if (id === 'MYSQL_8') {
      if (this.#explicit && process.env.CI === 'true') {
        throw new Error('MYSQL_8 was requested, but Trellis does not support MySQL; use SQLITE_3 and POSTGRES');
      }
      console.warn('Skipping MYSQL_8 test cases: Trellis does not support MySQL');
      return false;
    }
    if (!isPostgres(id) || isPostgresReachable()) {
      return true;
    }
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL at ${PG.host}:${PG.port} is required when CI=true, but it does not answer`);
    }
    console.warn(`Skipping ${id} test cases: no PostgreSQL server answers at ${PG.host}:${PG.port}`);
    return false;
  }

  /** A knex client on a fresh, empty database of the engine. */
  async init(id: TestDatabaseId): Promise<Knex> {
    this.#assertUsable(id);
    const client =
      id === 'SQLITE_3'
        ? knexFactory({
            client: 'better-sqlite3',
            connection: { filename: ':memory:' },
            useNullAsDefault: true,
            pool: { min: 1, max: 1 },
          })
        : knexFactory({
            client: 'pg',
            connection: { ...PG, database: await this.createPostgresDatabase() },
            pool: { min: 0, max: 5 },
          });
    this.#clients.push(client);
    return client;
  }

  /**
   * `backend.database` config for a test backend on a fresh database of the engine; for
   * PostgreSQL, in the given division mode (each plugin gets its own schema or database).
   */
  async backendConfig(id: TestDatabaseId, mode: 'schema' | 'database' = 'schema'): Promise<JsonObject> {
    this.#assertUsable(id);
    if (id === 'SQLITE_3') {
      return { client: 'better-sqlite3', connection: ':memory:' };
    }
    const database = await this.createPostgresDatabase();
    const connection = { ...PG, database } as JsonObject;
    return mode === 'schema'
      ? { client: 'pg', connection, pluginDivisionMode: 'schema' }
      : { client: 'pg', connection, pluginDivisionMode: 'database', prefix: `${database}_` };
  }

  /** Creates an empty PostgreSQL database with a unique name, dropped (with its plugin databases) later. */
  async createPostgresDatabase(): Promise<string> {
    const name = `trellis_test_${randomBytes(6).toString('hex')}`;
    await this.#admin((admin) => admin.raw('create database ??', [name]));
    this.#created.push(name);
    return name;
  }

  /** Closes clients and drops every database this instance created. */
  async cleanup(): Promise<void> {
    await Promise.allSettled(this.#clients.splice(0).map((c) => c.destroy()));
    if (this.#created.length === 0) {
      return;
    }
    const prefixes = this.#created.splice(0);
    await this.#admin(async (admin) => {
      const { rows } = await admin.raw<{ rows: { datname: string }[] }>('select datname from pg_database');
      const names = rows.map((r) => r.datname).filter((n) => prefixes.some((p) => n === p || n.startsWith(`${p}_`)));
      for (const name of names) {
        await admin.raw('drop database if exists ?? with (force)', [name]);
      }
    });
  }

  #assertUsable(id: TestDatabaseId): void {
    if (id === 'MYSQL_8') {
      throw new Error('Trellis does not support MySQL; MYSQL_8 databases cannot be created');
    }
  }

  async #admin<T>(run: (admin: Knex) => Promise<T>): Promise<T> {
    const admin = knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });
    try {
      return await run(admin);
    } finally {
      await admin.destroy();
    }
  }
}

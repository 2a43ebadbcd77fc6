import { coreServices, createBackendPlugin, LoggerService } from '@trellis/backend-plugin-api';
import { postgresConnection, requirePostgres, waitFor } from '@trellis/test-kit';
import Database from 'better-sqlite3';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { readJson } from '../../testing/readJson';
import { startBackend } from '../../testing/startBackend';
import { ConfigReader } from '../rootConfig';
import { DatabaseManager } from './DatabaseManager';
import { isDatabaseUnavailableError } from './isDatabaseUnavailableError';

const PG = postgresConnection;
const pgUp = requirePostgres('the PostgreSQL statement timeout tests');
const describePg = pgUp ? describe : describe.skip;

const logger: LoggerService = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => logger };
const managers: DatabaseManager[] = [];
const created: string[] = [];
const extraClients: Knex[] = [];

function manager(database: object): DatabaseManager {
  const m = DatabaseManager.fromConfig(ConfigReader.fromData({ backend: { database } } as never), { logger });
  managers.push(m);
  return m;
}

const admin = () =>
  knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });

async function freshDatabase(): Promise<string> {
  const name = `trellis_test_${randomBytes(5).toString('hex')}`;
  const a = admin();
  await a.raw('create database ??', [name]);
  await a.destroy();
  created.push(name);
  return name;
}

afterAll(async () => {
  await Promise.all([...managers.map((m) => m.destroy()), ...extraClients.map((c) => c.destroy())]);
  if (created.length > 0) {
    const a = admin();
    for (const name of created) {
      await a.raw('drop database if exists ?? with (force)', [name]);
    }
    await a.destroy();
  }
});

/** Settles within `timeoutMs` or fails naming `what`, so a hang is a loud failure, not a Jest timeout. */
async function within<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${timeoutMs}ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('configuration', () => {
  it.each([
    [{ statementTimeoutMs: -5 }, /Invalid config backend\.database\.statementTimeoutMs: must be a whole number/],
    [{ statementTimeoutMs: 'soon' }, /backend\.database\.statementTimeoutMs/],
    [{ acquireTimeoutMs: 1.5 }, /backend\.database\.acquireTimeoutMs/],
    [{ pool: { max: 0 } }, /backend\.database\.pool\.max/],
    [{ plugin: { todo: { pool: { maxPerPlugin: 0 } } } }, /backend\.database\.plugin\.todo\.pool\.maxPerPlugin/],
    [
      { client: 'pg', pool: { max: 4, maxPerPlugin: 5 } },
      /backend\.database\.pool\.maxPerPlugin .*more than pool\.max \(4\)/,
    ],
    [{ plugin: { todo: { statementTimeoutMs: 0 } } }, /backend\.database\.plugin\.todo\.statementTimeoutMs/],
  ])('refuses a bad value at start, naming its key %#', (database, message) => {
    expect(() => manager(database)).toThrow(message);
  });
});

describe('SQLite', () => {
  it('bounds the busy wait by the statement timeout and reports a locked database as unavailable', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-busy-'));
    const m = manager({
      client: 'better-sqlite3',
      connection: { directory },
      plugin: { todo: { statementTimeoutMs: 200 } },
    });
    const todo = await m.forPlugin('todo', logger).getClient();
    expect(await todo.raw('pragma busy_timeout')).toEqual([{ timeout: 200 }]);
    const other = await m.forPlugin('other', logger).getClient();
    expect(await other.raw('pragma busy_timeout')).toEqual([{ timeout: 5000 }]);
    await todo.schema.createTable('items', (t) => t.string('v'));
    const holder = new Database(path.join(directory, 'todo.sqlite'));
    try {
      holder.exec('begin immediate');
      const error = await within(
        'the insert into a locked database',
        todo('items')
          .insert({ v: 'x' })
          .catch((e) => e),
        4000,
      );
      expect(error?.code).toMatch(/^SQLITE_BUSY/);
      expect(isDatabaseUnavailableError(error)).toBe(true);
    } finally {
      holder.close();
    }
  });
});

describePg('PostgreSQL', () => {
  it('applies each plugin its own statement timeout on connections of the shared pool', async () => {
    const base = await freshDatabase();
    const m = manager({
      client: 'pg',
      connection: { ...PG, database: base },
      pluginDivisionMode: 'schema',
      pool: { max: 1 },
      plugin: { alpha: { statementTimeoutMs: 1500 } },
    });
    const alpha = await m.forPlugin('alpha', logger).getClient();
    const beta = await m.forPlugin('beta', logger).getClient();
    for (let i = 0; i < 2; i++) {
      expect((await alpha.raw('show statement_timeout')).rows).toEqual([{ statement_timeout: '1500ms' }]);
      expect((await beta.raw('show statement_timeout')).rows).toEqual([{ statement_timeout: '30s' }]);
    }
  });

  it('applies the statement timeout in database mode', async () => {
    const base = await freshDatabase();
    const m = manager({
      client: 'pg',
      connection: { ...PG, database: base },
      prefix: `${base}_`,
      statementTimeoutMs: 2500,
    });
    created.push(`${base}_todo`);
    const todo = await m.forPlugin('todo', logger).getClient();
    expect((await todo.raw('show statement_timeout')).rows).toEqual([{ statement_timeout: '2500ms' }]);
    const error = await within(
      'a query past the timeout',
      todo.raw('select pg_sleep(30)').catch((e) => e),
      20_000,
    );
    expect(error.code).toBe('57014');
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it("fails a plugin's queries on a locked table within its timeout while other plugins go on through the shared pool", async () => {
    const base = await freshDatabase();
    const m = manager({
      client: 'pg',
      connection: { ...PG, database: base },
      pluginDivisionMode: 'schema',
      pool: { max: 4 },
      acquireTimeoutMs: 20_000,
      plugin: { alpha: { statementTimeoutMs: 3000 } },
    });
    const alpha = await m.forPlugin('alpha', logger).getClient();
    const beta = await m.forPlugin('beta', logger).getClient();
    await alpha.schema.createTable('things', (t) => t.string('v'));
    const locker = knexFactory({ client: 'pg', connection: { ...PG, database: base }, pool: { min: 0, max: 1 } });
    const monitor = knexFactory({ client: 'pg', connection: { ...PG, database: base }, pool: { min: 0, max: 1 } });
    extraClients.push(locker, monitor);
    const lock = await locker.transaction();
    try {
      await lock.raw('lock table alpha.things in access exclusive mode');
      let pending = 6;
      const stuck = Array.from({ length: 6 }, () =>
        alpha('things')
          .select('v')
          .then(
            () => new Error('expected the query on a locked table to fail'),
            (error: Error) => error,
          )
          .finally(() => pending--),
      );
      const waiting = async () => {
        // Not through the locking transaction: it would see one snapshot of pg_stat_activity.
        const { rows } = await monitor.raw(
          "select count(*)::int as n from pg_stat_activity where datname = ? and wait_event_type = 'Lock' and query like '%things%'",
          [base],
        );
        return rows[0].n as number;
      };
      // The default share of a pool of 4 is max(1, 4 - 2) = 2 connections.
      await waitFor(async () => (await waiting()) === 2, { what: "alpha's share of the pool to wait for the lock" });
      for (let i = 0; i < 5; i++) {
        expect((await within('a query of plugin beta', beta.raw('select 1 as ok'), 15_000)).rows).toEqual([{ ok: 1 }]);
      }
      expect(pending).toBeGreaterThan(0);
      expect(await waiting()).toBeLessThanOrEqual(2);
      const errors = await within("alpha's queries on the locked table", Promise.all(stuck), 30_000);
      for (const error of errors) {
        expect(error.message).toMatch(/statement timeout/);
        expect(isDatabaseUnavailableError(error)).toBe(true);
      }
    } finally {
      await lock.rollback().catch(() => {});
    }
  }, 60_000);

  it('answers 503 when a request runs a statement past its timeout', async () => {
    const base = await freshDatabase();
    const slowPlugin = createBackendPlugin({
      pluginId: 'slow',
      register(env) {
        env.registerInit({
          deps: { httpRouter: coreServices.httpRouter, database: coreServices.database },
          async init({ httpRouter, database }) {
            const router = express.Router();
            router.get('/sleep', async (_req, res) => {
              await (await database.getClient()).raw('select pg_sleep(30)');
              res.json({ slept: true });
            });
            httpRouter.use(router);
            httpRouter.addAuthPolicy({ path: '/sleep', allow: 'unauthenticated' });
          },
        });
      },
    });
    const backend = await startBackend({
      features: [slowPlugin],
      config: {
        backend: {
          database: {
            client: 'pg',
            connection: { ...PG, database: base },
            pluginDivisionMode: 'schema',
            statementTimeoutMs: 500,
          },
        },
      },
    });
    try {
      const response = await within('the request', fetch(`${backend.baseUrl}/api/slow/sleep`), 20_000);
      expect(response.status).toBe(503);
      expect((await readJson(response)).error.name).toBe('ServiceUnavailableError');
    } finally {
      await backend.stop();
    }
  }, 60_000);

  it.each(['schema', 'database'])(
    'gives migrations their own, longer statement timeout (%s mode)',
    async (mode) => {
      const base = await freshDatabase();
      created.push(`${base}_todo`);
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-slow-migration-'));
      fs.writeFileSync(
        path.join(directory, '001_slow.js'),
        `exports.up = async knex => { await knex.raw('select pg_sleep(1)'); await knex.schema.createTable('done', t => t.string('v')); };\nexports.down = async () => {};\n`,
      );
      const m = manager({
        client: 'pg',
        connection: { ...PG, database: base },
        pluginDivisionMode: mode,
        prefix: `${base}_`,
        statementTimeoutMs: 300,
      });
      const service = m.forPlugin('todo', logger);
      await service.migrate({ directory });
      const db = await service.getClient();
      expect(await db.schema.hasTable('done')).toBe(true);
      expect((await db.raw('show statement_timeout')).rows).toEqual([{ statement_timeout: '300ms' }]);
    },
    60_000,
  );
});

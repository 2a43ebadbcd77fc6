import { LoggerService } from '@trellis/backend-plugin-api';
import { postgresConnection, requirePostgres } from '@trellis/test-kit';
import knexFactory from 'knex';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '../rootConfig';
import { DatabaseManager } from './DatabaseManager';
import { isDatabaseUnavailableError } from './isDatabaseUnavailableError';

const PG = postgresConnection;
const pgUp = requirePostgres('the PostgreSQL database service tests');
const describePg = pgUp ? describe : describe.skip;

const lines: { level: string; message: string }[] = [];
const logger: LoggerService = {
  error: (message) => void lines.push({ level: 'error', message }),
  warn: (message) => void lines.push({ level: 'warn', message }),
  info: (message) => void lines.push({ level: 'info', message }),
  debug: () => {},
  child: () => logger,
};

const managers: DatabaseManager[] = [];
function manager(database: object): DatabaseManager {
  const m = DatabaseManager.fromConfig(ConfigReader.fromData({ backend: { database } } as never), { logger });
  managers.push(m);
  return m;
}

const admin = () =>
  knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });
const created: string[] = [];
async function freshDatabase(): Promise<string> {
  const name = `trellis_test_${randomBytes(5).toString('hex')}`;
  const a = admin();
  await a.raw('create database ??', [name]);
  await a.destroy();
  created.push(name);
  return name;
}

afterAll(async () => {
  await Promise.all(managers.map((m) => m.destroy()));
  if (created.length > 0) {
    const a = admin();
    const { rows } = await a.raw('select datname from pg_database');
    for (const { datname } of rows as { datname: string }[]) {
      if (created.some((c) => datname === c || datname.startsWith(`${c}_`))) {
        await a.raw('drop database if exists ?? with (force)', [datname]);
      }
    }
    await a.destroy();
  }
});

const migrationsDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-migrations-'));
  fs.writeFileSync(
    path.join(dir, '001_things.js'),
    `exports.up = async knex => { await knex.schema.createTable('things', t => { t.string('name') }); await knex('things').insert({ name: 'seeded' }); };\nexports.down = async () => {};\n`,
  );
  return dir;
};

describe('SQLite', () => {
  it('gives each plugin its own in-memory database', async () => {
    const m = manager({ client: 'better-sqlite3', connection: ':memory:' });
    const a = await m.forPlugin('alpha', logger).getClient();
    const b = await m.forPlugin('beta', logger).getClient();
    await a.schema.createTable('secrets', (t) => t.string('v'));
    expect(await b.schema.hasTable('secrets')).toBe(false);
    expect(await m.forPlugin('alpha', logger).getClient()).toBe(a);
  });

  it('keeps one file per plugin in a directory, surviving a new manager', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-sqlite-'));
    const first = manager({ client: 'better-sqlite3', connection: { directory } });
    const db = await first.forPlugin('todo', logger).getClient();
    await db.schema.createTable('kept', (t) => t.string('v'));
    await db('kept').insert({ v: 'still here' });
    await first.destroy();
    expect(fs.existsSync(path.join(directory, 'todo.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(directory, 'untouched.sqlite'))).toBe(false);
    const second = manager({ client: 'better-sqlite3', connection: { directory } });
    expect(await (await second.forPlugin('todo', logger).getClient())('kept').select('v')).toEqual([
      { v: 'still here' },
    ]);
  });

  it('runs migrations once, skips them when configured, and releases a stale lock', async () => {
    const directory = migrationsDir();
    const m = manager({ client: 'better-sqlite3', connection: ':memory:', migrations: { lockTimeoutMs: 1000 } });
    const service = m.forPlugin('alpha', logger);
    const db = await service.getClient();
    await db.schema.createTable('trellis_migrations_mutex', (t) => {
      t.integer('id').primary();
      t.string('holder', 64);
      t.bigInteger('locked_at');
    });
    await db('trellis_migrations_mutex').insert({ id: 1, holder: 'crashed-pod', locked_at: Date.now() - 60_000 });
    await service.migrate({ directory });
    await service.migrate({ directory });
    expect(await db('things').select('name')).toEqual([{ name: 'seeded' }]);
    expect(
      lines.some((l) => l.level === 'warn' && /Releasing a migration lock held by crashed-pod/.test(l.message)),
    ).toBe(true);
    const skipped = manager({ client: 'better-sqlite3', connection: ':memory:', migrations: { skip: true } }).forPlugin(
      'beta',
      logger,
    );
    await skipped.migrate({ directory });
    expect(skipped.migrations?.skip).toBe(true);
    expect(await (await skipped.getClient()).schema.hasTable('things')).toBe(false);
  });
});

describePg('PostgreSQL', () => {
  it('database mode: creates each plugin database on first use only, isolated from the others', async () => {
    const base = await freshDatabase();
    const m = manager({
      client: 'pg',
      connection: { ...PG, database: base },
      pluginDivisionMode: 'database',
      prefix: `${base}_`,
    });
    const todo = await m.forPlugin('todo', logger).getClient();
    const other = await m.forPlugin('other-plugin', logger).getClient();
    m.forPlugin('never-used', logger);
    await todo.schema.createTable('todos', (t) => t.string('v'));
    expect(await other.schema.hasTable('todos')).toBe(false);
    const a = admin();
    const { rows } = await a.raw('select datname from pg_database where datname like ?', [`${base}_%`]);
    await a.destroy();
    expect(rows.map((r: { datname: string }) => r.datname).sort()).toEqual([`${base}_other_plugin`, `${base}_todo`]);
  });

  it('schema mode: one schema per plugin on one shared pool, for a user who may not create databases', async () => {
    const base = await freshDatabase();
    const role = `trellis_restricted_${randomBytes(4).toString('hex')}`;
    const a = knexFactory({ client: 'pg', connection: { ...PG, database: base }, pool: { min: 0, max: 1 } });
    await a.raw(`create role ?? login password 'pw-${role}' nocreatedb`, [role]);
    await a.raw('grant connect, create on database ?? to ??', [base, role]);
    await a.destroy();
    try {
      const m = manager({
        client: 'pg',
        connection: `postgres://${role}:pw-${role}@127.0.0.1:5432/${base}`,
        pluginDivisionMode: 'schema',
        pool: { max: 3 },
      });
      const plugins = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
      const clients = await Promise.all(plugins.map((p) => m.forPlugin(p, logger).getClient()));
      await Promise.all(clients.map((c, i) => c.schema.createTable(`t${i}`, (t) => t.string('v'))));
      expect(await clients[1].schema.hasTable('t0')).toBe(false);
      expect(await clients[0].schema.hasTable('t0')).toBe(true);
      await Promise.all(clients.flatMap((c) => Array.from({ length: 5 }, () => c.raw('select pg_sleep(0.05)'))));
      const check = knexFactory({ client: 'pg', connection: { ...PG, database: base }, pool: { min: 0, max: 1 } });
      const { rows } = await check.raw('select count(*)::int as n from pg_stat_activity where usename = ?', [role]);
      const schemas = await check.raw(
        "select schema_name from information_schema.schemata where schema_name like 'p_'",
      );
      await check.destroy();
      expect(rows[0].n).toBeLessThanOrEqual(3);
      expect(schemas.rows.map((r: { schema_name: string }) => r.schema_name).sort()).toEqual(plugins);
      await m.destroy();
    } finally {
      const b = knexFactory({ client: 'pg', connection: { ...PG, database: base }, pool: { min: 0, max: 1 } });
      await b.raw('drop owned by ?? cascade', [role]).catch(() => {});
      await b.destroy();
      const c = admin();
      await c.raw('drop database if exists ?? with (force)', [base]);
      await c.raw('drop role if exists ??', [role]);
      await c.destroy();
    }
  });

  it('runs each migration once when two instances migrate at the same moment', async () => {
    const base = await freshDatabase();
    const directory = migrationsDir();
    const config = { client: 'pg', connection: { ...PG, database: base }, pluginDivisionMode: 'schema' };
    const one = manager(config).forPlugin('alpha', logger);
    const two = manager(config).forPlugin('alpha', logger);
    await Promise.all([one.migrate({ directory }), two.migrate({ directory })]);
    const db = await one.getClient();
    expect(await db('things').select('name')).toEqual([{ name: 'seeded' }]);
    expect(await db('trellis_migrations').count({ n: '*' })).toEqual([{ n: '1' }]);
  });

  it('gives up on an unreachable server after bounded retries, naming plugin, host and database but not the password', async () => {
    const m = manager({
      client: 'pg',
      connection: 'postgres://app:SuperSecret123@127.0.0.1:1/appdb',
      pluginDivisionMode: 'schema',
      connectRetry: { attempts: 3, initialDelayMs: 10 },
    });
    const error = await m
      .forPlugin('todo', logger)
      .getClient()
      .catch((e) => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /Plugin 'todo' could not connect to its database at host '127.0.0.1:1', database 'appdb' after 3 attempt\(s\)/,
    );
    expect(error.message).not.toContain('SuperSecret123');
    expect(isDatabaseUnavailableError(error.cause)).toBe(true);
  });
});

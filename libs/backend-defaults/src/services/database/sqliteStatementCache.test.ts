import { LoggerService } from '@trellis/backend-plugin-api';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '../rootConfig';
import { DatabaseManager } from './DatabaseManager';
import { cacheStatements } from './sqliteStatementCache';

/** A connection whose fresh prepares are counted. */
function connection(): { db: Database.Database; prepared: string[] } {
  const db = new Database(':memory:');
  const prepared: string[] = [];
  const own = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return own(sql);
  }) as typeof db.prepare;
  return { db, prepared };
}

describe('cacheStatements', () => {
  it('prepares each SQL text once and hands out the same statement again', () => {
    const { db, prepared } = connection();
    cacheStatements(db);
    db.exec('create table t (id integer primary key, name text)');
    const insert = db.prepare('insert into t (name) values (?)');
    insert.run('a');
    expect(db.prepare('insert into t (name) values (?)')).toBe(insert);
    db.prepare('insert into t (name) values (?)').run('b');
    const select = 'select name from t order by id limit ?';
    expect(db.prepare(select).all(5)).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(db.prepare(select).all(1)).toEqual([{ name: 'a' }]);
    expect(prepared).toEqual(['insert into t (name) values (?)', select]);
  });

  it('sees a schema change made on the same connection or on another one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-stmt-cache-'));
    const file = path.join(dir, 'db.sqlite');
    const db = new Database(file);
    const other = new Database(file);
    try {
      cacheStatements(db);
      db.exec('create table t (id integer primary key)');
      db.prepare('insert into t (id) values (1)').run();
      const select = 'select * from t';
      expect(db.prepare(select).all()).toEqual([{ id: 1 }]);
      // Another connection (another process, in production) adds a column.
      other.exec("alter table t add column name text not null default 'x'");
      expect(db.prepare(select).all()).toEqual([{ id: 1, name: 'x' }]);
      // This connection drops the table and makes it anew with other columns.
      db.prepare('drop table t').run();
      expect(() => db.prepare(select)).toThrow(/no such table/);
      db.prepare('create table t (other text)').run();
      db.prepare("insert into t (other) values ('y')").run();
      expect(db.prepare(select).all()).toEqual([{ other: 'y' }]);
    } finally {
      db.close();
      other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('empties itself when a schema change is prepared, as migrations do', () => {
    const { db, prepared } = connection();
    cacheStatements(db);
    db.prepare('create table t (id integer)').run();
    db.prepare('select * from t').all();
    db.prepare('create index t_id on t (id)').run();
    db.prepare('select * from t').all();
    expect(prepared.filter((sql) => sql === 'select * from t')).toHaveLength(2);
    // Schema changes are never kept: each is prepared again.
    db.prepare('drop index t_id').run();
    db.prepare('create index t_id on t (id)').run();
    expect(prepared.filter((sql) => sql === 'create index t_id on t (id)')).toHaveLength(2);
  });

  it('holds at most maxSize statements, dropping the least recently used', () => {
    const { db, prepared } = connection();
    cacheStatements(db, { maxSize: 2 });
    const q = (n: number) => `select ${n} as n`;
    db.prepare(q(1));
    db.prepare(q(2));
    db.prepare(q(1)); // 1 is now the most recently used
    db.prepare(q(3)); // 2 leaves
    db.prepare(q(1));
    db.prepare(q(3));
    expect(prepared).toEqual([q(1), q(2), q(3)]);
    db.prepare(q(2));
    expect(prepared).toEqual([q(1), q(2), q(3), q(2)]);
  });

  it('keeps nothing with maxSize 0, and forgets everything when emptied', () => {
    const { db, prepared } = connection();
    cacheStatements(db, { maxSize: 0 });
    db.prepare('select 1');
    db.prepare('select 1');
    expect(prepared).toHaveLength(2);

    const second = connection();
    const empty = cacheStatements(second.db);
    second.db.prepare('select 1');
    empty();
    second.db.prepare('select 1');
    expect(second.prepared).toHaveLength(2);
  });

  it('hands out a statement with the default modes whatever the previous query set', () => {
    const { db } = connection();
    cacheStatements(db);
    db.exec('create table t (id integer primary key, big integer)');
    db.prepare('insert into t (big) values (?)').run(42);
    const select = 'select id, big from t';
    // As knex does for a query with { safeIntegers: true }.
    expect(db.prepare(select).safeIntegers(true).all()).toEqual([{ id: 1n, big: 42n }]);
    expect(db.prepare(select).all()).toEqual([{ id: 1, big: 42 }]);
    expect(db.prepare(select).raw(true).all()).toEqual([[1, 42]]);
    expect(db.prepare(select).all()).toEqual([{ id: 1, big: 42 }]);
    expect(db.prepare(select).pluck().all()).toEqual([1]);
    expect(db.prepare(select).get()).toEqual({ id: 1, big: 42 });
  });

  it('gives a fresh statement while the cached one is iterating', () => {
    const { db, prepared } = connection();
    cacheStatements(db);
    db.exec('create table t (id integer primary key)');
    db.exec('insert into t (id) values (1), (2)');
    const select = 'select id from t';
    const cached = db.prepare(select);
    const iterator = cached.iterate();
    expect(iterator.next().value).toEqual({ id: 1 });
    const fresh = db.prepare(select);
    expect(fresh).not.toBe(cached);
    expect(prepared.filter((sql) => sql === select)).toHaveLength(2);
    expect(iterator.next().value).toEqual({ id: 2 });
    iterator.return?.();
    // The fresh one was not kept: the cached one comes back once it is free.
    expect(db.prepare(select)).toBe(cached);
    expect(prepared.filter((sql) => sql === select)).toHaveLength(2);
  });
});

describe('SQLite clients of the database service', () => {
  const logger: LoggerService = {
    error: () => {},
    warn: () => {},
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  let dir: string;
  let manager: DatabaseManager;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-stmt-cache-'));
    manager = DatabaseManager.fromConfig(
      ConfigReader.fromData({
        backend: { database: { client: 'better-sqlite3', connection: { directory: dir } } },
      } as never),
      { logger },
    );
  });
  afterEach(async () => {
    await manager.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prepare each query once, and queries see migrations run in between', async () => {
    const database = manager.forPlugin('p', logger);
    const knex = await database.getClient();
    const raw = (await knex.client.acquireConnection()) as Database.Database;
    await knex.client.releaseConnection(raw);
    const statements = new Set<unknown>();
    const own = raw.prepare;
    raw.prepare = ((sql: string) => {
      const statement = own(sql);
      statements.add(statement);
      return statement;
    }) as typeof raw.prepare;

    await knex.schema.createTable('items', (table) => {
      table.increments('id');
      table.string('name');
    });
    await knex('items').insert({ name: 'a' });
    const list = () => knex('items').select('*').orderBy('id').limit(10);
    expect(await list()).toEqual([{ id: 1, name: 'a' }]);
    const before = statements.size;
    expect(await list()).toEqual([{ id: 1, name: 'a' }]);
    expect(statements.size).toBe(before);

    const migrations = fs.mkdtempSync(path.join(dir, 'migrations-'));
    fs.writeFileSync(
      path.join(migrations, '001_label.js'),
      "exports.up = (knex) => knex.schema.alterTable('items', (t) => { t.string('label').defaultTo('x'); });\n" +
        'exports.down = async () => {};\n',
    );
    await database.migrate({ directory: migrations });
    expect(await list()).toEqual([{ id: 1, name: 'a', label: 'x' }]);
    // Per-query options still apply, and do not stick to the statement.
    expect(await list().options({ safeIntegers: true })).toEqual([{ id: 1n, name: 'a', label: 'x' }]);
    expect(await list()).toEqual([{ id: 1, name: 'a', label: 'x' }]);
  });
});

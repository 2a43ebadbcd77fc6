import { coreServices, createBackendPlugin, JsonObject } from '@trellis/backend-plugin-api';
import express from 'express';
import knexFactory from 'knex';
import { randomBytes } from 'node:crypto';
import { LogLine, startBackend, StartedBackend } from '../../testing/startBackend';
import { postgresAvailable } from '../../testing/testDatabases';

/**
 * A plugin whose routes pass query values to the database as they come, as a careless plugin
 * would: `GET /cast/<kind>?v=` casts the value, `POST /items?name=` stores it in a varchar(3)
 * column, and `POST /rowid?v=` uses it as SQLite's row id.
 */
const dataPlugin = createBackendPlugin({
  pluginId: 'data',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, database: coreServices.database },
      async init({ httpRouter, database }) {
        const db = await database.getClient();
        await db.schema.createTable('items', (table) => table.string('name', 3));
        const casts: Record<string, string> = {
          integer: 'select cast(? as integer) as v',
          smallint: 'select cast(? as smallint) as v',
          text: 'select cast(? as text) as v',
          date: 'select cast(? as date) as v',
        };
        const router = express.Router();
        router.get('/cast/:kind', async (req, res) => {
          const [row] = await db.raw(casts[req.params.kind]!, [String(req.query.v)]).then((r) => r.rows ?? r);
          res.json(row);
        });
        router.post('/items', async (req, res) => {
          await db('items').insert({ name: String(req.query.name) });
          res.status(201).json({});
        });
        router.post('/rowid', async (req, res) => {
          await db.raw('insert into items (rowid, name) values (?, ?)', [String(req.query.v), 'x']);
          res.status(201).json({});
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const GENERIC = 'The request holds a value the database cannot take: malformed, out of range or too long for its field';

async function expectInputError(response: Response, lines: LogLine[]) {
  const text = await response.text();
  expect({ status: response.status, body: JSON.parse(text) }).toEqual({
    status: 400,
    body: {
      error: { name: 'InputError', message: GENERIC },
      request: expect.any(Object),
      response: { statusCode: 400 },
    },
  });
  expect(text).not.toMatch(/select |insert into|SQLSTATE|SQLITE_|syntax|encoding|stack/i);
  expect(lines.filter((line) => line.level === 'error')).toEqual([]);
}

describe('database data errors on PostgreSQL', () => {
  let backend: StartedBackend | undefined;
  let databaseName: string | undefined;
  const lines: LogLine[] = [];
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    if (!(await postgresAvailable())) {
      return;
    }
    // LATIN1, so that a character it lacks is refused (22P05) as on a database made that way.
    databaseName = `trellis_data_errors_${randomBytes(4).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: PG });
    await admin.raw(`CREATE DATABASE ${databaseName} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    await admin.destroy();
    process.env.NODE_ENV = 'production';
    const database: JsonObject = {
      client: 'pg',
      connection: { ...PG, database: databaseName },
      pluginDivisionMode: 'schema',
    };
    backend = await startBackend({ features: [dataPlugin], config: { backend: { database } }, logLines: lines });
  });

  afterAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    await backend?.stop();
    if (databaseName) {
      const admin = knexFactory({ client: 'pg', connection: PG });
      await admin.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await admin.destroy();
    }
  });

  beforeEach(() => {
    lines.length = 0;
  });

  it.each([
    ['22P02 invalid text representation', 'GET', '/cast/integer?v=abc'],
    ['22003 numeric value out of range', 'GET', '/cast/smallint?v=99999999'],
    ['22021 a NUL byte in text', 'GET', '/cast/text?v=a%00b'],
    ['22P05 a character the database encoding lacks', 'GET', `/cast/text?v=${encodeURIComponent('€')}`],
    ['22007 an invalid date', 'GET', '/cast/date?v=yesterday-ish'],
    ['22008 a date out of range', 'GET', '/cast/date?v=2024-13-45'],
    ['22001 a string too long for its column', 'POST', '/items?name=abcdef'],
  ])('answers %s with 400 in the InputError shape, naming no internals', async (_name, method, path) => {
    if (!backend) {
      console.warn('Skipped: PostgreSQL is not running at 127.0.0.1:5432');
      return;
    }
    await expectInputError(await fetch(`${backend.baseUrl}/api/data${path}`, { method }), lines);
  });

  it('still answers valid values', async () => {
    if (!backend) {
      return;
    }
    const response = await fetch(`${backend.baseUrl}/api/data/cast/integer?v=42`);
    expect(await response.json()).toEqual({ v: 42 });
  });
});

describe('database data errors on SQLite', () => {
  let backend: StartedBackend;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    backend = await startBackend({ features: [dataPlugin], logLines: lines });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('answers SQLITE_MISMATCH with 400 in the InputError shape', async () => {
    await expectInputError(await fetch(`${backend.baseUrl}/api/data/rowid?v=not-a-number`, { method: 'POST' }), lines);
  });
});

import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from './mockCredentials';
import { startTestBackend } from './startTestBackend';
import { TestDatabaseId, TestDatabases } from './TestDatabases';

// Three IDs that a careless name derivation (dashes to underscores, lower-casing) would map to
// one database, schema or file.
const IDS = ['exampleTodoList', 'example-todo-list', 'example_todo_list'];

function notesPlugin(pluginId: string) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { database: coreServices.database, httpRouter: coreServices.httpRouter },
        async init({ database, httpRouter }) {
          const db = await database.getClient();
          await db.schema.createTable('notes', (t) => t.string('text').notNullable());
          httpRouter.use(async (req, res, next) => {
            if (req.path !== '/notes') return next();
            if (req.method === 'POST') {
              await db('notes').insert({ text: String((req.body as { text?: unknown }).text) });
            }
            res.json((await db('notes').select('text')).map((r: { text: string }) => r.text));
          });
        },
      });
    },
  });
}

const databases = TestDatabases.create();
const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function databaseConfig(id: TestDatabaseId, mode: string) {
  if (id !== 'SQLITE_3') {
    return databases.backendConfig(id, mode as 'schema' | 'database');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-ids-'));
  tmpDirs.push(dir);
  return { client: 'better-sqlite3', connection: { directory: dir } };
}

describe('camelCase, kebab-case and snake_case plugin IDs', () => {
  const cases = databases.eachSupportedId().flatMap((id) =>
    id === 'SQLITE_3'
      ? [[id, 'files']]
      : [
          [id, 'schema'],
          [id, 'database'],
        ],
  );

  it.each(cases)('each get their own database on %s (%s)', async (id, mode) => {
    const backend = await startTestBackend({
      features: IDS.map(notesPlugin),
      config: { backend: { database: await databaseConfig(id as TestDatabaseId, mode!) } },
    });
    const headers = { authorization: mockCredentials.user.header(), 'content-type': 'application/json' };
    for (const pluginId of IDS) {
      const res = await fetch(`${backend.baseUrl}/api/${pluginId}/notes`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: `written by ${pluginId}` }),
      });
      expect(res.status).toBe(200);
    }
    for (const pluginId of IDS) {
      const res = await fetch(`${backend.baseUrl}/api/${pluginId}/notes`, { headers });
      expect(await res.json()).toEqual([`written by ${pluginId}`]);
    }
    await backend.stop();
  });
});

describe('routes of a camelCase plugin', () => {
  it('answer under /api/<pluginId> in any case, as Express paths match', async () => {
    const backend = await startTestBackend({ features: [notesPlugin('exampleTodoList')] });
    const headers = { authorization: mockCredentials.user.header() };
    expect((await fetch(`${backend.baseUrl}/api/exampleTodoList/notes`, { headers })).status).toBe(200);
    expect((await fetch(`${backend.baseUrl}/api/exampletodolist/notes`, { headers })).status).toBe(200);
    await backend.stop();
  });

  it('refuse a second plugin whose ID differs only in case', async () => {
    await expect(
      startTestBackend({ features: [notesPlugin('exampleTodoList'), notesPlugin('ExampleTodoList')] }),
    ).rejects.toThrow(/differ only in case/);
  });
});

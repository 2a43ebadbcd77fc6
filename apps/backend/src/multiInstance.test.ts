import { TestDatabases } from '@trellis/backend-test-utils';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnBackend, SpawnedBackend, waitForStatus } from '../test/spawnBackend';

const TOKEN = 'test-static-token-0123456789abcdef';
const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');
const running: SpawnedBackend[] = [];

afterEach(async () => {
  for (const backend of running.splice(0)) {
    if (backend.child.exitCode === null) {
      backend.child.kill('SIGKILL');
      await backend.exited;
    }
  }
});

function configDir(port: number, database: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-instance-'));
  fs.writeFileSync(
    path.join(dir, 'app-config.yaml'),
    [
      'backend:',
      `  listen: { port: ${port}, host: 127.0.0.1 }`,
      `  database: ${database}`,
      '  auth:',
      '    externalAccess:',
      `      - { type: static, options: { token: ${TOKEN}, subject: e2e-test } }`,
      '',
    ].join('\n'),
  );
  return dir;
}

const api = (port: number, pathname: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}/api/todo${pathname}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  });

(postgres ? it : it.skip)(
  'two instances started at once on one empty PostgreSQL database both come up and migrate once',
  async () => {
    const database = await databases.createPostgresDatabase();
    const db = JSON.stringify({
      client: 'pg',
      pluginDivisionMode: 'schema',
      connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database },
    });
    const ports = [await freePort(), await freePort()];
    const instances = ports.map((port) => spawnBackend('src/index.ts', { cwd: configDir(port, db) }));
    running.push(...instances);
    await Promise.all(
      ports.map((port, i) =>
        waitForStatus(`http://127.0.0.1:${port}/.trellis/health/v1/readiness`, 200, instances[i], 30_000),
      ),
    );
    const created = await api(ports[0], '/todos', {
      method: 'POST',
      body: JSON.stringify({ title: 'made on instance one' }),
    });
    expect(created.status).toBe(201);
    const listed = (await (await api(ports[1], '/todos')).json()) as any;
    expect(listed.items.map((t: { title: string }) => t.title)).toEqual(['made on instance one']);
    const check = knexFactory({
      client: 'pg',
      connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database },
      pool: { min: 0, max: 1 },
    });
    const migrations = await check.raw('select name from todo.trellis_migrations');
    await check.destroy();
    expect(migrations.rows).toEqual([{ name: '20261124000000_init.js' }]);
  },
);

it('keeps todos in the SQLite directory across a restart', async () => {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-data-'));
  const cwd = configDir(port, JSON.stringify({ client: 'better-sqlite3', connection: { directory: dataDir } }));
  const first = spawnBackend('src/index.ts', { cwd });
  running.push(first);
  await waitForStatus(`http://127.0.0.1:${port}/.trellis/health/v1/readiness`, 200, first);
  expect((await api(port, '/todos', { method: 'POST', body: JSON.stringify({ title: 'survives' }) })).status).toBe(201);
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  const second = spawnBackend('src/index.ts', { cwd });
  running.push(second);
  await waitForStatus(`http://127.0.0.1:${port}/.trellis/health/v1/readiness`, 200, second);
  const listed = (await (await api(port, '/todos')).json()) as any;
  expect(listed.items.map((t: { title: string }) => t.title)).toEqual(['survives']);
  expect(fs.existsSync(path.join(dataDir, 'todo.sqlite'))).toBe(true);
});

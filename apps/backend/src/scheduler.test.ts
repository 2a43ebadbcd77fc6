import { TestDatabases } from '@trellis/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnBackend, SpawnedBackend, waitForStatus } from '../test/spawnBackend';

const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');
const running: SpawnedBackend[] = [];
let check: Knex | undefined;

afterEach(async () => {
  await check?.destroy();
  check = undefined;
  for (const backend of running.splice(0)) {
    if (backend.child.exitCode === null) {
      backend.child.kill('SIGKILL');
      await backend.exited;
    }
  }
});


async function startInstances(database: string, env: Record<string, string>) {
  const ports = [await freePort(), await freePort()];
  const instances = ports.map((port, i) => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-sched-'));
    fs.writeFileSync(
      path.join(cwd, 'app-config.yaml'),
      `backend:\n  listen: { port: ${port}, host: 127.0.0.1 }\n  scheduler: { pollIntervalMs: 100, leaseMs: 1500 }\n  database:\n    client: pg\n    pluginDivisionMode: schema\n    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${database} }\n`,
    );
    return spawnBackend('test/fixtures/scheduled-backend.ts', { cwd, env: { ...env, INSTANCE: `i${i}` } });
  });
  running.push(...instances);
  await Promise.all(ports.map((port, i) => waitForStatus(`http://127.0.0.1:${port}/.trellis/health/v1/readiness`, 200, instances[i], 30_000)));
  return instances;
}

(postgres ? describe : describe.skip)('scheduler across real processes', () => {
  it('runs a global task once per interval between two instances, and a local task on both', async () => {
    const database = await databases.createPostgresDatabase();
    await startInstances(database, { TASK_FREQ_MS: '500' });
    check = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', database }, searchPath: ['jobs'] });
    const since = Date.now();
    await new Promise(resolve => setTimeout(resolve, 3000));
    const global = await check('runs').where({ task: 'global' }).andWhere('at', '>=', since).andWhere('at', '<', since + 3000);
    const local = await check('runs').where({ task: 'local' }).andWhere('at', '>=', since);
    // 3 s at one run per 500 ms: 6 runs, give or take one at either edge.
    expect(global.length).toBeGreaterThanOrEqual(5);
    expect(global.length).toBeLessThanOrEqual(7);
    expect(new Set(local.map(r => r.instance))).toEqual(new Set(['i0', 'i1']));
  });

  it('takes over the task of a killed lease holder within the lease bound', async () => {
    const database = await databases.createPostgresDatabase();
    const instances = await startInstances(database, { TASK_FREQ_MS: '200', TASK_RUN_MS: '60000' });
    check = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', database }, searchPath: ['jobs'] });
    let first: { instance: string; at: number } | undefined;
    for (let i = 0; i < 50 && !first; i++) {
      first = await check('runs').where({ task: 'global' }).orderBy('at').first();
      if (!first) await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(first).toBeDefined();
    const holder = instances[first!.instance === 'i0' ? 0 : 1];
    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    let takeover: { instance: string; at: number } | undefined;
    for (let i = 0; i < 60 && !takeover; i++) {
      takeover = await check('runs').where({ task: 'global' }).andWhereNot({ instance: first!.instance }).first();
      if (!takeover) await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(takeover).toBeDefined();
    // lease 1.5 s + one poll of 100 ms, with slack for a busy machine.
    expect(Number(takeover!.at) - killedAt).toBeLessThan(3500);
  });
});

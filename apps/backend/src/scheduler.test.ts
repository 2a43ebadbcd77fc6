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
  await Promise.all(
    ports.map((port, i) =>
      waitForStatus(`http://127.0.0.1:${port}/.trellis/health/v1/readiness`, 200, instances[i], 30_000),
    ),
  );
  return instances;
}

(postgres ? describe : describe.skip)('scheduler across real processes', () => {
  it('runs a global task once per interval between two instances, and a local task on both', async () => {
    const database = await databases.createPostgresDatabase();
    await startInstances(database, { TASK_FREQ_MS: '500' });
    check = knexFactory({
      client: 'pg',
      connection: { host: '127.0.0.1', user: 'postgres', database },
      searchPath: ['jobs'],
    });
    // Count runs instead of timing them: a loaded machine delays runs, it must never double them.
    // Each run is planned an interval after the previous run's claim, so n runs span at least
    // (n - 1) intervals of claims; the times the task itself records lag its claim by up to D
    // (2 s allowed here), so n <= (span + D) / interval + 1. Both instances running every slot
    // would give about twice that.
    const deadline = Date.now() + 60_000;
    let global: { instance: string; at: string }[] = [];
    while (global.length < 14) {
      if (Date.now() > deadline) throw new Error(`only ${global.length} global runs in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      global = await check('runs').where({ task: 'global' }).orderBy('at');
    }
    const span = Number(global.at(-1)!.at) - Number(global[0].at);
    expect(global.length).toBeLessThanOrEqual(Math.floor((span + 2000) / 500) + 1);
    let local: { instance: string }[] = [];
    while (new Set(local.map((r) => r.instance)).size < 2 && Date.now() < deadline) {
      local = await check('runs').where({ task: 'local' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(new Set(local.map((r) => r.instance))).toEqual(new Set(['i0', 'i1']));
  });

  it('takes over the task of a killed lease holder within the lease bound', async () => {
    const database = await databases.createPostgresDatabase();
    const instances = await startInstances(database, { TASK_FREQ_MS: '200', TASK_RUN_MS: '60000' });
    check = knexFactory({
      client: 'pg',
      connection: { host: '127.0.0.1', user: 'postgres', database },
      searchPath: ['jobs'],
    });
    let first: { instance: string; at: number } | undefined;
    for (let i = 0; i < 50 && !first; i++) {
      first = await check('runs').where({ task: 'global' }).orderBy('at').first();
      if (!first) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(first).toBeDefined();
    const holder = instances[first!.instance === 'i0' ? 0 : 1];
    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    let takeover: { instance: string; at: number } | undefined;
    for (let i = 0; i < 200 && !takeover; i++) {
      takeover = await check('runs').where({ task: 'global' }).andWhereNot({ instance: first!.instance }).first();
      if (!takeover) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(takeover).toBeDefined();
    // Lease 1.5 s + one poll of 100 ms; the rest is room for a loaded 2-core machine (the run
    // itself lasts a minute, so without the takeover there would be no second instance's run).
    expect(Number(takeover!.at) - killedAt).toBeLessThan(10_000);
  });
});

import { rawHttpRequest, TestDatabases } from '@trellis/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { productionEnv } from '../test/productionEnv';
import { freePort } from '../test/spawnBackend';

// Hostile input against what operators run: the built artifact, NODE_ENV=production,
// PostgreSQL in schema mode with one shared pool, Redis. Each case is a defect an attack run
// found on this setup (issue 13); the unit suites cover the same classes on SQLite as well.

const root = path.resolve(__dirname, '../../..');
const OPS = 'prod-hostile-ops-token-0123456789abcdef';
const READER = 'prod-hostile-reader-token-0123456789abcd';
const METRICS = 'prod-hostile-metrics-token-0123456789ab';
const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');

let scratch: string;
let child: ChildProcess;
let output = '';
let base: string;
let port: number;
let database: string;

const as = (token: string, init: RequestInit = {}) => ({
  ...init,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as object) },
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null)
      throw new Error(`the backend exited (${child.exitCode}) while waiting for ${what}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${output.slice(-5000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A catalog folder with good entities, a NUL value, a prototype key, and files it must not read. */
function writeCatalog(dir: string): void {
  const component = (name: string, extra = '') =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${extra}spec: { type: service, lifecycle: production, owner: team-a }\n`;
  fs.mkdirSync(path.join(dir, 'entities'));
  fs.writeFileSync(
    path.join(dir, 'entities', 'good.yaml'),
    [component('good-one'), component('good-two')].join('---\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'entities', 'nul.yaml'),
    [component('nul-one', '  description: "before\\0after"\n'), component('good-three')].join('---\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'entities', 'proto.yaml'),
    component('proto-one', '  annotations:\n    __proto__: { polluted: "yes" }\n'),
  );
  fs.writeFileSync(path.join(dir, 'outside.yaml'), component('outsider'));
  fs.symlinkSync(path.join(dir, 'outside.yaml'), path.join(dir, 'entities', 'link-out.yaml'));
  fs.symlinkSync('/dev/zero', path.join(dir, 'entities', 'zero.yaml'));
  spawnSync('mkfifo', [path.join(dir, 'entities', 'fifo.yaml')]);
}

(postgres ? describe : describe.skip)('the production artifact under hostile input (PostgreSQL, Redis)', () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-prod-hostile-'));
    const app = path.join(scratch, 'app');
    const build = spawnSync(
      process.execPath,
      [path.join(root, 'scripts/build-app.mjs'), 'apps/backend', '--out', app],
      { cwd: root, encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
    writeCatalog(scratch);
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    database = await databases.createPostgresDatabase();
    fs.writeFileSync(
      path.join(scratch, 'site.yaml'),
      [
        'backend:',
        '  listen: { host: 127.0.0.1 }',
        '  lifecycle: { serverShutdownDelayMs: 200 }',
        `  metrics: { token: ${METRICS} }`,
        '  scheduler: { operators: [ops] }',
        '  database:',
        '    plugin:',
        '      todo: { statementTimeoutMs: 1500 }',
        '  auth:',
        '    externalAccess:',
        `      - { type: static, options: { token: ${OPS}, subject: ops } }`,
        `      - { type: static, options: { token: ${READER}, subject: reader } }`,
        'catalog:',
        `  locations: [{ type: file, target: ${JSON.stringify(path.join(scratch, 'entities', '*.yaml'))} }]`,
        '',
      ].join('\n'),
    );
    child = spawn(process.execPath, ['--enable-source-maps', 'index.js', '--config', path.join(scratch, 'site.yaml')], {
      cwd: app,
      env: productionEnv({ port, database }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    await until(
      'readiness',
      async () =>
        (await fetch(`${base}/.trellis/health/v1/readiness`).catch(() => undefined))?.status === 200 ? true : undefined,
      60_000,
    );
    await until('the catalog serving good-three', async () =>
      (await fetch(`${base}/api/catalog/entities/by-ref/component:default/good-three`, as(READER))).status === 200
        ? true
        : undefined,
    );
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses bad entities and unsafe files one by one and applies the rest', async () => {
    for (const name of ['good-one', 'good-two', 'good-three']) {
      expect((await fetch(`${base}/api/catalog/entities/by-ref/component:default/${name}`, as(READER))).status).toBe(
        200,
      );
    }
    for (const name of ['nul-one', 'proto-one', 'outsider']) {
      expect((await fetch(`${base}/api/catalog/entities/by-ref/component:default/${name}`, as(READER))).status).toBe(
        404,
      );
    }
    const errors = JSON.stringify(await (await fetch(`${base}/api/catalog/errors`, as(READER))).json());
    for (const listed of ['nul-one', 'proto-one', 'link-out.yaml', 'zero.yaml', 'fifo.yaml']) {
      expect(errors).toContain(listed);
    }
  });

  it('answers prototype paths in fields and filters with 400, and the process stays unpolluted', async () => {
    for (const query of [
      'fields=metadata.__proto__.polluted',
      'fields=constructor.prototype.polluted',
      'filter=metadata.__proto__.x=y',
      'fields=metadata.annotations.__proto__',
    ]) {
      expect({ query, status: (await fetch(`${base}/api/catalog/entities?${query}`, as(READER))).status }).toEqual({
        query,
        status: 400,
      });
    }
    const created = await fetch(
      `${base}/api/todo/todos`,
      as(READER, { method: 'POST', body: JSON.stringify({ title: 'still works' }) }),
    );
    expect(created.status).toBe(201);
  });

  it('refuses a forged cursor that carries more than a fresh query may', async () => {
    const conditions = Array.from({ length: 160 }, (_, i) => `metadata.name=n${i}`).join(',');
    const asObjects = conditions.split(',').map((c) => ({ key: 'metadata.name', value: c.split('=')[1] }));
    // The query written out as parameters (what cursors hold now) and as parsed conditions (what they held before).
    for (const cursor of [
      { offset: 0, filter: [conditions] },
      { after: 'component:default/good-one', filter: [conditions] },
      { after: 'component:default/good-one', filter: [asObjects] },
    ]) {
      const forged = Buffer.from(JSON.stringify(cursor)).toString('base64url');
      const started = Date.now();
      const response = await fetch(`${base}/api/catalog/entities/by-query?cursor=${forged}`, as(READER));
      expect(response.status).toBe(400);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    expect(
      (await fetch(`${base}/api/todo/todos?cursor=${Buffer.from('{"at":1e308}').toString('base64url')}`, as(READER)))
        .status,
    ).toBe(400);
  });

  it('answers NUL characters and integers beyond a column with 400 on PostgreSQL', async () => {
    expect(
      (
        await fetch(
          `${base}/api/todo/todos`,
          as(READER, { method: 'POST', body: JSON.stringify({ title: 'a\u0000b' }) }),
        )
      ).status,
    ).toBe(400);
    const todo = (await (
      await fetch(
        `${base}/api/todo/todos`,
        as(READER, { method: 'POST', body: JSON.stringify({ title: 'versioned' }) }),
      )
    ).json()) as { id: string };
    const put = await fetch(
      `${base}/api/todo/todos/${todo.id}`,
      as(READER, { method: 'PUT', body: JSON.stringify({ title: 'x', status: 'done', version: 2 ** 31 }) }),
    );
    expect(put.status).toBe(400);
    expect((await fetch(`${base}/api/catalog/entities?filter=metadata.name=a%00b`, as(READER))).status).toBe(400);
  });

  it('keeps metric series bounded under unauthenticated junk paths', async () => {
    for (let i = 0; i < 2000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => fetch(`${base}/api/junk-${i + j}/x`).then((r) => r.arrayBuffer())),
      );
      await Promise.all(
        Array.from({ length: 5 }, (_, j) => fetch(`${base}/.trellis/junk-${i + j}`).then((r) => r.arrayBuffer())),
      );
    }
    const text = await (
      await fetch(`${base}/.trellis/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })
    ).text();
    const series = text.split('\n').filter((line) => line.startsWith('trellis_http_requests_total{'));
    expect(series.length).toBeLessThan(30);
    expect(text).not.toContain('junk-');
  });

  it('refuses an oversize body before it is sent, and JSON that is not UTF-8', async () => {
    const oversize = await rawHttpRequest({
      port,
      data: 'POST /api/todo/todos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n',
      timeoutMs: 10_000,
    });
    expect(oversize.timedOut).toBe(false);
    expect(oversize.status).toBe(413);
    const utf16 = await fetch(
      `${base}/api/todo/todos`,
      as(READER, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-16' },
        body: Buffer.from('{"title":"x"}', 'utf16le'),
      }),
    );
    expect(utf16.status).toBe(415);
  });

  it('lets only operators use the scheduler endpoints', async () => {
    expect((await fetch(`${base}/api/catalog/.trellis/scheduler/tasks`, as(READER))).status).toBe(403);
    expect((await fetch(`${base}/api/catalog/.trellis/scheduler/tasks`, as(OPS))).status).toBe(200);
  });

  it('gives a locked table a 503 within the statement timeout while other plugins go on', async () => {
    let locker: Knex | undefined;
    let release: (() => void) | undefined;
    try {
      locker = knexFactory({
        client: 'pg',
        connection: { host: '127.0.0.1', user: 'postgres', database },
        pool: { min: 0, max: 1 },
      });
      const held = new Promise<void>((resolve) => (release = resolve));
      const locked = new Promise<void>((resolve, reject) => {
        locker!
          .transaction(async (trx) => {
            await trx.raw('lock table todo.todos in access exclusive mode');
            resolve();
            await held;
          })
          .catch(reject);
      });
      await locked;
      const blocked = Array.from({ length: 4 }, () =>
        fetch(`${base}/api/todo/todos`, as(READER)).then((r) => r.status),
      );
      // Meanwhile the catalog, on the same shared pool, answers.
      expect((await fetch(`${base}/api/catalog/entities/by-ref/component:default/good-one`, as(READER))).status).toBe(
        200,
      );
      expect(await Promise.all(blocked)).toEqual([503, 503, 503, 503]);
    } finally {
      release?.();
      await locker?.destroy();
    }
    expect((await fetch(`${base}/api/todo/todos`, as(READER))).status).toBe(200);
  });

  it('writes JSON log lines with ISO timestamps and keeps a client request id apart', async () => {
    const response = await fetch(`${base}/api/example/hello`, { headers: { 'x-request-id': 'client-chosen-id-42' } });
    expect(response.headers.get('x-request-id')).not.toBe('client-chosen-id-42');
    const line = await until('the request log line', async () =>
      output.split('\n').find((l) => l.includes('client-chosen-id-42')),
    );
    const entry = JSON.parse(line);
    expect(entry.clientRequestId).toBe('client-chosen-id-42');
    expect(new Date(entry.timestamp).toISOString()).toBe(entry.timestamp);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  });
});

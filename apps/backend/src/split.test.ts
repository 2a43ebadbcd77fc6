import { TestDatabases } from '@trellis/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnBackend, SpawnedBackend, waitForStatus } from '../test/spawnBackend';

const TOKEN = 'split-test-token-0123456789abcdef';
const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');
const running: SpawnedBackend[] = [];

afterAll(async () => {
  for (const backend of running) {
    if (backend.child.exitCode === null) {
      backend.child.kill('SIGKILL');
      await backend.exited;
    }
  }
});

/** A config folder for one part of the deployment; both parts run the same build (src/index.ts). */
function configDir(lines: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-split-'));
  fs.writeFileSync(path.join(dir, 'app-config.yaml'), [...lines, ''].join('\n'));
  return dir;
}

// The catalog on one backend, everything else on another, one PostgreSQL database in schema
// mode, each plugin keeping its own per-instance keys: the todo plugin reaches the catalog only
// over the network through discovery, and the catalog verifies the todo plugin's tokens with the
// keys the main backend publishes for it.
(postgres ? describe : describe.skip)('split deployment: the catalog on its own backend', () => {
  let main: { port: number; process: SpawnedBackend };
  let catalog: { port: number; process: SpawnedBackend };
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const todo = (body: unknown) =>
    fetch(`http://127.0.0.1:${main.port}/api/todo/todos`, { method: 'POST', headers, body: JSON.stringify(body) });

  beforeAll(async () => {
    const database = await databases.createPostgresDatabase();
    const ports = { main: await freePort(), catalog: await freePort() };
    const entities = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-split-entities-'));
    fs.writeFileSync(
      path.join(entities, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: split-demo }\nspec: { type: service, lifecycle: production, owner: platform }\n',
    );
    const common = (port: number) => [
      'backend:',
      `  listen: { port: ${port}, host: 127.0.0.1 }`,
      `  baseUrl: http://127.0.0.1:${port}`,
      '  logger: { level: info }',
      `  database: { client: pg, pluginDivisionMode: schema, connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${database} } }`,
      '  auth:',
      '    externalAccess:',
      `      - { type: static, options: { token: ${TOKEN}, subject: split-test } }`,
    ];
    const catalogDir = configDir([
      ...common(ports.catalog),
      '  plugins: { include: [catalog] }',
      'discovery:',
      `  endpoints: [{ target: "http://127.0.0.1:${ports.main}/api/{{pluginId}}", plugins: [todo, example] }]`,
      'catalog:',
      `  locations: [{ type: file, target: ${JSON.stringify(path.join(entities, 'catalog-info.yaml'))} }]`,
    ]);
    const mainDir = configDir([
      ...common(ports.main),
      '  plugins: { exclude: [catalog] }',
      'discovery:',
      `  endpoints: [{ target: "http://127.0.0.1:${ports.catalog}/api/{{pluginId}}", plugins: [catalog] }]`,
    ]);
    main = { port: ports.main, process: spawnBackend('src/index.ts', { cwd: mainDir }) };
    catalog = { port: ports.catalog, process: spawnBackend('src/index.ts', { cwd: catalogDir }) };
    running.push(main.process, catalog.process);
    await Promise.all([
      waitForStatus(`http://127.0.0.1:${ports.main}/.trellis/health/v1/readiness`, 200, main.process, 40_000),
      waitForStatus(`http://127.0.0.1:${ports.catalog}/.trellis/health/v1/readiness`, 200, catalog.process, 40_000),
    ]);
    for (let i = 0; i < 200; i++) {
      // Polled through the list route, so every by-ref call in the catalog's log is the todo plugin's.
      const found = await fetch(
        `http://127.0.0.1:${ports.catalog}/api/catalog/entities/by-query?filter=metadata.name=split-demo`,
        { headers },
      );
      if (((await found.json()) as any).totalItems === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  it('hosts each plugin on its own backend only', async () => {
    const mainHealth = (await (
      await fetch(`http://127.0.0.1:${main.port}/.trellis/health/v1/readiness`)
    ).json()) as any;
    const catalogHealth = (await (
      await fetch(`http://127.0.0.1:${catalog.port}/.trellis/health/v1/readiness`)
    ).json()) as any;
    expect(Object.keys(mainHealth.plugins).sort()).toEqual(['example', 'permission', 'todo']);
    expect(Object.keys(catalogHealth.plugins)).toEqual(['catalog']);
    expect((await fetch(`http://127.0.0.1:${main.port}/api/catalog/entities`, { headers })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${catalog.port}/api/todo/todos`, { headers })).status).toBe(404);
  });

  it('creates a todo whose entity ref the catalog confirmed over the network with a verified plugin token', async () => {
    const created = await todo({ title: 'split', entityRef: 'component:default/split-demo' });
    expect(created.status).toBe(201);
    expect(((await created.json()) as any).entityRef).toBe('component:default/split-demo');
    const refused = await todo({ title: 'split', entityRef: 'component:default/not-there' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error.message).toContain('component:default/not-there');
    // Both checks reached the catalog's process (only the todo plugin asks it for refs here), and
    // the catalog answered them instead of refusing them: it refuses a call without a valid token.
    const byRefsLines = () =>
      catalog.process
        .output()
        .split('\n')
        .filter((line) => line.includes('POST /api/catalog/entities/by-refs'));
    for (let i = 0; i < 400 && byRefsLines().length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50)); // log lines arrive through a pipe
    }
    expect(byRefsLines().filter((line) => line.includes('status=200'))).toHaveLength(2);
    expect(
      (await fetch(`http://127.0.0.1:${catalog.port}/api/catalog/entities/by-ref/component:split-demo`)).status,
    ).toBe(401);
    const forged = { authorization: 'Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6IngifQ.eyJpc3MiOiJwbHVnaW46dG9kbyJ9.c2ln' };
    expect(
      (
        await fetch(`http://127.0.0.1:${catalog.port}/api/catalog/entities/by-ref/component:split-demo`, {
          headers: forged,
        })
      ).status,
    ).toBe(401);
  });

  it('answers 503 for a todo with an entity ref while the catalog backend is down', async () => {
    catalog.process.child.kill('SIGTERM');
    await catalog.process.exited;
    const created = await todo({ title: 'no catalog', entityRef: 'component:default/split-demo' });
    expect(created.status).toBe(503);
    expect((await todo({ title: 'no ref needed' })).status).toBe(201);
  });
});

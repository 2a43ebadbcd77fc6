import { TestDatabases } from '@trellis/backend-test-utils';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { productionEnv } from '../test/productionEnv';
import { freePort } from '../test/spawnBackend';

const TOKEN = 'deploy-test-token-0123456789abcdef';
const root = path.resolve(__dirname, '../../..');
const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');

(postgres ? it : it.skip)(
  'the production artifact runs from a clean folder with plain node against PostgreSQL, and stops cleanly',
  async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-deploy-'));
    const out = path.join(scratch, 'app');
    const build = spawnSync(
      process.execPath,
      [path.join(root, 'scripts/build-app.mjs'), 'apps/backend', '--out', out],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(build.status).toBe(0);
    expect(build.stdout).toMatch(/production packages/);
    // Strict mode holds only when "use strict" is the first statement of the wrapper's body.
    const bundle = fs.readFileSync(path.join(out, 'app.js'), 'utf8');
    expect(bundle).toMatch(/^\(function \(exports, require, module, __filename, __dirname\) \{"use strict";/);
    // One copy of a package version, though the install nests mime-db 1.54.0 under four parents.
    expect(bundle.match(/node_modules\/mime-db\/db\.json/g)).toHaveLength(1);
    const installed = fs.readdirSync(path.join(out, 'node_modules'));
    for (const devOnly of ['typescript', 'tsx', 'nx', 'jest', 'esbuild']) {
      expect(installed).not.toContain(devOnly);
    }

    const port = await freePort();
    fs.writeFileSync(
      path.join(scratch, 'deploy.yaml'),
      [
        'backend:',
        '  listen: { host: 127.0.0.1 }',
        '  auth:',
        '    externalAccess:',
        `      - { type: static, options: { token: ${TOKEN}, subject: deploy-test } }`,
        'catalog:',
        `  locations: [{ type: file, target: ${JSON.stringify(path.join(root, 'examples/catalog/catalog-info.yaml'))} }]`,
        '',
      ].join('\n'),
    );
    const env = productionEnv({ port, database: await databases.createPostgresDatabase() });
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', 'index.js', '--config', path.join(scratch, 'deploy.yaml')],
      {
        cwd: out,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        const ready = await fetch(`${base}/.trellis/health/v1/readiness`).catch(() => undefined);
        if (ready?.status === 200) break;
        if (child.exitCode !== null) throw new Error(output);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await (await fetch(`${base}/api/example/hello`)).json()).toEqual({ message: 'Hello from Trellis!' });
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/todo/todos`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: 'deployed' }),
      });
      expect(created.status).toBe(201);
      expect(((await created.json()) as any).createdBy).toBe('deploy-test');
      expect((await fetch(`${base}/api/todo/todos`)).status).toBe(401);
      // The catalog and its OpenAPI module run from the bundle: the sample catalog is read, an
      // API's definition file attached, and the todo plugin checks entity refs against it.
      let api: Response | undefined;
      for (let i = 0; i < 100 && api?.status !== 200; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        api = await fetch(`${base}/api/catalog/entities/by-ref/api:default/orders-api`, { headers });
      }
      expect(api!.status).toBe(200);
      expect(((await api!.json()) as any).spec.definition).toMatch(/openapi: ['"]?3\./);
      const withRef = await fetch(`${base}/api/todo/todos`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: 'on the catalog', entityRef: 'component:default/orders-service' }),
      });
      expect(withRef.status).toBe(201);
      const firstLine = output.split('\n').find((l) => l.trim());
      expect(() => JSON.parse(firstLine!)).not.toThrow();
      const health = spawnSync(process.execPath, ['healthcheck.js'], { cwd: out, env: { PORT: String(port) } });
      expect(health.status).toBe(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  },
  60_000,
);

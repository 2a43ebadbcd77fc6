import { TestDatabases } from '@trellis/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { dockerBuildStageJourney, dockerfileNodeMajor } from './dockerJourney';
import { sh, shOk, startService } from './shell';
import { journeyNodes, repoRoot, userEnv, userToolchain, UserToolchain } from './toolchain';
import { cloneWorkingTree, removeScratch, scratchDir } from './workspace';
import { freePort } from '@trellis/test-kit';

// The journeys of docs/journeys.md: what README.md and docs/*.md tell a user to type, typed
// verbatim in a fresh clone, with a Yarn installed as a plain global package (not run by npm),
// on this machine's Node and on Node 24 from the registry. Each step waits for what the user
// waits for (an answer on the port, an exit code), with deadlines that fail loudly.

const TOKEN = 'journeys-token-0123456789abcdef';
const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');

describe.each(journeyNodes())('journeys on Node %s', (choice) => {
  let toolchain: UserToolchain;
  let scratch: string;
  let clone: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  const base = () => `http://127.0.0.1:${port}`;
  const run = (command: string, timeoutMs?: number) => shOk(command, { cwd: clone, env, timeoutMs });
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    toolchain = userToolchain(choice);
    scratch = scratchDir(`node${toolchain.nodeMajor}`);
    clone = cloneWorkingTree(path.join(scratch, 'trellis'));
    env = userEnv(toolchain);
    port = await freePort();
    // The README's place for local settings: a free port instead of 7007, and a static token.
    fs.writeFileSync(
      path.join(clone, 'app-config.local.yaml'),
      [
        'backend:',
        `  baseUrl: http://127.0.0.1:${port}`,
        `  listen: { port: ${port} }`,
        '  auth:',
        '    externalAccess:',
        `      - { type: static, options: { token: ${TOKEN}, subject: journeys } }`,
        '',
      ].join('\n'),
    );
  });

  afterAll(() => removeScratch(scratch));

  it('uses the Node and the plain Yarn it was given', async () => {
    expect(await run('node --version')).toMatch(new RegExp(`^v${toolchain.nodeMajor}\\.`));
    expect(await run('command -v yarn')).toContain(toolchain.yarnBinDir);
    expect(await run('yarn --version')).toMatch(/^4\./);
  });

  it('yarn install installs the workspace and builds the SQLite driver for this Node', async () => {
    await run('yarn install', 15 * 60_000);
    const loaded = await run(
      `node -e "console.log(new (require('better-sqlite3'))(':memory:').prepare('select 7 as x').get().x)"`,
    );
    // FORCE_COLOR (set by Nx for its tasks, or in a user's shell) colours the number.
    expect(plain(loaded).trim()).toBe('7');
  });

  it('npm run dev serves GET /api/example/hello', async () => {
    const dev = await startService('npm run dev', `${base()}/api/example/hello`, { cwd: clone, env });
    try {
      expect(await (await fetch(`${base()}/api/example/hello`)).json()).toEqual({ message: 'Hello from Trellis!' });
    } finally {
      await dev.stop();
    }
  });

  it('yarn start backend serves the example, todo and catalog plugins', async () => {
    const backend = await startService('yarn start backend', `${base()}/.trellis/health/v1/readiness`, {
      cwd: clone,
      env,
    });
    try {
      expect(await (await fetch(`${base()}/api/example/hello`)).json()).toEqual({ message: 'Hello from Trellis!' });
      const todo = await post(`${base()}/api/todo/todos`, { title: 'from the journey' });
      expect(todo.status).toBe(201);
      expect((await fetch(`${base()}/api/todo/todos`)).status).toBe(401);
    } finally {
      await backend.stop();
    }
  });

  it('yarn start example runs the example plugin alone', async () => {
    const example = await startService('yarn start example', `${base()}/api/example/hello`, { cwd: clone, env });
    try {
      expect((await fetch(`${base()}/api/todo/todos`)).status).toBe(404);
    } finally {
      await example.stop();
    }
  });

  it('yarn new adds a plugin, its node-library and a module, and the backend serves them', async () => {
    await run('yarn new backend-plugin --id=billing');
    await run('yarn new node-library --id=billing');
    await run('yarn new backend-module --pluginId=billing --moduleId=shouting');
    const backend = await startService('yarn start backend', `${base()}/.trellis/health/v1/readiness`, {
      cwd: clone,
      env,
    });
    try {
      const greeting = await post(`${base()}/api/billing/greetings`, { name: 'Grace' });
      expect(greeting.status).toBe(201);
      expect(await greeting.json()).toEqual({ greeting: 'Hello from billing, Grace (with shouting)' });
    } finally {
      await backend.stop();
    }
  });

  it('yarn start billing runs the new plugin alone, and yarn nx test billing passes', async () => {
    const billing = await startService('yarn start billing', `${base()}/.trellis/health/v1/readiness`, {
      cwd: clone,
      env,
    });
    try {
      expect((await post(`${base()}/api/billing/greetings`, { name: 'Ada' })).status).toBe(201);
      expect((await fetch(`${base()}/api/example/hello`)).status).toBe(404);
    } finally {
      await billing.stop();
    }
    expect(plain(await run('yarn nx test billing'))).toMatch(/Tests:\s+2 passed, 2 total/);
  });

  (postgres ? it : it.skip)(
    'yarn build backend makes an artifact that serves in production mode on PostgreSQL from outside the repository',
    async () => {
      await run('yarn build backend');
      const app = path.join(scratch, 'deployed');
      fs.cpSync(path.join(clone, 'dist/apps/backend'), app, { recursive: true });
      fs.writeFileSync(path.join(scratch, 'site.yaml'), siteConfig(clone));
      // docs/deploy.md: cd dist/apps/backend; NODE_ENV=production POSTGRES_HOST=... node --enable-source-maps index.js --config ...
      const command =
        `NODE_ENV=production PORT=${port} POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=5432 POSTGRES_USER=postgres ` +
        `POSTGRES_DB=${await databases.createPostgresDatabase()} REDIS_URL=redis://127.0.0.1:6379 ` +
        `node --enable-source-maps index.js --config ../site.yaml`;
      const server = await startService(command, `${base()}/.trellis/health/v1/readiness`, { cwd: app, env });
      try {
        expect(await (await fetch(`${base()}/api/example/hello`)).json()).toEqual({ message: 'Hello from Trellis!' });
        expect((await post(`${base()}/api/todo/todos`, { title: 'deployed' })).status).toBe(201);
        expect((await sh('node healthcheck.js', { cwd: app, env: { ...env, PORT: String(port) } })).code).toBe(0);
        expect(await server.stop('SIGTERM')).toBe(0);
      } finally {
        await server.stop();
      }
    },
  );

  const dockerMajor = dockerfileNodeMajor(path.join(repoRoot, 'apps/backend/Dockerfile'));
  (postgres && dockerMajor === toolchainMajor(choice) ? it : it.skip)(
    `the Dockerfile builds an image that serves (its steps run in order on Node ${dockerMajor})`,
    async () => {
      await dockerBuildStageJourney({
        toolchain,
        env,
        scratch,
        port,
        postgresDb: await databases.createPostgresDatabase(),
      });
    },
  );

  (choice === 'machine' ? it : it.skip)('corepack gives the Yarn that packageManager names', async () => {
    const shims = path.join(scratch, 'corepack-bin');
    fs.mkdirSync(shims);
    await run(`corepack enable --install-directory ${shims}`);
    // This machine reaches only the package registries; corepack downloads Yarn from there when told.
    const registry = (await shOk('npm config get registry', { cwd: scratch, env })).trim().replace(/\/$/, '');
    const corepackEnv = {
      ...env,
      PATH: `${shims}${path.delimiter}${env.PATH}`,
      COREPACK_NPM_REGISTRY: registry,
      COREPACK_HOME: path.join(scratch, 'corepack'),
    };
    expect(await shOk('command -v yarn', { cwd: clone, env: corepackEnv })).toContain(shims);
    // Its first run says where it downloads from before the version.
    expect((await shOk('yarn --version', { cwd: clone, env: corepackEnv })).trim().split('\n').at(-1)).toBe(
      packageManagerYarn(),
    );
    await shOk('yarn install', { cwd: clone, env: corepackEnv });
  });
});

/** Text without terminal colour codes. */
function plain(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function toolchainMajor(choice: 'machine' | number): number {
  return choice === 'machine' ? Number(process.versions.node.split('.')[0]) : choice;
}

function packageManagerYarn(): string {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).packageManager.replace(/^yarn@/, '');
}

/** The site config of docs/deploy.md's example: a static token, the sample catalog. */
function siteConfig(clone: string): string {
  return [
    'backend:',
    '  listen: { host: 127.0.0.1 }',
    '  auth:',
    '    externalAccess:',
    `      - { type: static, options: { token: ${TOKEN}, subject: journeys } }`,
    'catalog:',
    `  locations: [{ type: file, target: ${JSON.stringify(path.join(clone, 'examples/catalog/catalog-info.yaml'))} }]`,
    '',
  ].join('\n');
}

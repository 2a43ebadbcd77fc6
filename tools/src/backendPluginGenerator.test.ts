import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createScratchWorkspace, linkWorkspacePackage, repoRoot, runTool } from './scratchWorkspace';
import { freePort } from '@trellis/test-kit';

const NX = 'nx/dist/bin/nx.js';
let dir: string;

beforeAll(() => {
  dir = createScratchWorkspace();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('yarn new backend-plugin', () => {
  it('refuses bad IDs and taken IDs, writing nothing', () => {
    const before = fs.readFileSync(path.join(dir, 'apps/backend/src/index.ts'), 'utf8');
    const bad = runTool(dir, NX, ['g', '@trellis/tools:backend-plugin', '--id=Bad_Id', '--skipInstall']);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain("Invalid plugin ID 'Bad_Id'");
    const taken = runTool(dir, NX, ['g', '@trellis/tools:backend-plugin', '--id=todo', '--skipInstall']);
    expect(taken.status).not.toBe(0);
    expect(taken.output).toContain("Plugin 'todo' already exists at plugins/todo-backend");
    expect(fs.readFileSync(path.join(dir, 'apps/backend/src/index.ts'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, 'plugins/Bad_Id-backend'))).toBe(false);
    const orphan = runTool(dir, NX, [
      'g',
      '@trellis/tools:backend-module',
      '--pluginId=nope',
      '--moduleId=extra',
      '--skipInstall',
    ]);
    expect(orphan.status).not.toBe(0);
    expect(orphan.output).toContain("Plugin 'nope' does not exist");
    const noExtensionPoint = runTool(dir, NX, [
      'g',
      '@trellis/tools:backend-module',
      '--pluginId=todo',
      '--moduleId=extra',
      '--skipInstall',
    ]);
    expect(noExtensionPoint.output).toContain('has no node-library with an extension point');
    expect(fs.existsSync(path.join(dir, 'plugins/todo-backend-module-extra'))).toBe(false);
  });

  it('generates a plugin that type-checks, lints, passes its tests and is served by the backend, with no edits', async () => {
    const generated = runTool(dir, NX, [
      'g',
      '@trellis/tools:backend-plugin',
      '--id=billing',
      '--database',
      '--nodeLibrary',
      '--skipInstall',
    ]);
    expect(generated.status).toBe(0);
    const module = runTool(dir, NX, [
      'g',
      '@trellis/tools:backend-module',
      '--pluginId=billing',
      '--moduleId=shouting',
      '--skipInstall',
    ]);
    expect(module.status).toBe(0);
    const pluginDir = path.join(dir, 'plugins/billing-backend');
    const nodeDir = path.join(dir, 'libs/billing-node');
    const moduleDir = path.join(dir, 'plugins/billing-backend-module-shouting');
    for (const pkg of [pluginDir, nodeDir, moduleDir]) {
      linkWorkspacePackage(dir, pkg);
    }
    expect(fs.readFileSync(path.join(dir, 'apps/backend/src/index.ts'), 'utf8')).toContain(
      "backend.add(import('@trellis/plugin-billing-backend'));",
    );
    expect(fs.readFileSync(path.join(dir, 'app-config.yaml'), 'utf8')).toMatch(
      /^billing:\n  greeting: Hello from billing$/m,
    );

    const again = runTool(dir, NX, ['g', '@trellis/tools:backend-plugin', '--id=billing', '--skipInstall']);
    expect(again.status).not.toBe(0);
    expect(
      fs.readFileSync(path.join(dir, 'apps/backend/src/index.ts'), 'utf8').match(/plugin-billing-backend'/g),
    ).toHaveLength(1);

    fs.writeFileSync(
      path.join(dir, 'tsconfig.generated.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        include: ['plugins/billing-backend*/**/*.ts', 'libs/billing-node/**/*.ts', 'apps/backend/src/**/*.ts'],
      }),
    );
    const tsc = runTool(dir, 'typescript/bin/tsc', ['-p', 'tsconfig.generated.json']);
    expect(tsc.output.trim()).toBe('');
    expect(tsc.status).toBe(0);

    runTool(dir, NX, ['show', 'projects']);
    const lint = runTool(dir, 'eslint/bin/eslint.js', [
      '--max-warnings=0',
      'plugins/billing-backend',
      'plugins/billing-backend-module-shouting',
      'libs/billing-node',
    ]);
    expect(lint.output.trim()).toBe('');
    expect(lint.status).toBe(0);
    // `yarn lint` also checks formatting: generated code must already be formatted.
    const format = runTool(dir, 'prettier/bin/prettier.cjs', [
      '--check',
      '--log-level=warn',
      'plugins/billing-backend',
      'plugins/billing-backend-module-shouting',
      'libs/billing-node',
      'apps/backend',
      'app-config.yaml',
    ]);
    expect(format.output.trim()).toBe('');
    expect(format.status).toBe(0);

    for (const [project, count] of [
      [pluginDir, 2],
      [nodeDir, 1],
      [moduleDir, 1],
    ] as const) {
      const test = runTool(project, 'jest/bin/jest.js', ['--ci']);
      expect(test.output).toMatch(new RegExp(`Tests:\\s+${count} passed, ${count} total`));
      expect(test.status).toBe(0);
    }

    const port = await freePort();
    const token = 'generator-test-token-0123456789';
    fs.writeFileSync(
      path.join(dir, 'app-config.local.yaml'),
      `backend:\n  listen: { port: ${port}, host: 127.0.0.1 }\n  database: { client: better-sqlite3, connection: ':memory:' }\n  auth:\n    externalAccess:\n      - { type: static, options: { token: ${token}, subject: generator-test } }\n`,
    );
    const tsx = pathToFileURL(require.resolve('tsx', { paths: [repoRoot] })).href;
    const child = spawn(
      process.execPath,
      ['--conditions=@trellis/source', '--import', tsx, 'apps/backend/src/index.ts'],
      {
        cwd: dir,
        env: { ...process.env, NODE_ENV: 'test' },
        stdio: 'ignore',
      },
    );
    try {
      let status = 0;
      for (let i = 0; i < 150 && status !== 200; i++) {
        status =
          (await fetch(`http://127.0.0.1:${port}/.trellis/health/v1/readiness`).catch(() => undefined))?.status ?? 0;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      const response = await fetch(`http://127.0.0.1:${port}/api/billing/greetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Grace' }),
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ greeting: 'Hello from billing, Grace (with shouting)', stored: 1 });
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('module boundaries', () => {
  it('fail lint with a message saying what to do instead', () => {
    const file = path.join(dir, 'plugins/example-backend/src/violation.ts');
    fs.writeFileSync(
      file,
      [
        "import winston from 'winston';",
        "import todo from '@trellis/plugin-todo-backend';",
        "import type { InternalServiceRef } from '@trellis/backend-plugin-api/internal';",
        "import { createSpecializedBackend } from '@trellis/backend-app-api';",
        'export const all: unknown[] = [winston, todo, createSpecializedBackend];',
        'export type Hidden = InternalServiceRef;',
        '',
      ].join('\n'),
    );
    try {
      runTool(dir, NX, ['show', 'projects']);
      const lint = runTool(dir, 'eslint/bin/eslint.js', ['plugins/example-backend/src/violation.ts']);
      expect(lint.status).toBe(1);
      expect(lint.output).toContain('Plugins log through coreServices.logger; do not import winston');
      expect(lint.output).toContain(
        'Plugins and modules never import a plugin: call it over HTTP through its node-library client',
      );
      expect(lint.output).toContain('Import a package only through its entry point');
      expect(lint.output).toContain('A project tagged with "type:plugin" can only depend on libs tagged with');
    } finally {
      fs.rmSync(file);
    }
  });
});

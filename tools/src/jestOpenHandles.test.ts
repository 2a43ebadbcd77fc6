import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const jestBin = require.resolve('jest/bin/jest', { paths: [root] });

/** Runs Jest with the repository's preset on one test file; resolves with its exit code and output. */
async function runJest(testSource: string): Promise<{ code: number | null; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-open-handles-'));
  try {
    fs.writeFileSync(path.join(dir, 'fixture.test.ts'), testSource);
    fs.writeFileSync(
      path.join(dir, 'jest.config.js'),
      `module.exports = { preset: ${JSON.stringify(path.join(root, 'jest-preset.js'))}, rootDir: __dirname };\n`,
    );
    const child = spawn(process.execPath, [jestBin, '--config', path.join(dir, 'jest.config.js'), '--ci'], {
      cwd: dir,
      env: { ...process.env, TRELLIS_JEST_EXIT_GRACE_MS: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the Jest preset without forceExit', () => {
  it('fails a run that leaves a server open, naming what was left', async () => {
    const { code, output } = await runJest(`
      import http from 'node:http';
      it('starts a server and forgets it', async () => {
        const server = http.createServer();
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      });
    `);
    expect(output).toContain('1 passed');
    expect(output).toMatch(/Jest did not exit 1 s after the run completed: a test left open .*TCPServerWrap/);
    expect(code).toBe(1);
  });

  it('lets a run that closes what it opens exit with 0', async () => {
    const { code, output } = await runJest(`
      import http from 'node:http';
      it('starts a server and closes it', async () => {
        const server = http.createServer();
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        await new Promise((resolve) => server.close(resolve));
      });
    `);
    expect(output).not.toContain('did not exit');
    expect(code).toBe(0);
  });
});

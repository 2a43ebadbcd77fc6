import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnBackend, SpawnedBackend, waitForStatus } from '../test/spawnBackend';

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-backend-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('the backend process', () => {
  let backend: SpawnedBackend | undefined;

  afterEach(async () => {
    if (backend && backend.child.exitCode === null) {
      backend.child.kill('SIGKILL');
      await backend.exited;
    }
    backend = undefined;
  });

  it('serves the example plugin, turns ready, and finishes in-flight requests on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const cwd = workspace({
      'app-config.yaml': `backend:\n  listen:\n    port: ${port}\n    host: 127.0.0.1\n  database:\n    client: better-sqlite3\n    connection: ':memory:'\nexample:\n  message: from the e2e test\n`,
    });
    backend = spawnBackend('test/fixtures/slow-backend.ts', { cwd });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/.trellis/health/v1/readiness`, 200, backend);
    const hello = await fetch(`${base}/api/example/hello`);
    expect(await hello.json()).toEqual({ message: 'from the e2e test' });
    expect(backend.output()).toMatch(/Hello from example plugin/);

    const inFlight = Array.from({ length: 5 }, () => fetch(`${base}/api/slow/wait?ms=1500`).then((r) => r.json()));
    await untilWaiting(base, 5);
    backend.child.kill('SIGTERM');
    await expect(Promise.all(inFlight)).resolves.toEqual(Array(5).fill({ waited: 1500 }));
    expect(await backend.exited).toBe(0);
    await expect(fetch(`${base}/api/example/hello`)).rejects.toThrow();
  });

  it('answers readiness 503 while shutting down and liveness 200 until the end', async () => {
    const port = await freePort();
    const cwd = workspace({
      'app-config.yaml': `backend:\n  listen:\n    port: ${port}\n    host: 127.0.0.1\n  lifecycle:\n    serverShutdownDelayMs: 5000\n  database:\n    client: better-sqlite3\n    connection: ':memory:'\n`,
    });
    backend = spawnBackend('test/fixtures/slow-backend.ts', { cwd });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/.trellis/health/v1/readiness`, 200, backend);
    backend.child.kill('SIGTERM');
    // The window is wide so a busy machine (CI runs every project at once) still sees it.
    await waitForStatus(`${base}/.trellis/health/v1/readiness`, 503, backend, 4500);
    expect((await fetch(`${base}/.trellis/health/v1/liveness`)).status).toBe(200);
    expect(await backend.exited).toBe(0);
  });

  it('exits 1 when shutdown outlasts backend.lifecycle.shutdownTimeoutMs', async () => {
    const port = await freePort();
    const cwd = workspace({
      'app-config.yaml': `backend:\n  listen:\n    port: ${port}\n    host: 127.0.0.1\n  lifecycle:\n    shutdownTimeoutMs: 500\n`,
    });
    backend = spawnBackend('test/fixtures/slow-backend.ts', { cwd });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/.trellis/health/v1/readiness`, 200, backend);
    const slow = fetch(`${base}/api/slow/wait?ms=5000`).catch(() => 'cut');
    await untilWaiting(base, 1);
    backend.child.kill('SIGTERM');
    expect(await backend.exited).toBe(1);
    expect(backend.output()).toMatch(/TRELLIS_ERR_SHUTDOWN_TIMEOUT/);
    expect(await slow).toBe('cut');
  });

  it('exits 1 naming the file and line when a config file is malformed', async () => {
    const cwd = workspace({
      'app-config.yaml': 'backend:\n  listen:\n    port: 0\n',
      'broken.yaml': 'backend:\n  listen: [unclosed\n  port: 1\n',
    });
    backend = spawnBackend('src/index.ts', { cwd, args: ['--config', 'broken.yaml'] });
    expect(await backend.exited).toBe(1);
    expect(backend.output()).toMatch(/broken\.yaml/);
    expect(backend.output()).toMatch(/line \d+/i);
  });

  it('exits 1 naming the plugin and key when its config violates the schema', async () => {
    const cwd = workspace({
      'app-config.yaml': 'backend:\n  listen:\n    port: 0\n    host: 127.0.0.1\nexample:\n  message: ""\n',
    });
    backend = spawnBackend('src/index.ts', { cwd });
    expect(await backend.exited).toBe(1);
    expect(backend.output()).toMatch(/example/);
    expect(backend.output()).toMatch(/example\.message/);
    expect(backend.output()).toMatch(/app-config\.yaml/);
  });
});

/** Waits until the slow plugin holds `count` requests, so a signal finds them in flight. */
async function untilWaiting(base: string, count: number): Promise<void> {
  for (const deadline = Date.now() + 20_000; ;) {
    const { waiting } = (await (await fetch(`${base}/api/slow/waiting`)).json()) as { waiting: number };
    if (waiting >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${waiting} of ${count} requests reached the slow plugin in 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@trellis/test-kit';

// The production default (JSON lines to standard output) in a real process whose standard output
// is a pipe: request lines go past winston into a buffer that is written asynchronously, so a
// reader that does not keep up must neither slow requests down nor lose a line.

const REQUESTS = 3000;
const FIXTURE = path.join(__dirname, 'testing/requestLogServer.ts');

interface Server {
  child: ChildProcess;
  baseUrl: string;
  /** Resolves with every line of standard output once the process has exited. */
  exited: Promise<{ code: number | null; lines: string[] }>;
  /** Starts reading standard output, slowly: one chunk per timer turn. */
  startReading(): void;
}

async function startServer(dir: string): Promise<Server> {
  const port = await freePort();
  const config = { backend: { listen: { host: '127.0.0.1', port }, logger: { level: 'info', format: 'json' } } };
  fs.writeFileSync(path.join(dir, 'app-config.yaml'), JSON.stringify(config));
  const child = spawn(
    process.execPath,
    ['--conditions=@trellis/source', '--require', require.resolve('tsx/cjs'), FIXTURE],
    {
      cwd: dir,
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  // Nothing reads standard output until the test says so: the pipe fills after 64 KiB.
  child.stdout!.pause();
  const chunks: Buffer[] = [];
  const exited = new Promise<{ code: number | null; lines: string[] }>((resolve) => {
    child.once('close', (code) => resolve({ code, lines: Buffer.concat(chunks).toString('utf8').split('\n') }));
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForReady(child, baseUrl, () => stderr);
  return {
    child,
    baseUrl,
    exited,
    startReading() {
      child.stdout!.on('readable', function read(this: NodeJS.ReadableStream) {
        const chunk = this.read(4096) as Buffer | null;
        if (chunk) {
          chunks.push(chunk);
          setTimeout(() => read.call(this), 1);
        }
      });
    },
  };
}

async function waitForReady(child: ChildProcess, baseUrl: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the backend exited with ${child.exitCode}: ${stderr()}`);
    }
    const response = await fetch(`${baseUrl}/.trellis/health/v1/readiness`).catch(() => undefined);
    if (response?.status === 200) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the backend was not ready within 60 s: ${stderr()}`);
}

async function sendRequests(baseUrl: string, count: number, query = ''): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const response = await fetch(`${baseUrl}/api/probe/hello?n=${n}${query}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function parse(lines: string[]): Array<Record<string, unknown>> {
  return lines.filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('request lines on standard output', () => {
  let dir: string;
  let server: Server | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-request-log-'));
  });

  afterEach(() => {
    server?.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are all written, once each, when the process stops on SIGTERM while nobody read them', async () => {
    server = await startServer(dir);
    // Served while standard output is not read at all: a blocking writer would stall here.
    await sendRequests(server.baseUrl, REQUESTS);
    server.child.kill('SIGTERM');
    server.startReading();
    const { code, lines } = await server.exited;
    expect(code).toBe(0);
    const parsed = parse(lines);
    const requestLines = parsed.filter((line) => String(line.url).startsWith('/api/probe/hello'));
    const seen = new Set(requestLines.map((line) => /n=(\d+)/.exec(String(line.url))![1]));
    expect(requestLines).toHaveLength(REQUESTS);
    expect(seen.size).toBe(REQUESTS);
    expect(requestLines[0]).toEqual({
      component: 'http',
      durationMs: expect.any(Number),
      level: 'info',
      message: expect.stringMatching(/^GET \/api\/probe\/hello\?n=\d+ 200$/),
      method: 'GET',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 200,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      url: expect.stringMatching(/^\/api\/probe\/hello\?n=\d+$/),
    });
    // The plugin's line at shutdown comes after every request line.
    const lastRequest = parsed.lastIndexOf(requestLines[requestLines.length - 1]);
    expect(parsed.slice(lastRequest + 1)).toContainEqual(
      expect.objectContaining({ message: 'probe shutting down', plugin: 'probe' }),
    );
  });

  it("keep their order with the plugin's own lines written during the request", async () => {
    server = await startServer(dir);
    server.startReading();
    await sendRequests(server.baseUrl, 200, '&log=1');
    server.child.kill('SIGTERM');
    const parsed = parse((await server.exited).lines);
    for (let n = 0; n < 200; n++) {
      const handler = parsed.findIndex((line) => line.message === 'handler line' && line.n === String(n));
      const request = parsed.findIndex((line) => line.url === `/api/probe/hello?n=${n}&log=1`);
      expect(handler).toBeGreaterThanOrEqual(0);
      expect(request).toBeGreaterThan(handler);
      expect(parsed[handler]).toMatchObject({ plugin: 'probe', level: 'info' });
    }
  });
});

import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How to start one server under test. */
export interface ServerSpec {
  /** A label for errors. */
  name: string;
  /** The JavaScript file node runs. */
  file: string;
  /** Working directory; its app-config.yaml is the server's whole configuration. */
  cwd: string;
  /** Where its output file goes, when not `cwd`. */
  logDir?: string;
  port: number;
  env?: Record<string, string>;
  /** Arguments after the file. */
  args?: string[];
  /** The PostgreSQL database the server has to itself, if any. */
  postgresDatabase?: string;
  /** A plugin route that must answer 200 (the first response). */
  firstPath: string;
  readyPath: string;
}

const POLL_MS = 2;
// USER_HZ, 100 on every Linux Node supports (getconf CLK_TCK).
const CLOCK_TICKS_PER_SECOND = 100;
const START_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

/** A server process under test, started from spawn to readiness and timed on the way. */
export class ServerProcess {
  readonly #child: ChildProcess;
  readonly #logFile: string;
  readonly baseUrl: string;
  /** `performance.now()` at spawn, to time later events from the start. */
  readonly startedAt: number;
  /** From spawn to the first 200 on the plugin route. */
  readonly firstMs: number;
  /** From spawn to readiness 200. */
  readonly readyMs: number;

  private constructor(
    child: ChildProcess,
    logFile: string,
    baseUrl: string,
    times: { startedAt: number; firstMs: number; readyMs: number },
  ) {
    this.#child = child;
    this.#logFile = logFile;
    this.baseUrl = baseUrl;
    this.startedAt = times.startedAt;
    this.firstMs = times.firstMs;
    this.readyMs = times.readyMs;
  }

  /** Spawns the server and waits for its plugin route and its readiness to answer 200. */
  static async start(spec: ServerSpec): Promise<ServerProcess> {
    const logFile = path.join(spec.logDir ?? spec.cwd, `server-${spec.port}.log`);
    const log = fs.openSync(logFile, 'w');
    const started = performance.now();
    const child = spawn(process.execPath, [spec.file, ...(spec.args ?? [])], {
      cwd: spec.cwd,
      env: { ...process.env, NODE_ENV: 'production', PORT: String(spec.port), ...spec.env },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    running.add(child);
    child.once('exit', () => running.delete(child));
    const baseUrl = `http://127.0.0.1:${spec.port}`;
    try {
      const firstMs = (await waitFor200(child, baseUrl + spec.firstPath)) - started;
      const readyMs = (await waitFor200(child, baseUrl + spec.readyPath)) - started;
      return new ServerProcess(child, logFile, baseUrl, { startedAt: started, firstMs, readyMs });
    } catch (error) {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      throw new Error(`${spec.name} did not start: ${(error as Error).message}\n${tail(logFile)}`);
    }
  }

  /** Resident set size now, in KiB. */
  rssKiB(): number {
    const status = fs.readFileSync(`/proc/${this.#child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  }

  /** CPU time (user and system) the server has used so far, in ms. */
  cpuTimeMs(): number {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses.
    const fields = fs.readFileSync(`/proc/${this.#child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  }

  /** What the server has written to stdout and stderr. */
  output(): string {
    return fs.readFileSync(this.#logFile, 'utf8');
  }

  /** Kills the server (graceful shutdown is not what is measured) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGKILL');
      await exited;
    }
  }

  /** Whether the process has ended (crashed, since the bench only ever kills it in {@link stop}). */
  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** The process id, for tools that attach to it. */
  get pid(): number {
    return this.#child.pid!;
  }
}

/** Starts a server, hands it to `use` and stops it afterwards, whatever happens. */
export async function withServer<T>(spec: ServerSpec, use: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await ServerProcess.start(spec);
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

/** Polls `url` until it answers 200; resolves with the time it did. */
async function waitFor200(child: ChildProcess, url: string): Promise<number> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`exited with code ${child.exitCode}`);
    }
    const response = await fetch(url).catch(() => undefined);
    if (response) {
      await response.arrayBuffer();
      if (response.status === 200) {
        return performance.now();
      }
    }
    await sleep(POLL_MS);
  }
  throw new Error(`${url} did not answer 200 within ${START_TIMEOUT_MS} ms`);
}

function tail(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-4000) : '';
}

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchWorkspace } from '../BenchWorkspace';
import { InstructionsFigure, InstructionsRow } from '../BenchReport';
import { runRequests } from '../loadTest';
import { seedTodos, STATIC_AUTH, TODO_LIST } from './requests';
import { ServerSpec } from '../ServerProcess';
import { median, round } from '../stats';

// With 1000 requests of warm-up TurboFan was still compiling in the counted window, and counts of
// the same build moved by several per cent between runs.
const WARMUP_REQUESTS = 10_000;
// Consecutive windows of the same server still differ by up to ±12 % (a major GC or a scheduler
// tick falls into one window and not the next), so each figure is the median of several windows.
const WINDOWS = 5;
const START_TIMEOUT_MS = 240_000;
const TODO_ANCHOR = 'bare Express + knex todo list (20 rows), SQLite';

/** One route to count. */
interface Target {
  name: string;
  /** The row this one is divided by, when not bare Express. */
  anchor?: string;
  spec: () => Promise<ServerSpec>;
  path: string;
  headers?: (output: () => string) => Promise<Record<string, string>>;
  /** Twenty todos are created through the API before the warm-up. */
  seedTodos?: boolean;
}

/** Why callgrind cannot count here, or undefined when it can. */
export function callgrindUnavailable(): string | undefined {
  const check = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  const control = spawnSync('callgrind_control', ['--version'], { encoding: 'utf8' });
  if (check.status !== 0 || control.error) {
    return 'valgrind and callgrind_control are not installed';
  }
  return undefined;
}

/**
 * Instructions per request under callgrind, which counts instructions instead of time, so that
 * how busy the machine is does not change the figure: each server runs under callgrind with
 * collection off, takes WARMUP_REQUESTS requests, then collection is on for WINDOWS windows of
 * `requests` requests each (2 connections); the smaller of two idle stretches of a window's
 * length, counted the same way, is subtracted from each window, and the figure is the median.
 * User space only: the kernel's share (the socket writes) is not counted. (perf's hardware
 * counters would be cheaper, but this VM exposes none.)
 */
export async function measureInstructions(
  workspace: BenchWorkspace,
  requests: number,
  anchors: { postgres: boolean; backstageDir?: string },
): Promise<InstructionsFigure> {
  const database = anchors.postgres ? 'pg' : 'sqlite';
  const token = (output: () => string) => waitForToken(output);
  const targets: Target[] = [
    { name: 'bare Express', spec: () => workspace.express(), path: '/api/example/hello' },
    {
      name: 'Trellis open route, production defaults',
      spec: () => workspace.production({ backend: 'reference', database, rareCatalogRefresh: true }),
      path: '/api/example/hello',
    },
    {
      name: 'Trellis open route, request lines off',
      spec: () => workspace.production({ backend: 'reference', database, logLevel: 'warn', rareCatalogRefresh: true }),
      path: '/api/example/hello',
    },
    {
      name: 'Trellis plugin-token route, production defaults',
      spec: () => workspace.production({ backend: 'onePlugin', database }),
      path: '/api/p0/secure',
      headers: async (output) => ({ authorization: `Bearer ${await token(output)}` }),
    },
  ];
  // The todo list against bare Express + knex on the same kind of database. SQLite only: on
  // PostgreSQL most of the work is in the database server, which callgrind does not count.
  targets.push(
    {
      name: 'Trellis todo list (20 rows), SQLite, production defaults',
      anchor: TODO_ANCHOR,
      spec: () => workspace.production({ backend: 'reference', database: 'sqlite', rareCatalogRefresh: true }),
      path: TODO_LIST,
      headers: async () => STATIC_AUTH,
      seedTodos: true,
    },
    {
      name: TODO_ANCHOR,
      anchor: TODO_ANCHOR,
      spec: () => workspace.expressKnex({ database: 'sqlite' }),
      path: TODO_LIST,
    },
  );
  if (anchors.backstageDir) {
    const dir = anchors.backstageDir;
    targets.push({ name: 'Backstage open route', spec: () => workspace.backstage(dir), path: '/api/example/hello' });
  }
  const rows: InstructionsRow[] = [];
  for (const target of targets) {
    const windows = (await countPerRequest(target, requests)).map((count) => round(count / 1000));
    rows.push({
      name: target.name,
      perRequestK: median(windows),
      windowsK: windows,
      ...(target.anchor ? { anchor: target.anchor } : {}),
    });
  }
  return { requests, windows: WINDOWS, rows };
}

/** Instructions per request in each counted window. */
async function countPerRequest(target: Target, requests: number): Promise<number[]> {
  const spec = await target.spec();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-callgrind-'));
  const outFile = path.join(dir, 'callgrind.out');
  const log = path.join(dir, 'server.log');
  const fd = fs.openSync(log, 'w');
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${outFile}`,
      process.execPath,
      spec.file,
      ...(spec.args ?? []),
    ],
    {
      cwd: spec.cwd,
      env: { ...process.env, NODE_ENV: 'production', PORT: String(spec.port), ...spec.env },
      stdio: ['ignore', fd, fd],
    },
  );
  fs.closeSync(fd);
  const output = () => fs.readFileSync(log, 'utf8');
  try {
    const baseUrl = `http://127.0.0.1:${spec.port}`;
    await waitFor200(child, baseUrl + spec.readyPath, output);
    const headers = (await target.headers?.(output)) ?? {};
    if (target.seedTodos) {
      await seedTodos(baseUrl);
    }
    const url = baseUrl + target.path;
    await runRequests({ url, headers, connections: 2, amount: WARMUP_REQUESTS });
    const loaded: number[] = [];
    const started = performance.now();
    for (let window = 1; window <= WINDOWS; window++) {
      loaded.push(
        await collect(child.pid!, outFile, window, () =>
          runRequests({ url, headers, connections: 2, amount: requests }),
        ),
      );
    }
    const seconds = (performance.now() - started) / 1000 / WINDOWS;
    // Two idle stretches of a window's length, after the load; the smaller is the background a
    // request-free server does (timers, polls), since a burst of background work (a scheduled
    // task) may fall into one of them but is no part of a request's cost.
    const idle = Math.min(
      await collect(child.pid!, outFile, WINDOWS + 1, () => sleep(seconds * 1000)),
      await collect(child.pid!, outFile, WINDOWS + 2, () => sleep(seconds * 1000)),
    );
    if (median(loaded) <= idle) {
      throw new Error(
        `${target.name}: the idle stretch counted more instructions than the load (${idle} >= ${median(loaded)})`,
      );
    }
    return loaded.map((count) => (count - idle) / requests);
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Instructions callgrind counted while `during` ran (collection on, then a dump numbered `dump`). */
async function collect(pid: number, outFile: string, dump: number, during: () => Promise<unknown>): Promise<number> {
  control(pid, '--zero');
  control(pid, '--instr=on');
  await during();
  control(pid, '--instr=off');
  control(pid, '--dump');
  const file = `${outFile}.${dump}`;
  const text = fs.readFileSync(file, 'utf8');
  // With instrumentation switched on while running, callgrind writes `summary: 0` (the events
  // since the start of collection it did not see) and the counted total under `totals:`.
  const total = (/^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text))?.[1];
  if (!total) {
    throw new Error(`no instruction total in ${file}`);
  }
  return Number(total);
}

function control(pid: number, option: string): void {
  const run = spawnSync('callgrind_control', [option, String(pid)], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) {
    throw new Error(`callgrind_control ${option} failed: ${run.stderr || run.stdout}`);
  }
}

async function waitFor200(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server under callgrind exited (${child.exitCode}):\n${output().slice(-3000)}`);
    }
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) {
      return;
    }
    await sleep(200);
  }
  throw new Error(`the server under callgrind did not answer ${url} within ${START_TIMEOUT_MS / 1000} s`);
}

async function waitForToken(output: () => string): Promise<string> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const token = /BENCH_TOKEN=(\S+)/.exec(output())?.[1];
    if (token) {
      return token;
    }
    await sleep(50);
  }
  throw new Error('The caller plugin printed no token within 60 s');
}

import { setTimeout as sleep } from 'node:timers/promises';
import { BenchDatabase, BenchWorkspace, STATIC_TOKEN } from '../BenchWorkspace';
import { MemoryFigure, RequestRow, RequestsFigure } from '../BenchReport';
import { loadTest, LoadResult } from '../loadTest';
import { createBenchDatabase, dropBenchDatabase, postgresUnavailable } from '../postgres';
import { ServerProcess } from '../ServerProcess';
import { median, round } from '../stats';

/** How long and how hard each load runs. */
export interface LoadSettings {
  runs: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

type Series = Record<string, LoadResult[]>;
type Load = (server: ServerProcess, path: string, headers?: Record<string, string>) => Promise<LoadResult>;
type Rss = { idle: number[]; loaded: number[] };

const STATIC_AUTH = { authorization: `Bearer ${STATIC_TOKEN}` };
const TODO_LIST = '/api/todo/todos?limit=20';
const CATALOG_LIST = '/api/catalog/entities/by-query?filter=kind=component&limit=20';

/**
 * Requests per second and latency of each route, one server at a time, round after round so
 * that drift on the machine hits every configuration alike; medians over the rounds. Also the
 * RSS of the reference backend and of bare Express at readiness and after the same open-route load.
 */
export async function measureRequests(
  workspace: BenchWorkspace,
  settings: LoadSettings,
  notes: string[],
): Promise<{ requests: RequestsFigure; memory: MemoryFigure }> {
  const series: Series = {};
  const rss = { express: { idle: [], loaded: [] } as Rss, reference: { idle: [], loaded: [] } as Rss };
  const pgMissing = postgresUnavailable();
  if (pgMissing) {
    notes.push(`Todo list on PostgreSQL skipped: ${pgMissing}.`);
  }
  const load: Load = (server: ServerProcess, path: string, headers?: Record<string, string>) =>
    loadTest({ url: server.baseUrl + path, headers, cpuTimeMs: () => server.cpuTimeMs(), ...settings });
  const add = (name: string, result: LoadResult) => (series[name] ??= []).push(result);
  for (let round = 0; round < settings.runs; round++) {
    await withServer(await workspace.express(), async (server) => {
      add('express', await measureWithRss(server, rss.express, () => load(server, '/api/example/hello')));
    });
    await withServer(await workspace.referenceBackend(), async (server) => {
      add('openRoute', await measureWithRss(server, rss.reference, () => load(server, '/api/example/hello')));
      await seedTodos(server.baseUrl);
      add('todoSqlite', await load(server, TODO_LIST, STATIC_AUTH));
    });
    await withServer(await workspace.referenceBackend({ catalog: true }), async (server) => {
      await waitForCatalog(server.baseUrl);
      add('catalogList', await load(server, CATALOG_LIST, STATIC_AUTH));
    });
    await withServer(await workspace.referenceBackend({ logLevel: 'info' }), async (server) => {
      add('openRouteLogged', await load(server, '/api/example/hello'));
    });
    await withServer(await workspace.pluginsBackend(1, { caller: true }), async (server) => {
      const token = await waitForToken(server);
      add('onePluginOpenRoute', await load(server, '/api/p0/hello'));
      add('tokenRoute', await load(server, '/api/p0/secure', { authorization: `Bearer ${token}` }));
    });
    if (!pgMissing) {
      add('todoPostgres', await measureTodoOnPostgres(workspace, load));
    }
  }
  return { requests: requestsFigure(series, settings), memory: memoryFigure(rss) };
}

async function measureTodoOnPostgres(workspace: BenchWorkspace, load: Load): Promise<LoadResult> {
  const name = createBenchDatabase();
  try {
    const database: BenchDatabase = { client: 'pg', database: name };
    return await withServer(await workspace.referenceBackend({ database }), async (server) => {
      await seedTodos(server.baseUrl);
      return load(server, TODO_LIST, STATIC_AUTH);
    });
  } finally {
    dropBenchDatabase(name);
  }
}

async function withServer<T>(
  spec: Parameters<typeof ServerProcess.start>[0],
  use: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await ServerProcess.start(spec);
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

async function measureWithRss(server: ServerProcess, rss: Rss, run: () => Promise<LoadResult>): Promise<LoadResult> {
  rss.idle.push(server.rssKiB());
  const result = await run();
  rss.loaded.push(server.rssKiB());
  return result;
}

/** Twenty todos to list, created through the API with the static token. */
async function seedTodos(baseUrl: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${baseUrl}/api/todo/todos`, {
      method: 'POST',
      headers: { ...STATIC_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `todo ${i}` }),
    });
    if (response.status !== 201) {
      throw new Error(`Creating a todo answered ${response.status}: ${await response.text()}`);
    }
  }
}

/** The plugin token for p0 that the bench's caller plugin prints once the backend has started. */
async function waitForToken(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const token = /BENCH_TOKEN=(\S+)/.exec(server.output())?.[1];
    if (token) {
      return token;
    }
    await sleep(10);
  }
  throw new Error('The caller plugin printed no token');
}

function requestsFigure(series: Series, settings: LoadSettings): RequestsFigure {
  const medianOf = (name: string): LoadResult | undefined =>
    series[name] && {
      rps: round(median(series[name].map((r) => r.rps))),
      p50: median(series[name].map((r) => r.p50)),
      p99: median(series[name].map((r) => r.p99)),
      cpuUsPerRequest: round(median(series[name].map((r) => r.cpuUsPerRequest))),
    };
  const express = medianOf('express')!;
  const row = (name: string): RequestRow | undefined => {
    const result = medianOf(name);
    return (
      result && {
        ...result,
        ratio: round(result.rps / express.rps, 2),
        cpuRatio: round(result.cpuUsPerRequest / express.cpuUsPerRequest, 2),
      }
    );
  };
  return {
    runs: settings.runs,
    seconds: settings.seconds,
    connections: settings.connections,
    express,
    openRoute: row('openRoute')!,
    openRouteLogged: row('openRouteLogged')!,
    onePluginOpenRoute: row('onePluginOpenRoute')!,
    tokenRoute: row('tokenRoute'),
    todoSqlite: row('todoSqlite')!,
    todoPostgres: row('todoPostgres'),
    catalogList: row('catalogList'),
  };
}

function memoryFigure(rss: { express: Rss; reference: Rss }): MemoryFigure {
  const of = (r: Rss) => ({ idleKiB: median(r.idle), loadedKiB: median(r.loaded) });
  const express = of(rss.express);
  const reference = of(rss.reference);
  return {
    express,
    reference,
    ratioIdle: round(reference.idleKiB / express.idleKiB, 2),
    ratioLoaded: round(reference.loadedKiB / express.loadedKiB, 2),
  };
}

/** Waits until the catalog has read the sample catalog's components (its first refresh runs at start). */
async function waitForCatalog(baseUrl: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const response = await fetch(baseUrl + CATALOG_LIST, { headers: STATIC_AUTH }).catch(() => undefined);
    const body = response?.ok ? ((await response.json()) as { totalItems?: number }) : undefined;
    if ((body?.totalItems ?? 0) >= 10) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`the catalog did not read the sample catalog within 30 s (${CATALOG_LIST})`);
}

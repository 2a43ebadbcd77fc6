import { setTimeout as sleep } from 'node:timers/promises';
import { BenchWorkspace, STATIC_TOKEN } from '../BenchWorkspace';
import { MemoryFigure, RequestRow, RequestsFigure } from '../BenchReport';
import { loadTest, LoadResult } from '../loadTest';
import { ServerProcess, withServer } from '../ServerProcess';
import { median, round } from '../stats';

/** How long and how hard each load runs. */
export interface LoadSettings {
  runs: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

/** What the request figures run against besides Trellis. */
export interface RequestAnchors {
  /** The Backstage install, when there is one. */
  backstageDir?: string;
  /** PostgreSQL answers (the production config needs it; without it only SQLite rows run). */
  postgres: boolean;
}

/** Where a failed anchor is reported. */
export type Notes = string[];

type Series = Record<string, LoadResult[]>;
type Load = (server: ServerProcess, path: string, headers?: Record<string, string>) => Promise<LoadResult>;
type Rss = { idle: number[]; loaded: number[] };

export const STATIC_AUTH = { authorization: `Bearer ${STATIC_TOKEN}` };
export const TODO_LIST = '/api/todo/todos?limit=20';
const CATALOG_LIST = '/api/catalog/entities/by-query?filter=kind=component&limit=20';

/**
 * Requests per second, latency and server CPU of each route, one server at a time, round after
 * round so that drift on the machine hits every configuration alike; medians over the rounds.
 * Trellis runs with its production defaults (see BenchWorkspace.production). Also the RSS of
 * each anchor and of the production backend at readiness and after the same open-route load.
 */
export async function measureRequests(
  workspace: BenchWorkspace,
  settings: LoadSettings,
  anchors: RequestAnchors,
  notes: Notes,
): Promise<{ requests: RequestsFigure; memory: MemoryFigure }> {
  let backstageDir = anchors.backstageDir;
  const series: Series = {};
  const rss: Record<string, Rss> = {};
  const load: Load = (server, path, headers) =>
    loadTest({ url: server.baseUrl + path, headers, cpuTimeMs: () => server.cpuTimeMs(), ...settings });
  const add = (name: string, result: LoadResult) => (series[name] ??= []).push(result);
  const withRss = async (name: string, server: ServerProcess, run: () => Promise<LoadResult>) => {
    const into = (rss[name] ??= { idle: [], loaded: [] });
    into.idle.push(server.rssKiB());
    const result = await run();
    into.loaded.push(server.rssKiB());
    return result;
  };
  const database = anchors.postgres ? 'pg' : 'sqlite';
  for (let round = 0; round < settings.runs; round++) {
    await withServer(await workspace.express(), async (server) => {
      add('express', await withRss('express', server, () => load(server, '/api/example/hello')));
    });
    await withServer(await workspace.production({ backend: 'reference', database }), async (server) => {
      add('openRoute', await withRss('reference', server, () => load(server, '/api/example/hello')));
      await seedTodos(server.baseUrl);
      add(anchors.postgres ? 'todoPostgres' : 'todoSqlite', await load(server, TODO_LIST, STATIC_AUTH));
    });
    await withServer(await workspace.production({ backend: 'onePlugin', database }), async (server) => {
      const token = await waitForToken(server);
      add('onePluginOpenRoute', await load(server, '/api/p0/hello'));
      add('tokenRoute', await load(server, '/api/p0/secure', { authorization: `Bearer ${token}` }));
    });
    if (backstageDir) {
      // An anchor that fails (a broken install) is reported and left out; Trellis's figures go on.
      await withServer(await workspace.backstage(backstageDir), async (server) => {
        const token = await waitForToken(server);
        add('backstageOpenRoute', await withRss('backstage', server, () => load(server, '/api/example/hello')));
        add('backstageTokenRoute', await load(server, '/api/example/secure', { authorization: `Bearer ${token}` }));
      }).catch((error: unknown) => {
        notes.push(
          `Backstage left out of the request figures after it failed: ${(error as Error).message.split('\n')[0]}`,
        );
        backstageDir = undefined;
      });
    }
    await withServer(
      await workspace.production({ backend: 'reference', database, logLevel: 'warn' }),
      async (server) => {
        add('openRouteQuiet', await load(server, '/api/example/hello'));
      },
    );
    if (anchors.postgres) {
      await withServer(await workspace.production({ backend: 'reference', database: 'sqlite' }), async (server) => {
        await seedTodos(server.baseUrl);
        add('todoSqlite', await load(server, TODO_LIST, STATIC_AUTH));
        await waitForCatalog(server.baseUrl);
        add('catalogList', await load(server, CATALOG_LIST, STATIC_AUTH));
      });
      await withServer(await workspace.expressKnex({ database: 'pg' }), async (server) => {
        add('knexPostgres', await load(server, TODO_LIST));
      });
    }
    await withServer(await workspace.expressKnex({ database: 'sqlite' }), async (server) => {
      add('knexSqlite', await load(server, TODO_LIST));
    });
  }
  return { requests: requestsFigure(series, settings), memory: memoryFigure(rss) };
}

/** Twenty todos to list, created through the API with the static token. */
export async function seedTodos(baseUrl: string): Promise<void> {
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

/** The plugin token that the caller plugin prints once the backend has started. */
async function waitForToken(server: ServerProcess): Promise<string> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const token = /BENCH_TOKEN=(\S+)/.exec(server.output())?.[1];
    if (token) {
      return token;
    }
    await sleep(10);
  }
  throw new Error('The caller plugin printed no token within 30 s');
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
  const row = (name: string, baseline?: string): RequestRow | undefined => {
    const result = medianOf(name);
    const base = baseline === undefined ? undefined : medianOf(baseline);
    return (
      result && {
        ...result,
        ratio: round(result.rps / express.rps, 2),
        cpuRatio: round(result.cpuUsPerRequest / express.cpuUsPerRequest, 2),
        ...(base ? { baselineRatio: round(result.rps / base.rps, 2) } : {}),
      }
    );
  };
  return {
    runs: settings.runs,
    seconds: settings.seconds,
    connections: settings.connections,
    production: true,
    express,
    openRoute: row('openRoute')!,
    openRouteQuiet: row('openRouteQuiet'),
    onePluginOpenRoute: row('onePluginOpenRoute')!,
    tokenRoute: row('tokenRoute'),
    todoSqlite: row('todoSqlite', 'knexSqlite'),
    todoPostgres: row('todoPostgres', 'knexPostgres'),
    catalogList: row('catalogList'),
    knexSqlite: row('knexSqlite'),
    knexPostgres: row('knexPostgres'),
    backstageOpenRoute: row('backstageOpenRoute'),
    backstageTokenRoute: row('backstageTokenRoute'),
  };
}

function memoryFigure(rss: Record<string, Rss>): MemoryFigure {
  const of = (r: Rss) => ({ idleKiB: median(r.idle), loadedKiB: median(r.loaded) });
  const express = of(rss.express);
  const reference = of(rss.reference);
  const backstage = rss.backstage && of(rss.backstage);
  return {
    express,
    reference,
    ...(backstage ? { backstage } : {}),
    ratioIdle: round(reference.idleKiB / express.idleKiB, 2),
    ratioLoaded: round(reference.loadedKiB / express.loadedKiB, 2),
  };
}

/** Waits until the catalog has read the sample catalog's components (its first refresh runs at start). */
async function waitForCatalog(baseUrl: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const response = await fetch(baseUrl + CATALOG_LIST, { headers: STATIC_AUTH }).catch(() => undefined);
    const body = response?.ok ? ((await response.json()) as { totalItems?: number }) : undefined;
    if ((body?.totalItems ?? 0) >= 10) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`the catalog did not read the sample catalog within 30 s (${CATALOG_LIST})`);
}

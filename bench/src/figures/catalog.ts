import { setTimeout as sleep } from 'node:timers/promises';
import { BenchWorkspace, STATIC_TOKEN } from '../BenchWorkspace';
import { CatalogFigure, CatalogRow } from '../BenchReport';
import { CatalogFiles, writeCatalogEntities } from '../catalogEntities';
import { loadTest, LoadResult } from '../loadTest';
import { ServerProcess, ServerSpec, withServer } from '../ServerProcess';
import { analyzeBenchDatabase } from '../postgres';
import { median, round } from '../stats';
import { LoadSettings, Notes } from './requests';

/** How many times each catalog server runs, and the load on its list route. */
export interface CatalogSettings {
  /** Starts of each Trellis configuration, interleaved. */
  runs: number;
  /** Starts of each Backstage configuration (one on SQLite takes about ten minutes here). */
  backstageRuns: number;
  load: LoadSettings;
}

/** What the catalog figure runs against besides Trellis on SQLite. */
export interface CatalogAnchors {
  postgres: boolean;
  /** The install of Backstage with its catalog plugin, when there is one. */
  backstageCatalogDir?: string;
}

interface Sample {
  readyMs: number;
  allServedMs: number;
  cpuMs: number;
  rssKiB: number;
  restingCpuPercent: number;
  list: LoadResult;
}

const AUTH = { authorization: `Bearer ${STATIC_TOKEN}` };
/** Counts the generated kinds only: Backstage also serves a Location entity per configured location. */
const COUNT_PATH =
  '/api/catalog/entities/by-query?limit=1&filter=kind=component,kind=api,kind=system,kind=group,kind=user';
const LIST_PATH = '/api/catalog/entities?filter=kind=component&limit=20';
const TRELLIS_DEADLINE_MS = 5 * 60_000;
const BACKSTAGE_DEADLINE_MS = 40 * 60_000;
const PROGRESS_EVERY_MS = 30_000;

/**
 * The catalog at 10,000 generated entities (see catalogEntities.ts). Each server starts on an
 * empty database with the same 50 files as `catalog.locations`; the time from spawn to the
 * first count (polled through the API) that holds every entity gives entities per second. Then
 * the server's CPU at rest for as long as a load run (what processing still goes on), and the
 * list route of 20 components under the same load as the request figures, after an ANALYZE of a
 * PostgreSQL database (see analyzeBenchDatabase). Trellis runs from its production
 * artifact on SQLite and PostgreSQL, Backstage's catalog on both as well.
 */
export async function measureCatalog(
  workspace: BenchWorkspace,
  settings: CatalogSettings,
  anchors: CatalogAnchors,
  notes: Notes,
): Promise<CatalogFigure> {
  const entities = writeCatalogEntities(workspace.scratchDir());
  const databases = anchors.postgres ? (['sqlite', 'pg'] as const) : (['sqlite'] as const);
  const samples: Record<string, Sample[]> = {};
  const add = (name: string, sample: Sample) => (samples[name] ??= []).push(sample);
  let backstageDir = anchors.backstageCatalogDir;
  for (let run = 0; run < settings.runs; run++) {
    for (const database of databases) {
      const spec = await workspace.production({ backend: 'reference', database, catalogFiles: entities.files });
      add(`trellis-${database}`, await measureServer(spec, entities, settings.load, TRELLIS_DEADLINE_MS));
    }
    for (const database of backstageDir && run < settings.backstageRuns ? databases : []) {
      const spec = await workspace.backstageCatalog(backstageDir!, { database, catalogFiles: entities.files });
      // An anchor that fails is reported and left out; Trellis's figures go on.
      await measureServer(spec, entities, settings.load, BACKSTAGE_DEADLINE_MS).then(
        (sample) => add(`backstage-${database}`, sample),
        (error: unknown) => {
          notes.push(`Backstage left out of the catalog figure after it failed: ${firstLine(error)}`);
          backstageDir = undefined;
        },
      );
    }
  }
  const row = (name: string) => samples[name] && catalogRow(samples[name], entities.total);
  return {
    entities: entities.total,
    files: entities.files.length,
    components: entities.components,
    seconds: settings.load.seconds,
    connections: settings.load.connections,
    trellisSqlite: row('trellis-sqlite')!,
    trellisPostgres: row('trellis-pg'),
    backstageSqlite: row('backstage-sqlite'),
    backstagePostgres: row('backstage-pg'),
  };
}

async function measureServer(
  spec: ServerSpec,
  entities: CatalogFiles,
  load: LoadSettings,
  deadlineMs: number,
): Promise<Sample> {
  process.stdout.write(`Catalog: ${spec.name} reading ${entities.total} entities...\n`);
  return withServer(spec, async (server) => {
    const allServedMs = await waitForEntities(server, spec.name, entities.total, deadlineMs);
    const cpuMs = server.cpuTimeMs();
    const rssKiB = server.rssKiB();
    if (spec.postgresDatabase) {
      analyzeBenchDatabase(spec.postgresDatabase);
    }
    const restingCpuPercent = await restingCpu(server, load.seconds);
    const list = await loadTest({
      url: server.baseUrl + LIST_PATH,
      headers: AUTH,
      cpuTimeMs: () => server.cpuTimeMs(),
      ...load,
    });
    process.stdout.write(`  all served after ${round(allServedMs / 1000)} s; list ${round(list.rps)} req/s\n`);
    return { readyMs: server.readyMs, allServedMs, cpuMs, rssKiB, restingCpuPercent, list };
  });
}

/**
 * Polls the count until it reaches `total` and returns the time from spawn. The pause between
 * polls grows with the time waited (1 %, from 100 ms to 1 s), so the figure is off by about 1 %
 * at most and the polls barely load the server.
 */
async function waitForEntities(
  server: ServerProcess,
  name: string,
  total: number,
  deadlineMs: number,
): Promise<number> {
  let count = 0;
  let lastProgress = performance.now();
  while (performance.now() - server.startedAt < deadlineMs) {
    if (server.exited) {
      throw new Error(
        `${name} exited while reading the catalog (${count} of ${total} entities served)\n${tail(server)}`,
      );
    }
    count = await countEntities(server.baseUrl);
    const now = performance.now();
    if (count >= total) {
      return now - server.startedAt;
    }
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      process.stdout.write(`  ${count} of ${total} after ${round((now - server.startedAt) / 1000, 0)} s\n`);
      lastProgress = now;
    }
    await sleep(Math.min(1000, Math.max(100, (now - server.startedAt) / 100)));
  }
  throw new Error(
    `${name} served ${count} of ${total} entities after ${deadlineMs / 1000} s (${COUNT_PATH})\n${tail(server)}`,
  );
}

/** The server's CPU time over `seconds` without requests, in % of one core: processing still under way. */
async function restingCpu(server: ServerProcess, seconds: number): Promise<number> {
  const before = server.cpuTimeMs();
  await sleep(seconds * 1000);
  return ((server.cpuTimeMs() - before) / (seconds * 1000)) * 100;
}

async function countEntities(baseUrl: string): Promise<number> {
  const response = await fetch(baseUrl + COUNT_PATH, { headers: AUTH });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${COUNT_PATH} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return (JSON.parse(text) as { totalItems: number }).totalItems;
}

function catalogRow(samples: Sample[], total: number): CatalogRow {
  const of = (pick: (s: Sample) => number) => round(median(samples.map(pick)));
  const allServedMs = of((s) => s.allServedMs);
  return {
    runs: samples.length,
    readyMs: of((s) => s.readyMs),
    allServedMs,
    entitiesPerSecond: round(total / (allServedMs / 1000)),
    cpuMs: of((s) => s.cpuMs),
    rssKiB: of((s) => s.rssKiB),
    restingCpuPercent: of((s) => s.restingCpuPercent),
    list: {
      rps: of((s) => s.list.rps),
      p50: of((s) => s.list.p50),
      p99: of((s) => s.list.p99),
      cpuUsPerRequest: of((s) => s.list.cpuUsPerRequest),
    },
  };
}

function tail(server: ServerProcess): string {
  return server.output().slice(-4000);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

import { LoadResult } from './loadTest';

/** Start-up of the reference backend next to bare Express (medians, ms). */
export interface ColdStartFigure {
  runs: number;
  /** The reference backend ran with its production defaults (PostgreSQL, Redis, request log on). */
  production?: boolean;
  express: { firstMs: number; readyMs: number };
  reference: { firstMs: number; readyMs: number };
  /** The Backstage anchor, when it was installed. */
  backstage?: { firstMs: number; readyMs: number };
  ratioFirst: number;
  ratioReady: number;
}

/** One generated backend size. */
export interface ScalingRow {
  plugins: number;
  readyMs: number;
  rssKiB: number;
}

/** Start time and memory against the number of plugins, with a least-squares line through them. */
export interface ScalingFigure {
  runs: number;
  rows: ScalingRow[];
  perPluginMs: number;
  perPluginKiB: number;
  /** R² of the fits: 1 is perfectly linear. */
  linearityMs: number;
  linearityKiB: number;
  /** Ready time of 100 plugins over that of 1, when both were measured. */
  ratio100to1?: number;
}

/** One request figure: medians over the runs and the ratio to bare Express's throughput. */
export interface RequestRow extends LoadResult {
  /** Throughput over bare Express's. */
  ratio: number;
  /** CPU per request over bare Express's: the framework's cost, less sensitive to the load generator. */
  cpuRatio: number;
  /** Throughput over that of the row's own baseline (the todo list: bare Express + knex on the same database). */
  baselineRatio?: number;
}

/** The request figures; a missing one was skipped (see the report's notes). */
export interface RequestsFigure {
  runs: number;
  seconds: number;
  connections: number;
  /** Trellis ran with its production defaults: the open route's request lines are on. */
  production?: boolean;
  express: LoadResult;
  openRoute: RequestRow;
  /** Older results: the open route with request lines on, when the headline had them off. */
  openRouteLogged?: RequestRow;
  /** The open route with request lines off (LOG_LEVEL=warn). */
  openRouteQuiet?: RequestRow;
  /** The open route of the backend the token route runs on, to tell the token's cost apart. */
  onePluginOpenRoute: RequestRow;
  tokenRoute?: RequestRow;
  todoSqlite?: RequestRow;
  todoPostgres?: RequestRow;
  /** Components of the sample catalog, 20 per page, with relations, from SQLite (absent in older results). */
  catalogList?: RequestRow;
  /** Bare Express + knex serving the same todo list query. */
  knexSqlite?: RequestRow;
  knexPostgres?: RequestRow;
  /** Backstage with one trivial plugin: its open route and a route that verifies a plugin token. */
  backstageOpenRoute?: RequestRow;
  backstageTokenRoute?: RequestRow;
}

/** Instructions (user space, callgrind) per request of one route, and per start. */
export interface InstructionsRow {
  name: string;
  /** Instructions per request, in thousands: the median of the windows. */
  perRequestK: number;
  /** Each counted window's figure (runs before 2026-12-06 counted one window). */
  windowsK?: number[];
  /** The row this one is divided by (bare Express when absent); a row naming itself is an anchor. */
  anchor?: string;
}

/** Instruction counts under callgrind: steady whatever else the machine runs. */
export interface InstructionsFigure {
  /** Requests per counted window. */
  requests: number;
  /** Counted windows per route (one when absent). */
  windows?: number;
  rows: InstructionsRow[];
}

/** RSS at readiness and after the open-route load (medians, KiB). */
export interface MemoryFigure {
  express: { idleKiB: number; loadedKiB: number };
  reference: { idleKiB: number; loadedKiB: number };
  backstage?: { idleKiB: number; loadedKiB: number };
  ratioIdle: number;
  ratioLoaded: number;
}

/** What a production install of the backend weighs, two ways. */
export interface DependenciesFigure {
  /** The artifact of scripts/build-app.mjs: one bundle, its V8 code cache (if made) and the native driver. */
  artifact: { packages: number; mib: number; bundleKiB: number; codeCacheKiB?: number };
  /** The production dependency closure of apps/backend as installed in node_modules. */
  installed: { packages: number; mib: number };
}

/** One catalog server reading the generated entities into an empty catalog, then serving a list of them (medians). */
export interface CatalogRow {
  runs: number;
  /** Spawn to readiness 200. */
  readyMs: number;
  /** Spawn to the first answer that counts every generated entity. */
  allServedMs: number;
  /** Generated entities over `allServedMs`. */
  entitiesPerSecond: number;
  /** CPU time of the server process (user + system) from spawn to all served; the database server's own is not in it. */
  cpuMs: number;
  /** RSS once all are served. */
  rssKiB: number;
  /** Server CPU over a stretch without requests once all are served, in % of one core (absent in older results). */
  restingCpuPercent?: number;
  /** `GET /api/catalog/entities?filter=kind=component&limit=20` once all are served. */
  list: LoadResult;
}

/** The catalog at 10,000 generated entities: Trellis and Backstage, each on SQLite and PostgreSQL. */
export interface CatalogFigure {
  entities: number;
  files: number;
  /** Components among the entities: the matches of the list's filter. */
  components: number;
  seconds: number;
  connections: number;
  trellisSqlite: CatalogRow;
  trellisPostgres?: CatalogRow;
  backstageSqlite?: CatalogRow;
  backstagePostgres?: CatalogRow;
}

/** Everything one run measured. */
export interface BenchReport {
  date: string;
  machine: string;
  quick: boolean;
  totalSeconds: number;
  /** Figures skipped and why. */
  notes: string[];
  figures: {
    coldStart?: ColdStartFigure;
    scaling?: ScalingFigure;
    requests?: RequestsFigure;
    memory?: MemoryFigure;
    instructions?: InstructionsFigure;
    dependencies?: DependenciesFigure;
    catalog?: CatalogFigure;
  };
}

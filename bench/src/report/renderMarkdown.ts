import { BenchReport, CatalogRow, InstructionsRow, RequestRow } from '../BenchReport';
import { LoadResult } from '../loadTest';
import { checkTargets } from './targets';

type Cell = string | number | undefined;

/** The results of a run as Markdown: what docs/performance.md shows between its markers. */
export function renderMarkdown(report: BenchReport): string {
  const parts = [
    header(report),
    comparisonTable(report),
    databaseTable(report),
    latencyTable(report),
    instructionsTable(report),
    catalogSection(report),
    scalingSection(report),
    dependenciesSection(report),
    targetsTable(report),
    notes(report),
  ];
  return parts.filter(Boolean).join('\n\n') + '\n';
}

function header(report: BenchReport): string {
  const quick = report.quick ? ' **Quick mode: too few and too short runs to quote.**' : '';
  const production =
    report.figures.requests?.production || report.figures.coldStart?.production
      ? ' Trellis runs with its production defaults: the artifact with NODE_ENV=production, app-config.production.yaml merged (PostgreSQL, a fresh database per server; Redis), a JSON line per request to standard output redirected to a file.'
      : '';
  return `Measured ${report.date.slice(0, 10)} (${report.date}) on ${report.machine}; the whole run took ${report.totalSeconds} s.${production}${quick}`;
}

function comparisonTable(report: BenchReport): string | undefined {
  const { coldStart, requests, memory } = report.figures;
  const rows: Cell[][] = [];
  const backstageRatio = (trellis: number, backstage?: number) =>
    backstage === undefined ? '' : `${round2(trellis / backstage)}×`;
  if (coldStart) {
    const b = coldStart.backstage;
    rows.push([
      'Cold start: spawn to first 200 on a plugin route (ms)',
      coldStart.express.firstMs,
      coldStart.reference.firstMs,
      b?.firstMs ?? '',
      `${coldStart.ratioFirst}×`,
      backstageRatio(coldStart.reference.firstMs, b?.firstMs),
    ]);
    rows.push([
      'Cold start: spawn to readiness 200 (ms)',
      coldStart.express.readyMs,
      coldStart.reference.readyMs,
      b?.readyMs ?? '',
      `${coldStart.ratioReady}×`,
      backstageRatio(coldStart.reference.readyMs, b?.readyMs),
    ]);
  }
  if (requests) {
    const x = requests.express.rps;
    const rps = (row: RequestRow | undefined, name: string, backstage?: RequestRow): Cell[] => [
      name,
      x,
      row?.rps ?? 'skipped',
      backstage?.rps ?? '',
      ratio(row),
      row && backstage ? backstageRatio(row.rps, backstage.rps) : '',
    ];
    const logged = requests.production ? ', request log on' : '';
    rows.push(
      rps(requests.openRoute, `Open route \`GET /api/example/hello\`${logged} (req/s)`, requests.backstageOpenRoute),
    );
    if (requests.openRouteQuiet) {
      rows.push(rps(requests.openRouteQuiet, 'Open route, request log off (LOG_LEVEL=warn) (req/s)'));
    }
    if (requests.openRouteLogged) {
      rows.push(rps(requests.openRouteLogged, 'Open route, request log lines on (level info) (req/s)'));
    }
    rows.push(rps(requests.onePluginOpenRoute, `Open route of a one-plugin backend${logged} (req/s)`));
    rows.push(
      rps(
        requests.tokenRoute,
        `Route of that backend that verifies a plugin token${logged} (req/s)`,
        requests.backstageTokenRoute,
      ),
    );
    rows.push(rps(requests.todoSqlite, 'Todo list (20 rows) from SQLite (req/s)'));
    rows.push(rps(requests.todoPostgres, 'Todo list (20 rows) from PostgreSQL (req/s)'));
    if (requests.catalogList) {
      rows.push(rps(requests.catalogList, 'Catalog list (20 components with relations) from SQLite (req/s)'));
    }
  }
  if (memory) {
    const b = memory.backstage;
    rows.push([
      'RSS after start (KiB)',
      memory.express.idleKiB,
      memory.reference.idleKiB,
      b?.idleKiB ?? '',
      `${memory.ratioIdle}×`,
      backstageRatio(memory.reference.idleKiB, b?.idleKiB),
    ]);
    rows.push([
      'RSS after the open-route load (KiB)',
      memory.express.loadedKiB,
      memory.reference.loadedKiB,
      b?.loadedKiB ?? '',
      `${memory.ratioLoaded}×`,
      backstageRatio(memory.reference.loadedKiB, b?.loadedKiB),
    ]);
  }
  if (rows.length === 0) {
    return undefined;
  }
  return table(['figure', 'bare Express', 'Trellis', 'Backstage', 'Trellis / Express', 'Trellis / Backstage'], rows);
}

function databaseTable(report: BenchReport): string | undefined {
  const requests = report.figures.requests;
  if (!requests || (!requests.knexSqlite && !requests.knexPostgres)) {
    return undefined;
  }
  const line = (name: string, trellis?: RequestRow, knex?: RequestRow): Cell[] => [
    name,
    knex?.rps ?? 'skipped',
    trellis?.rps ?? 'skipped',
    trellis?.baselineRatio === undefined ? '' : `${trellis.baselineRatio}×`,
  ];
  return `The todo list against its own ceiling: bare Express + knex serving the same query (the same table, rows, ORDER BY and LIMIT, the same JSON) from the same kind of database, no authentication, no request log:\n\n${table(
    ['todo list (20 rows)', 'bare Express + knex (req/s)', 'Trellis (req/s)', 'Trellis / Express + knex'],
    [
      line('SQLite', requests.todoSqlite, requests.knexSqlite),
      line('PostgreSQL', requests.todoPostgres, requests.knexPostgres),
    ],
  )}`;
}

function latencyTable(report: BenchReport): string | undefined {
  const requests = report.figures.requests;
  if (!requests) {
    return undefined;
  }
  const line = (name: string, r?: LoadResult | RequestRow): Cell[] =>
    r
      ? [name, r.rps, r.p50, r.p99, r.cpuUsPerRequest, 'cpuRatio' in r ? `${r.cpuRatio}×` : '1×']
      : [name, 'skipped', '', '', '', ''];
  const intro =
    `Load: autocannon in its own process, ${requests.connections} connections, ${requests.seconds} s after a warm-up; ` +
    `median of ${requests.runs} interleaved rounds. Latency in ms; the server's CPU time (user + system) per request in µs, ` +
    "another view of the framework's cost (it also falls when a busier server handles more requests per wake-up):";
  const optional = (name: string, r?: RequestRow) => (r ? [line(name, r)] : []);
  return `${intro}\n\n${table(
    ['route', 'req/s', 'p50', 'p99', 'CPU per request (µs)', 'CPU / Express'],
    [
      line('bare Express', requests.express),
      line('open route', requests.openRoute),
      ...optional('open route, log off', requests.openRouteQuiet),
      ...optional('open route, log lines on', requests.openRouteLogged),
      line('one-plugin backend, open route', requests.onePluginOpenRoute),
      line('plugin-token route', requests.tokenRoute),
      line('todo list, SQLite', requests.todoSqlite),
      line('todo list, PostgreSQL', requests.todoPostgres),
      ...optional('catalog list, SQLite', requests.catalogList),
      ...optional('bare Express + knex, todo list, SQLite', requests.knexSqlite),
      ...optional('bare Express + knex, todo list, PostgreSQL', requests.knexPostgres),
      ...optional('Backstage, open route', requests.backstageOpenRoute),
      ...optional('Backstage, plugin-token route', requests.backstageTokenRoute),
    ],
  )}`;
}

function instructionsTable(report: BenchReport): string | undefined {
  const figure = report.figures.instructions;
  if (!figure) {
    return undefined;
  }
  const perRequest = (name: string) => figure.rows.find((r) => r.name === name)?.perRequestK;
  const ratio = (row: InstructionsRow): Cell => {
    const anchor = row.anchor ?? 'bare Express';
    const divisor = perRequest(anchor);
    if (row.name === anchor) {
      return 'anchor';
    }
    return divisor ? `${round2(row.perRequestK / divisor)}× ${anchor}` : '';
  };
  const windows = figure.windows ?? 1;
  const counted =
    windows > 1
      ? `the median of ${windows} consecutive windows of ${figure.requests} requests each, after 10,000 of warm-up, the smaller of two idle stretches of a window's length subtracted from each; the range shows how far windows of the same server differ`
      : `${figure.requests} requests after 10,000 of warm-up, the smaller of two idle stretches of the same length subtracted`;
  return `Instructions per request (user space, valgrind's callgrind, ${counted}):\n\n${table(
    ['server and route', 'thousand instructions per request', 'range of the windows', 'ratio'],
    figure.rows.map((r) => [
      r.name,
      r.perRequestK,
      r.windowsK && r.windowsK.length > 1 ? `${Math.min(...r.windowsK)} to ${Math.max(...r.windowsK)}` : '',
      ratio(r),
    ]),
  )}`;
}

/** One line of the catalog table: how to show a row's figure, and the number its ratio divides. */
interface CatalogLine {
  name: string;
  show: (r: CatalogRow) => Cell;
  value: (r: CatalogRow) => number;
}

const CATALOG_LINES: CatalogLine[] = [
  catalogLine('Spawn to all entities served (s)', (r) => round2(r.allServedMs / 1000)),
  catalogLine('Entities per second, spawn to all served', (r) => r.entitiesPerSecond),
  catalogLine('Server CPU, spawn to all served (s)', (r) => round2(r.cpuMs / 1000)),
  catalogLine('Spawn to readiness (ms)', (r) => r.readyMs),
  catalogLine('RSS once all are served (KiB)', (r) => r.rssKiB),
  {
    name: 'Server CPU at rest once all are served (% of a core)',
    show: (r) => r.restingCpuPercent ?? '',
    value: (r) => r.restingCpuPercent ?? NaN,
  },
  catalogLine('List of 20 components (req/s)', (r) => r.list.rps),
  { name: 'List latency p50 / p99 (ms)', show: (r) => `${r.list.p50} / ${r.list.p99}`, value: (r) => r.list.p50 },
  catalogLine('List: server CPU per request (µs)', (r) => r.list.cpuUsPerRequest),
];

function catalogLine(name: string, value: (r: CatalogRow) => number): CatalogLine {
  return { name, show: value, value };
}

function ratioOf(trellis: number, backstage: number): string {
  const ratio = trellis / backstage;
  if (!Number.isFinite(ratio)) {
    return '';
  }
  return ratio < 0.01 ? '< 0.01×' : `${round2(ratio)}×`;
}

function catalogSection(report: BenchReport): string | undefined {
  const catalog = report.figures.catalog;
  if (!catalog) {
    return undefined;
  }
  const pairs = [
    { db: 'SQLite', trellis: catalog.trellisSqlite, backstage: catalog.backstageSqlite },
    { db: 'PostgreSQL', trellis: catalog.trellisPostgres, backstage: catalog.backstagePostgres },
  ].filter((p) => p.trellis);
  const backstageRuns = Math.max(catalog.backstageSqlite?.runs ?? 0, catalog.backstagePostgres?.runs ?? 0);
  const cells = (l: CatalogLine, trellis?: CatalogRow, backstage?: CatalogRow): Cell[] =>
    backstageRuns === 0
      ? [trellis && l.show(trellis)]
      : [
          trellis && l.show(trellis),
          backstage && l.show(backstage),
          trellis && backstage ? ratioOf(l.value(trellis), l.value(backstage)) : '',
        ];
  const rows = CATALOG_LINES.map((l) => [l.name, ...pairs.flatMap((p) => cells(l, p.trellis, p.backstage))]);
  const head = [
    'figure',
    ...pairs.flatMap(({ db }) =>
      backstageRuns === 0 ? [`Trellis, ${db}`] : [`Trellis, ${db}`, `Backstage, ${db}`, 'Trellis / Backstage'],
    ),
  ];
  const intro =
    `The catalog at ${catalog.entities} generated entities (${catalog.files} files as \`catalog.locations\`, ${catalog.components} of them components), ` +
    'each server on an empty database: from spawn to the first API count that holds all of them, then ' +
    `\`GET /api/catalog/entities?filter=kind=component&limit=20\` (autocannon, ${catalog.connections} connections, ${catalog.seconds} s after a warm-up). ` +
    `Medians of ${catalog.trellisSqlite.runs} start(s) of Trellis and ${backstageRuns} of Backstage per database:`;
  return `${intro}\n\n${table(head, rows)}`;
}

function scalingSection(report: BenchReport): string | undefined {
  const scaling = report.figures.scaling;
  if (!scaling) {
    return undefined;
  }
  const rows = scaling.rows.map((r) => [r.plugins, r.readyMs, r.rssKiB]);
  const ratio = scaling.ratio100to1 ? ` 100 plugins start in ${scaling.ratio100to1}× the time of 1.` : '';
  const summary = `Per plugin (least-squares slope): **${scaling.perPluginMs} ms** and **${scaling.perPluginKiB} KiB**; linearity R² ${scaling.linearityMs} (time) and ${scaling.linearityKiB} (memory).${ratio}`;
  return `Backends of generated trivial plugins, median of ${scaling.runs} starts each, the sizes in turn:\n\n${table(['plugins', 'spawn to ready (ms)', 'RSS at ready (KiB)'], rows)}\n\n${summary}`;
}

function dependenciesSection(report: BenchReport): string | undefined {
  const deps = report.figures.dependencies;
  if (!deps) {
    return undefined;
  }
  return table(
    ['production install of apps/backend', 'packages', 'MiB'],
    [
      [
        `artifact of \`scripts/build-app.mjs\` (bundle ${deps.artifact.bundleKiB} KiB${deps.artifact.codeCacheKiB ? `, its V8 code cache ${deps.artifact.codeCacheKiB} KiB` : ''} and the native driver)`,
        deps.artifact.packages,
        deps.artifact.mib,
      ],
      ['production dependency closure as installed in node_modules', deps.installed.packages, deps.installed.mib],
    ],
  );
}

function targetsTable(report: BenchReport): string {
  const rows = checkTargets(report).map((t) => [
    t.target,
    t.measured ?? 'not measured',
    t.met === undefined ? '—' : t.met ? 'yes' : '**no**',
  ]);
  return table(['target', 'measured', 'met'], rows);
}

function notes(report: BenchReport): string | undefined {
  return report.notes.length > 0 ? report.notes.map((n) => `- ${n}`).join('\n') : undefined;
}

function ratio(row: RequestRow | undefined): string {
  return row ? `${row.ratio}×` : 'skipped';
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function table(head: string[], rows: Cell[][]): string {
  const line = (cells: Cell[]) => `| ${cells.map((c) => String(c ?? '')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

import { BenchReport, RequestRow } from '../BenchReport';
import { LoadResult } from '../loadTest';
import { checkTargets } from './targets';

type Cell = string | number | undefined;

/** The results of a run as Markdown: what docs/performance.md shows between its markers. */
export function renderMarkdown(report: BenchReport): string {
  const parts = [
    header(report),
    comparisonTable(report),
    latencyTable(report),
    scalingSection(report),
    dependenciesSection(report),
    targetsTable(report),
    notes(report),
  ];
  return parts.filter(Boolean).join('\n\n') + '\n';
}

function header(report: BenchReport): string {
  const quick = report.quick ? ' **Quick mode: too few and too short runs to quote.**' : '';
  return `Measured ${report.date.slice(0, 10)} (${report.date}) on ${report.machine}; the whole run took ${report.totalSeconds} s.${quick}`;
}

function comparisonTable(report: BenchReport): string | undefined {
  const { coldStart, requests, memory } = report.figures;
  const rows: Cell[][] = [];
  if (coldStart) {
    rows.push([
      'Cold start: spawn to first 200 on a plugin route (ms)',
      coldStart.express.firstMs,
      coldStart.reference.firstMs,
      `${coldStart.ratioFirst}×`,
    ]);
    rows.push([
      'Cold start: spawn to readiness 200 (ms)',
      coldStart.express.readyMs,
      coldStart.reference.readyMs,
      `${coldStart.ratioReady}×`,
    ]);
  }
  if (requests) {
    const x = requests.express.rps;
    rows.push(['Open route `GET /api/example/hello` (req/s)', x, requests.openRoute.rps, ratio(requests.openRoute)]);
    rows.push([
      'Open route, request log lines on (level info) (req/s)',
      x,
      requests.openRouteLogged.rps,
      ratio(requests.openRouteLogged),
    ]);
    rows.push([
      'Open route of a one-plugin backend (req/s)',
      x,
      requests.onePluginOpenRoute.rps,
      ratio(requests.onePluginOpenRoute),
    ]);
    rows.push([
      'Route of that backend that verifies a plugin token (req/s)',
      x,
      requests.tokenRoute?.rps ?? 'skipped',
      ratio(requests.tokenRoute),
    ]);
    rows.push(['Todo list (20 rows) from SQLite (req/s)', x, requests.todoSqlite.rps, ratio(requests.todoSqlite)]);
    rows.push([
      'Todo list (20 rows) from PostgreSQL (req/s)',
      x,
      requests.todoPostgres?.rps ?? 'skipped',
      ratio(requests.todoPostgres),
    ]);
    if (requests.catalogList) {
      rows.push([
        'Catalog list (20 components with relations) from SQLite (req/s)',
        x,
        requests.catalogList.rps,
        ratio(requests.catalogList),
      ]);
    }
  }
  if (memory) {
    rows.push(['RSS after start (KiB)', memory.express.idleKiB, memory.reference.idleKiB, `${memory.ratioIdle}×`]);
    rows.push([
      'RSS after the open-route load (KiB)',
      memory.express.loadedKiB,
      memory.reference.loadedKiB,
      `${memory.ratioLoaded}×`,
    ]);
  }
  if (rows.length === 0) {
    return undefined;
  }
  return table(['figure', 'bare Express', 'Trellis', 'Trellis / Express'], rows);
}

function latencyTable(report: BenchReport): string | undefined {
  const requests = report.figures.requests;
  if (!requests) {
    return undefined;
  }
  const line = (name: string, r?: LoadResult | RequestRow): Cell[] =>
    r
      ? [name, r.p50, r.p99, r.cpuUsPerRequest, 'cpuRatio' in r ? `${r.cpuRatio}×` : '1×']
      : [name, 'skipped', '', '', ''];
  const intro =
    `Load: autocannon in its own process, ${requests.connections} connections, ${requests.seconds} s after a warm-up; ` +
    `median of ${requests.runs} runs. Latency in ms; the server's CPU time (user + system) per request in µs, ` +
    "another view of the framework's cost (it also falls when a busier server handles more requests per wake-up):";
  return `${intro}\n\n${table(
    ['route', 'p50', 'p99', 'CPU per request (µs)', 'CPU / Express'],
    [
      line('bare Express', requests.express),
      line('open route', requests.openRoute),
      line('open route, log lines on', requests.openRouteLogged),
      line('one-plugin backend, open route', requests.onePluginOpenRoute),
      line('plugin-token route', requests.tokenRoute),
      line('todo list, SQLite', requests.todoSqlite),
      line('todo list, PostgreSQL', requests.todoPostgres),
      ...(requests.catalogList ? [line('catalog list, SQLite', requests.catalogList)] : []),
    ],
  )}`;
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

function table(head: string[], rows: Cell[][]): string {
  const line = (cells: Cell[]) => `| ${cells.map((c) => String(c ?? '')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

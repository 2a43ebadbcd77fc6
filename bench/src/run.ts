import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchOptions, readBenchOptions } from './BenchOptions';
import { BenchReport } from './BenchReport';
import { BACKSTAGE_ANCHOR, BACKSTAGE_CATALOG_ANCHOR, BackstageAnchor, prepareBackstage } from './backstage';
import { BenchWorkspace } from './BenchWorkspace';
import { buildServers } from './buildServers';
import { measureCatalog } from './figures/catalog';
import { measureColdStart } from './figures/coldStart';
import { measureDependencies } from './figures/dependencies';
import { callgrindUnavailable, measureInstructions } from './figures/instructions';
import { measureRequests } from './figures/requests';
import { measureScaling } from './figures/scaling';
import { postgresUnavailable } from './postgres';
import { renderMarkdown } from './report/renderMarkdown';
import { renderRatioChart } from './report/renderRatioChart';
import { updatePerformanceDoc } from './report/updatePerformanceDoc';
import { round } from './stats';

const benchDir = path.resolve(__dirname, '..');
const rootDir = path.resolve(benchDir, '..');
const docFile = path.join(rootDir, 'docs/performance.md');

/** `yarn bench [--quick] [--only=cold,scaling,requests,instructions,deps,catalog] [--no-backstage] [--out=DIR] [--doc]`. */
async function main(argv: string[]): Promise<void> {
  const options = readBenchOptions(argv, benchDir);
  if (options.docOnly) {
    const report = JSON.parse(fs.readFileSync(path.join(benchDir, 'results/latest.json'), 'utf8')) as BenchReport;
    writeResults(report, { ...options, official: true, outDir: path.join(benchDir, 'results') });
    return;
  }
  const report = await measure(options);
  writeResults(report, options);
}

async function measure(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  // Runs writing elsewhere (the smoke test) build elsewhere too, never under a running full run.
  const buildDir = options.official ? path.join(benchDir, '.build') : path.join(options.outDir, '.build');
  const servers = await buildServers({ rootDir, benchDir, outDir: buildDir });
  const workspace = BenchWorkspace.create(servers);
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    quick: options.quick,
    totalSeconds: 0,
    notes: [],
    figures: {},
  };
  try {
    await measureFigures(options, workspace, report, servers.referenceDir);
  } finally {
    workspace.dropDatabases();
  }
  report.totalSeconds = round((performance.now() - started) / 1000);
  return report;
}

async function measureFigures(
  options: BenchOptions,
  workspace: BenchWorkspace,
  report: BenchReport,
  referenceDir: string,
): Promise<void> {
  const { figures } = report;
  const anchors = prepareAnchors(options, report.notes);
  if (options.figures.has('cold')) {
    figures.coldStart = await measureColdStart(workspace, options.startRuns, anchors);
  }
  if (options.figures.has('scaling')) {
    figures.scaling = await measureScaling(workspace, options.pluginCounts, options.scalingRuns);
  }
  if (options.figures.has('requests')) {
    const settings = {
      runs: options.loadRuns,
      seconds: options.loadSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
    };
    Object.assign(figures, await measureRequests(workspace, settings, anchors, report.notes));
  }
  if (options.figures.has('instructions')) {
    const missing = callgrindUnavailable();
    if (missing) {
      report.notes.push(`Instruction counts skipped: ${missing}.`);
    } else {
      figures.instructions = await measureInstructions(workspace, options.instructionRequests, anchors);
    }
  }
  if (options.figures.has('deps')) {
    figures.dependencies = measureDependencies({ rootDir, referenceDir });
  }
  if (options.figures.has('catalog')) {
    const settings = {
      runs: options.catalogRuns,
      backstageRuns: options.backstageCatalogRuns,
      load: {
        runs: 1,
        seconds: options.loadSeconds,
        warmupSeconds: options.warmupSeconds,
        connections: options.connections,
      },
    };
    figures.catalog = await measureCatalog(workspace, settings, anchors, report.notes);
  }
}

/** What the figures run against besides Trellis. */
interface Anchors {
  postgres: boolean;
  /** Backstage with one trivial plugin, for the start-up and request figures. */
  backstageDir?: string;
  /** Backstage with its catalog plugin, for the catalog figure. */
  backstageCatalogDir?: string;
}

const SERVER_FIGURES = ['cold', 'requests', 'instructions', 'catalog'] as const;

/** PostgreSQL for the production config, and the Backstage installs; what is missing goes into the notes. */
function prepareAnchors(options: BenchOptions, notes: string[]): Anchors {
  if (!SERVER_FIGURES.some((f) => options.figures.has(f))) {
    return { postgres: false };
  }
  const pgMissing = postgresUnavailable();
  if (pgMissing) {
    notes.push(
      `Production config needs PostgreSQL, which is missing (${pgMissing}): Trellis ran on SQLite, and the PostgreSQL rows and Backstage were skipped.`,
    );
    return { postgres: false };
  }
  if (!options.backstage) {
    notes.push(options.quick ? 'Backstage anchor skipped (--quick).' : 'Backstage anchor skipped (--no-backstage).');
    return { postgres: true };
  }
  const install = (anchor: BackstageAnchor): string | undefined => {
    process.stdout.write(`Preparing the Backstage anchor (${anchor.folder})...\n`);
    const backstage = prepareBackstage(anchor);
    if ('reason' in backstage) {
      notes.push(`Backstage anchor skipped: ${backstage.reason}.`);
      return undefined;
    }
    return backstage.dir;
  };
  const needsPlain = SERVER_FIGURES.some((f) => f !== 'catalog' && options.figures.has(f));
  return {
    postgres: true,
    backstageDir: needsPlain ? install(BACKSTAGE_ANCHOR) : undefined,
    backstageCatalogDir: options.figures.has('catalog') ? install(BACKSTAGE_CATALOG_ANCHOR) : undefined,
  };
}

function writeResults(report: BenchReport, options: BenchOptions): void {
  const markdown = renderMarkdown(report);
  fs.mkdirSync(options.outDir, { recursive: true });
  fs.writeFileSync(path.join(options.outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(options.outDir, 'latest.md'), markdown);
  fs.writeFileSync(path.join(options.outDir, 'ratios.svg'), renderRatioChart(report));
  if (options.official) {
    updatePerformanceDoc(docFile, markdown);
  }
  process.stdout.write(
    `${markdown}\nResults in ${path.relative(process.cwd(), options.outDir) || '.'}${options.official ? ' and docs/performance.md' : ''}\n`,
  );
}

function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), ${round(os.totalmem() / 2 ** 30, 0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `yarn bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

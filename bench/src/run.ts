import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchOptions, readBenchOptions } from './BenchOptions';
import { BenchReport } from './BenchReport';
import { BenchWorkspace } from './BenchWorkspace';
import { buildServers } from './buildServers';
import { measureColdStart } from './figures/coldStart';
import { measureDependencies } from './figures/dependencies';
import { measureRequests } from './figures/requests';
import { measureScaling } from './figures/scaling';
import { renderMarkdown } from './report/renderMarkdown';
import { renderRatioChart } from './report/renderRatioChart';
import { updatePerformanceDoc } from './report/updatePerformanceDoc';
import { round } from './stats';

const benchDir = path.resolve(__dirname, '..');
const rootDir = path.resolve(benchDir, '..');
const docFile = path.join(rootDir, 'docs/performance.md');

/** `yarn bench [--quick] [--only=cold,scaling,requests,deps] [--out=DIR] [--doc]`. */
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
  const { figures } = report;
  if (options.figures.has('cold')) {
    figures.coldStart = await measureColdStart(workspace, options.startRuns);
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
    Object.assign(figures, await measureRequests(workspace, settings, report.notes));
  }
  if (options.figures.has('deps')) {
    figures.dependencies = measureDependencies({ rootDir, referenceDir: servers.referenceDir });
  }
  report.totalSeconds = round((performance.now() - started) / 1000);
  return report;
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

import path from 'node:path';

/** The figures `yarn bench` can measure; `--only=a,b` picks some. */
export const FIGURES = ['cold', 'scaling', 'requests', 'instructions', 'deps', 'catalog'] as const;

/**
 * The figures of a run without `--only`. Instruction counts are among them (a run without valgrind
 * says it left them out); Backstage's catalog takes about ten minutes to read the catalog figure's
 * entities on SQLite, so that figure runs only when asked for.
 */
const DEFAULT_FIGURES: readonly FigureName[] = ['cold', 'scaling', 'requests', 'instructions', 'deps'];

/** One of {@link FIGURES}. */
export type FigureName = (typeof FIGURES)[number];

/** What one `yarn bench` run does, read from its arguments. */
export interface BenchOptions {
  quick: boolean;
  figures: ReadonlySet<FigureName>;
  /** Process starts per configuration for the start-up figures. */
  startRuns: number;
  /** Starts per plugin count. */
  scalingRuns: number;
  /** Load runs per configuration for the request figures. */
  loadRuns: number;
  loadSeconds: number;
  warmupSeconds: number;
  connections: number;
  pluginCounts: number[];
  /** Requests counted per route under callgrind. */
  instructionRequests: number;
  /** Starts of each Trellis catalog configuration, and of each Backstage one. */
  catalogRuns: number;
  backstageCatalogRuns: number;
  /** Measure Backstage as a second anchor (never in --quick: it needs an install from the registry). */
  backstage: boolean;
  /** Where the results go; a complete full run writes bench/results and updates the doc. */
  outDir: string;
  /** A complete full run: its results are the ones docs/performance.md shows. */
  official: boolean;
  /** Only re-render the Markdown, chart and doc from the last full run's JSON. */
  docOnly: boolean;
}

/** Reads `--quick`, `--only=cold,scaling,requests,instructions,deps,catalog`, `--no-backstage`, `--out=DIR` and `--doc`. */
export function readBenchOptions(argv: readonly string[], benchDir: string): BenchOptions {
  const quick = argv.includes('--quick');
  const only = valueOf(argv, '--only')?.split(',').filter(Boolean) ?? [];
  for (const name of only) {
    if (!(FIGURES as readonly string[]).includes(name)) {
      throw new Error(`Unknown figure '${name}' in --only; choose from ${FIGURES.join(', ')}`);
    }
  }
  const official = !quick && only.length === 0 && !valueOf(argv, '--out');
  const outDir = valueOf(argv, '--out') ?? path.join(benchDir, official ? 'results' : 'results/scratch');
  return {
    quick,
    // A quick run leaves out the instruction counts: under valgrind they take minutes.
    figures: new Set(
      (only.length > 0 ? only : DEFAULT_FIGURES.filter((f) => !quick || f !== 'instructions')) as FigureName[],
    ),
    startRuns: quick ? 2 : 5,
    scalingRuns: quick ? 2 : 7,
    loadRuns: quick ? 1 : 5,
    loadSeconds: quick ? 1 : 4,
    warmupSeconds: 1,
    connections: 10,
    pluginCounts: quick ? [1, 10] : [1, 10, 100, 500],
    instructionRequests: quick ? 200 : 1000,
    catalogRuns: quick ? 1 : 3,
    backstageCatalogRuns: 1,
    backstage: !quick && !argv.includes('--no-backstage'),
    outDir: path.resolve(outDir),
    official,
    docOnly: argv.includes('--doc'),
  };
}

function valueOf(argv: readonly string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

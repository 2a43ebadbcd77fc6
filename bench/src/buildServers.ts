import { build, Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const NAME_HELPER = path.resolve(__dirname, '../../scripts/nameHelper.mjs');
const DEDUPE_PACKAGES = path.resolve(__dirname, '../../scripts/dedupePackages.mjs');
const BUNDLE_PATCHES = path.resolve(__dirname, '../../scripts/bundlePatches.mjs');

/** The JavaScript the benchmarks run: no TypeScript loader in any measured process. */
export interface BuiltServers {
  /** Bare Express 5 with the same JSON route: the ceiling. */
  express: string;
  /** Bare Express and knex serving the todo list query: the database ceiling. */
  expressKnex: string;
  /** A backend of N generated trivial plugins (env PLUGINS). */
  plugins: string;
  /** The production artifact of apps/backend, as `yarn build backend` makes it. */
  referenceDir: string;
}

// Drivers that are native or optional stay outside the bundles, as in the production build.
const EXTERNAL = [
  'better-sqlite3',
  'pg-native',
  'mysql',
  'mysql2',
  'mariadb',
  'mariadb/*',
  'oracledb',
  'tedious',
  'sqlite3',
  'pg-query-stream',
  'cpu-features',
];

/** Bundles the bench servers and builds the reference backend's artifact into `outDir`. */
export async function buildServers(options: {
  rootDir: string;
  benchDir: string;
  outDir: string;
}): Promise<BuiltServers> {
  fs.mkdirSync(options.outDir, { recursive: true });
  const express = path.join(options.outDir, 'express.js');
  const plugins = path.join(options.outDir, 'plugins.js');
  const expressKnex = path.join(options.outDir, 'expressKnex.js');
  await bundle(path.join(options.benchDir, 'src/servers/express.ts'), express);
  await bundle(path.join(options.benchDir, 'src/servers/expressKnex.ts'), expressKnex);
  await bundle(path.join(options.benchDir, 'src/servers/plugins.ts'), plugins);
  const referenceDir = path.join(options.outDir, 'backend');
  const run = spawnSync(process.execPath, ['scripts/build-app.mjs', 'apps/backend', '--out', referenceDir], {
    cwd: options.rootDir,
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    throw new Error(`Building apps/backend failed:\n${run.stderr}`);
  }
  return { express, expressKnex, plugins, referenceDir };
}

// The same settings as scripts/build-app.mjs, so both sides of every ratio load alike.
async function bundle(entry: string, outfile: string): Promise<void> {
  const { dedupePackages } = (await import(pathToFileURL(DEDUPE_PACKAGES).href)) as {
    dedupePackages: () => Plugin;
  };
  const { bundlePatches } = (await import(pathToFileURL(BUNDLE_PATCHES).href)) as {
    bundlePatches: () => Plugin;
  };
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    conditions: ['@trellis/source'],
    minifySyntax: true,
    minifyWhitespace: true,
    keepNames: true,
    external: EXTERNAL,
    // One copy of each package version, as in the artifact (and as a flat npm install has), and
    // the artifact's patches of dependencies (scripts/bundlePatches.mjs).
    plugins: [dedupePackages(), bundlePatches()],
    logLevel: 'error',
  });
  // The artifact's name helper too (scripts/nameHelper.mjs), so both sides of a ratio run alike.
  const { withCheapNameHelper, withInferredNames } = (await import(pathToFileURL(NAME_HELPER).href)) as {
    withCheapNameHelper: (code: string) => string;
    withInferredNames: (code: string) => { code: string };
  };
  fs.writeFileSync(outfile, withInferredNames(withCheapNameHelper(fs.readFileSync(outfile, 'utf8'))).code);
}

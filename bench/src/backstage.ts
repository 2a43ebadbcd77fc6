import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The Backstage packages of the second anchor, pinned to one minor release line. */
export const BACKSTAGE_PACKAGES = {
  '@backstage/backend-defaults': '~0.19.0',
  '@backstage/backend-plugin-api': '~1.12.0',
};

/** One Backstage install of the bench: its folder in the cache, its packages and its server file. */
export interface BackstageAnchor {
  /** The folder under the bench cache. */
  folder: string;
  packages: Record<string, string>;
  /** A file of bench/src/servers/backstage, copied next to the install. */
  server: string;
}

/** Backstage with one trivial plugin: the anchor of the start-up and request figures. */
export const BACKSTAGE_ANCHOR: BackstageAnchor = {
  folder: 'backstage',
  packages: BACKSTAGE_PACKAGES,
  server: 'server.cjs',
};

/**
 * Backstage with its catalog plugin: the anchor of the catalog figure, in a folder of its own so
 * that the catalog's 700-odd packages never change the install the other figures start. 4.0.5 is
 * the catalog release that depends on backend-plugin-api ^1.12.0, the line pinned above.
 */
export const BACKSTAGE_CATALOG_ANCHOR: BackstageAnchor = {
  folder: 'backstage-catalog',
  packages: { ...BACKSTAGE_PACKAGES, '@backstage/plugin-catalog-backend': '~4.0.5' },
  server: 'catalogServer.cjs',
};

const SERVERS = path.join(__dirname, 'servers/backstage');
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** Where an anchor lives: under TRELLIS_BENCH_CACHE, or under ~/.cache/trellis-bench. */
export function backstageDir(anchor: BackstageAnchor = BACKSTAGE_ANCHOR): string {
  return process.env.TRELLIS_BENCH_CACHE
    ? path.resolve(process.env.TRELLIS_BENCH_CACHE, anchor.folder)
    : path.join(os.homedir(), '.cache/trellis-bench', anchor.folder);
}

/**
 * Installs a Backstage anchor with npm and the running Node into {@link backstageDir} (outside
 * the repository, reused across runs; no lockfile is written) unless the same package ranges are
 * installed there already, and copies the bench's server file next to it. Returns the folder,
 * or why the anchor cannot run (offline, say), for the report's notes.
 */
export function prepareBackstage(anchor: BackstageAnchor = BACKSTAGE_ANCHOR): { dir: string } | { reason: string } {
  const dir = backstageDir(anchor);
  const manifest = {
    name: `trellis-bench-${anchor.folder}`,
    private: true,
    description: 'The Backstage anchor of yarn bench (written by bench/src/backstage.ts; safe to delete)',
    dependencies: anchor.packages,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestFile = path.join(dir, 'package.json');
  const installed =
    Object.keys(anchor.packages).every((name) => fs.existsSync(path.join(dir, 'node_modules', name, 'package.json'))) &&
    fs.existsSync(manifestFile) &&
    fs.readFileSync(manifestFile, 'utf8') === manifestText;
  if (!installed) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(manifestFile, manifestText);
    const run = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--omit=dev', '--no-package-lock', '--loglevel=error'],
      { cwd: dir, encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS },
    );
    if (run.status !== 0) {
      fs.rmSync(manifestFile, { force: true });
      const why = run.error?.message ?? run.stderr.trim().split('\n').slice(-3).join(' ');
      return { reason: `installing Backstage with npm into ${dir} failed (${why})` };
    }
  }
  fs.copyFileSync(path.join(SERVERS, anchor.server), path.join(dir, anchor.server));
  return { dir };
}

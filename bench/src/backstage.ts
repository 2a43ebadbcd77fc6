import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The Backstage packages of the second anchor, pinned to one minor release line. */
export const BACKSTAGE_PACKAGES = {
  '@backstage/backend-defaults': '~0.19.0',
  '@backstage/backend-plugin-api': '~1.12.0',
};

const SERVER = path.join(__dirname, 'servers/backstage/server.cjs');
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** Where the Backstage anchor lives: TRELLIS_BENCH_CACHE, or ~/.cache/trellis-bench/backstage. */
export function backstageDir(): string {
  return process.env.TRELLIS_BENCH_CACHE
    ? path.resolve(process.env.TRELLIS_BENCH_CACHE, 'backstage')
    : path.join(os.homedir(), '.cache/trellis-bench/backstage');
}

/**
 * Installs the Backstage anchor with npm and the running Node into {@link backstageDir} (outside
 * the repository, reused across runs; no lockfile is written) unless the same package ranges are
 * installed there already, and copies the bench's server file next to it. Returns the folder,
 * or why the anchor cannot run (offline, say), for the report's notes.
 */
export function prepareBackstage(): { dir: string } | { reason: string } {
  const dir = backstageDir();
  const manifest = {
    name: 'trellis-bench-backstage',
    private: true,
    description: 'The Backstage anchor of yarn bench (written by bench/src/backstage.ts; safe to delete)',
    dependencies: BACKSTAGE_PACKAGES,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestFile = path.join(dir, 'package.json');
  const installed =
    fs.existsSync(path.join(dir, 'node_modules/@backstage/backend-defaults/package.json')) &&
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
  fs.copyFileSync(SERVER, path.join(dir, 'server.cjs'));
  return { dir };
}

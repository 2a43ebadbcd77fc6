import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository this test runs in. */
export const repoRoot = path.resolve(__dirname, '../..');

/**
 * A copy of the workspace's tracked and new files in a temporary folder. Its node_modules is a
 * folder of links into the real one, except `@trellis/*`, which points at the copy's own packages,
 * so generated packages resolve without a network install and the real workspace stays untouched.
 */
export function createScratchWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-scratch-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot })
    .toString()
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(repoRoot, f)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(dir, file));
  }
  linkNodeModules(dir);
  return dir;
}

function linkNodeModules(dir: string): void {
  const real = path.join(repoRoot, 'node_modules');
  const target = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(target, '@trellis'), { recursive: true });
  for (const entry of fs.readdirSync(real)) {
    if (entry !== '@trellis' && entry !== '.cache') {
      fs.symlinkSync(path.join(real, entry), path.join(target, entry));
    }
  }
  for (const group of ['apps', 'libs', 'plugins', 'tools']) {
    const groupDir = path.join(dir, group);
    const packages = group === 'tools' ? [groupDir] : fs.readdirSync(groupDir).map((p) => path.join(groupDir, p));
    for (const pkgDir of packages) {
      linkWorkspacePackage(dir, pkgDir);
    }
  }
}

/** Links one workspace package of the scratch copy into its node_modules, as yarn install would. */
export function linkWorkspacePackage(dir: string, pkgDir: string): void {
  const manifest = path.join(pkgDir, 'package.json');
  if (!fs.existsSync(manifest)) {
    return;
  }
  const name: string = JSON.parse(fs.readFileSync(manifest, 'utf8')).name;
  const link = path.join(dir, 'node_modules', name);
  if (!fs.existsSync(link)) {
    fs.symlinkSync(pkgDir, link);
  }
}

/** Runs a node script of the real node_modules in the scratch copy; returns status and output. */
export function runTool(cwd: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', script), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    timeout: 180_000,
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

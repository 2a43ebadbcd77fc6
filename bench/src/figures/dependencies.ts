import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DependenciesFigure } from '../BenchReport';
import { round } from '../stats';

interface BuildReport {
  productionPackages: number;
  artifactMiB: number;
  bundleKiB: number;
  codeCache?: { written: boolean; kiB?: number };
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The weight of a production install of apps/backend, two ways: the artifact the build makes
 * (its own report), and the closure of the app's production dependencies as installed in
 * node_modules (every package reached through `dependencies` and installed
 * `optionalDependencies`, workspace packages followed but not counted, sizes of the package
 * folders without their nested node_modules).
 */
export function measureDependencies(options: { rootDir: string; referenceDir: string }): DependenciesFigure {
  const report = JSON.parse(
    fs.readFileSync(path.join(options.referenceDir, 'build-report.json'), 'utf8'),
  ) as BuildReport;
  const installed = installedClosure(path.join(options.rootDir, 'apps/backend'));
  let bytes = 0;
  for (const dir of installed.values()) {
    bytes += folderBytes(dir);
  }
  return {
    artifact: {
      packages: report.productionPackages,
      mib: report.artifactMiB,
      bundleKiB: report.bundleKiB,
      codeCacheKiB: report.codeCache?.kiB,
    },
    installed: { packages: installed.size, mib: round(bytes / 2 ** 20, 1) },
  };
}

/** Package folders (by real path) reached from `appDir`'s production dependencies. */
function installedClosure(appDir: string): Map<string, string> {
  const found = new Map<string, string>();
  const visited = new Set<string>();
  const visit = (dir: string) => {
    if (visited.has(dir)) {
      return;
    }
    visited.add(dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    const req = createRequire(path.join(dir, 'package.json'));
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const depDir = resolvePackageDir(req, name);
      if (!depDir) {
        continue;
      }
      if (!depDir.split(path.sep).includes('node_modules')) {
        visit(depDir); // a workspace package: follow it, it is not a download
        continue;
      }
      found.set(depDir, depDir);
      visit(depDir);
    }
  };
  visit(appDir);
  return found;
}

function resolvePackageDir(req: NodeJS.Require, name: string): string | undefined {
  for (const base of req.resolve.paths(name) ?? []) {
    const candidate = path.join(base, name, 'package.json');
    if (fs.existsSync(candidate)) {
      return fs.realpathSync(path.dirname(candidate));
    }
  }
  return undefined; // an optional dependency that is not installed
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') {
      total += folderBytes(full);
    } else if (entry.isFile()) {
      total += fs.statSync(full).size;
    }
  }
  return total;
}

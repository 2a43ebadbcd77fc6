/**
 * Finds the installed packages Node cannot `require()`: ES-module-only packages, which Jest must
 * compile to CommonJS like our sources. Computed from the packages' own package.json files (no
 * hand-kept list) and cached in node_modules/.cache until the next install.
 */
const fs = require('node:fs');
const path = require('node:path');

const REQUIRE_CONDITIONS = ['node', 'require', 'default'];

/** The target `exports` gives a `require()` of `entry`, or undefined when only `import` has one. */
function requireTarget(entry) {
  if (typeof entry === 'string') {
    return entry;
  }
  if (Array.isArray(entry)) {
    return entry.map(requireTarget).find((t) => t !== undefined);
  }
  if (entry && typeof entry === 'object') {
    for (const [condition, value] of Object.entries(entry)) {
      if (REQUIRE_CONDITIONS.includes(condition)) {
        const target = requireTarget(value);
        if (target !== undefined) {
          return target;
        }
      }
    }
  }
  return undefined;
}

/** The main entry of an `exports` field: its "." subpath, or the field itself when it has no subpaths. */
function mainExport(exportsField) {
  if (typeof exportsField !== 'object' || exportsField === null || Array.isArray(exportsField)) {
    return exportsField;
  }
  const keys = Object.keys(exportsField);
  if (keys.length > 0 && keys.every((k) => k.startsWith('.'))) {
    return exportsField['.'] ?? exportsField[keys.find((k) => k !== './package.json')];
  }
  return exportsField;
}

/**
 * Whether a package.json describes a package that only ES-module `import` can load. `dir`, when
 * given, lets a `.js` target's own nearer package.json (`dist/commonjs/package.json` with
 * `"type": "commonjs"`, as dual packages ship) decide its format, as Node does.
 */
function isEsmOnly(pkg, dir) {
  if (pkg.exports === undefined) {
    const main = pkg.main ?? 'index.js';
    return main.endsWith('.mjs') || (pkg.type === 'module' && !main.endsWith('.cjs'));
  }
  const target = requireTarget(mainExport(pkg.exports));
  if (target === undefined) {
    return true;
  }
  return target.endsWith('.mjs') || (target.endsWith('.js') && typeOf(target, pkg, dir) === 'module');
}

/** The module type of a `.js` file of a package: its nearest package.json's `type`. */
function typeOf(target, pkg, dir) {
  if (dir) {
    for (let d = path.dirname(path.resolve(dir, target)); d.startsWith(dir) && d !== dir; d = path.dirname(d)) {
      try {
        return JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).type ?? 'commonjs';
      } catch {
        // no package.json at this level
      }
    }
  }
  return pkg.type ?? 'commonjs';
}

/** Every package directory below a node_modules directory, nested ones included. */
function* packageDirs(nodeModules) {
  let names;
  try {
    names = fs.readdirSync(nodeModules);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = path.join(nodeModules, name);
    if (name.startsWith('@')) {
      for (const scoped of fs.readdirSync(dir)) {
        yield* packageAndNested(path.join(dir, scoped));
      }
    } else {
      yield* packageAndNested(dir);
    }
  }
}

function* packageAndNested(dir) {
  yield dir;
  yield* packageDirs(path.join(dir, 'node_modules'));
}

function scanEsmOnlyPackages(nodeModules) {
  const names = new Set();
  const packages = [];
  const esmDirs = new Set();
  for (const dir of packageDirs(nodeModules)) {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (typeof pkg.name !== 'string') continue;
    packages.push({ dir, pkg });
    if (isEsmOnly(pkg, dir)) {
      names.add(pkg.name);
      esmDirs.add(dir);
    }
  }
  // A CommonJS package that depends on an ES-module-only one can only load it with `import()`,
  // which Jest runs only in compiled code (it needs --experimental-vm-modules otherwise): such
  // packages (@backstage/plugin-kubernetes-backend with @kubernetes/client-node 1) are compiled
  // too, which turns their `import()` into a `require()` of the compiled package.
  for (const { dir, pkg } of packages) {
    if (names.has(pkg.name)) continue;
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
    if (deps.some((dep) => esmDirs.has(resolvePackageDir(dep, dir, nodeModules)))) {
      names.add(pkg.name);
    }
  }
  return [...names].sort();
}

/** Where Node finds package `name` from package directory `from`: the nearest node_modules up to the root's. */
function resolvePackageDir(name, from, rootNodeModules) {
  const top = path.dirname(rootNodeModules);
  for (let dir = from; dir.startsWith(top); dir = path.dirname(dir)) {
    if (path.basename(dir) === 'node_modules') continue;
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) {
      return candidate;
    }
    if (dir === top) break;
  }
  return undefined;
}

/**
 * The names of the ES-module-only packages installed in `<root>/node_modules`, read from the cache
 * when the install (node_modules/.yarn-state.yml) has not changed since it was written.
 */
function findEsmOnlyPackages(root) {
  const nodeModules = path.resolve(root, 'node_modules');
  const cacheFile = path.join(nodeModules, '.cache', 'trellis-jest-esm-packages.json');
  let installStamp = '';
  try {
    installStamp = String(fs.statSync(path.join(nodeModules, '.yarn-state.yml')).mtimeMs);
  } catch {
    // no Yarn state file: scan every time
  }
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    if (installStamp && cached.installStamp === installStamp) {
      return cached.packages;
    }
  } catch {
    // no cache yet
  }
  const packages = scanEsmOnlyPackages(nodeModules);
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(cacheFile, JSON.stringify({ installStamp, packages }));
  } catch {
    // a read-only node_modules only costs the scan next time
  }
  return packages;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A transformIgnorePatterns entry that ignores node_modules files except those of the given
 * packages; it looks at the innermost node_modules segment, so nested copies count too.
 */
function ignoreAllBut(packages) {
  if (packages.length === 0) {
    return '/node_modules/';
  }
  return `/node_modules/(?!.*/node_modules/)(?!(?:${packages.map(escapeRegExp).join('|')})/)`;
}

module.exports = { findEsmOnlyPackages, ignoreAllBut, isEsmOnly };

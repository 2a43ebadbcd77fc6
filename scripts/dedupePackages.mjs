// An esbuild plugin that bundles one copy of a package where the install holds several of the
// same name and version. Yarn's node-modules linker nests a copy under every parent whose version
// lost the hoisting vote (mime-db 1.54.0 sat under express, send, accepts and body-parser: four
// copies of 199 KiB), and a bundle would parse and run each of them at start. A copy is replaced
// by another only when every dependency it declares resolves, from both places, to the same name
// and version, so the code that runs is the same; which copy is kept does not depend on the order
// esbuild resolves in (of the equivalent copies, the least nested one, then the first in path order).
import fs from 'node:fs';
import path from 'node:path';

const PACKAGE_ROOT = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

/** @returns {import('esbuild').Plugin} */
export function dedupePackages() {
  return {
    name: 'dedupe-packages',
    setup(build) {
      const manifests = new Map();
      const copies = new Map();
      const canonical = new Map();
      const manifest = (root) => {
        if (!manifests.has(root)) {
          let parsed;
          try {
            parsed = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
          } catch {
            parsed = undefined;
          }
          manifests.set(root, parsed);
        }
        return manifests.get(root);
      };
      // The root of the copy Node would load for `name` from a file in `dir`.
      const installed = (name, dir) => {
        for (let at = dir; ; at = path.dirname(at)) {
          const candidate = path.join(at, 'node_modules', name);
          if (manifest(candidate)) {
            return candidate;
          }
          if (path.dirname(at) === at) {
            return undefined;
          }
        }
      };
      const identity = (root) => {
        const json = manifest(root);
        return json && `${json.name}@${json.version}`;
      };
      const equivalent = (a, b) => {
        const json = manifest(a);
        const deps = Object.keys({ ...json.dependencies, ...json.optionalDependencies, ...json.peerDependencies });
        return deps.every((dep) => {
          const fromA = installed(dep, a);
          const fromB = installed(dep, b);
          return (fromA && identity(fromA)) === (fromB && identity(fromB));
        });
      };
      const keep = (root) => {
        if (!canonical.has(root)) {
          const key = identity(root);
          const all = key ? copiesOf(key, root) : [root];
          canonical.set(root, all.find((other) => other === root || equivalent(root, other)) ?? root);
        }
        return canonical.get(root);
      };
      // Every installed copy of `key`, in path order, from the node_modules tree `root` is in.
      const trees = new Map();
      const copiesOf = (key, root) => {
        if (!copies.has(key)) {
          const top = path.join(root.slice(0, root.indexOf(`${path.sep}node_modules${path.sep}`)), 'node_modules');
          if (!trees.has(top)) {
            trees.set(top, packageDirs(top));
          }
          const name = key.slice(0, key.lastIndexOf('@'));
          copies.set(key, (trees.get(top).get(name) ?? []).filter((dir) => identity(dir) === key).sort(byDepth));
        }
        return copies.get(key);
      };
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.dedupePackages || path.isAbsolute(args.path)) {
          return undefined;
        }
        const result = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { dedupePackages: true },
        });
        const root = result.errors.length === 0 && !result.external ? PACKAGE_ROOT.exec(result.path)?.[1] : undefined;
        if (!root) {
          return undefined;
        }
        const kept = keep(root);
        return { path: kept + result.path.slice(root.length), sideEffects: result.sideEffects };
      });
    },
  };
}

/** The least nested directory first, then path order. */
function byDepth(a, b) {
  const depth = (dir) => dir.split(`${path.sep}node_modules${path.sep}`).length;
  return depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Package name to the directories of its copies, in `nodeModules` and every node_modules below. */
function packageDirs(nodeModules) {
  const byName = new Map();
  const visit = (dir) => {
    for (const [name, pkg] of children(dir)) {
      byName.set(name, [...(byName.get(name) ?? []), pkg]);
      visit(path.join(pkg, 'node_modules'));
    }
  };
  visit(nodeModules);
  return byName;
}

/** The packages directly in a node_modules directory, scoped ones included, as [name, dir]. */
function children(dir) {
  const list = (at) => {
    try {
      return fs
        .readdirSync(at, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
    } catch {
      return [];
    }
  };
  return list(dir).flatMap((entry) =>
    entry.name.startsWith('@')
      ? list(path.join(dir, entry.name)).map((scoped) => [
          `${entry.name}/${scoped.name}`,
          path.join(dir, entry.name, scoped.name),
        ])
      : [[entry.name, path.join(dir, entry.name)]],
  );
}

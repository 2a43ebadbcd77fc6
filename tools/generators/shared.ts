import { joinPathFragments, names, Tree } from '@nx/devkit';

const ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Refuses an ID that is not lower-case kebab-case, before anything is written. */
export function assertId(kind: string, id: string | undefined): string {
  if (!id || !ID.test(id)) {
    throw new Error(
      `Invalid ${kind} ID '${id ?? ''}': use lower-case kebab-case starting with a letter, such as 'billing' or 'cost-insights'`,
    );
  }
  return id;
}

/** Refuses a target folder that exists, so a generator never overwrites work. */
export function assertFree(tree: Tree, dir: string, what: string): void {
  if (tree.exists(dir)) {
    throw new Error(`${what} already exists at ${dir}; pick another ID or remove the folder first`);
  }
}

/** Name variants for templates: `cost-insights` → costInsights, CostInsights. */
export function idNames(id: string) {
  const n = names(id);
  return { id, camel: n.propertyName, pascal: n.className };
}

/** Adds a workspace dependency to apps/backend/package.json (kept sorted). */
export function addBackendDependency(tree: Tree, packageName: string): void {
  const path = 'apps/backend/package.json';
  const pkg = JSON.parse(tree.read(path, 'utf-8')!);
  pkg.dependencies = Object.fromEntries(
    Object.entries({ ...pkg.dependencies, [packageName]: 'workspace:*' }).sort(([a], [b]) => a.localeCompare(b)),
  );
  tree.write(path, JSON.stringify(pkg, null, 2) + '\n');
}

/** Inserts `backend.add(import('<pkg>'));` after the last one in apps/backend/src/index.ts. */
export function addToBackend(tree: Tree, packageName: string): void {
  const path = 'apps/backend/src/index.ts';
  const source = tree.read(path, 'utf-8')!;
  const line = `backend.add(import('${packageName}'));`;
  if (source.includes(line)) {
    return;
  }
  const lines = source.split('\n');
  const last = lines
    .map((l, i) => (l.startsWith('backend.add(') ? i : -1))
    .filter((i) => i >= 0)
    .pop();
  if (last === undefined) {
    throw new Error(`Could not find a backend.add(...) line in ${path}; add ${line} yourself`);
  }
  lines.splice(last + 1, 0, line);
  tree.write(path, lines.join('\n'));
}

/** Appends a top-level config key to app-config.yaml unless it is there. */
export function addConfigKey(tree: Tree, key: string, yaml: string): void {
  const source = tree.read('app-config.yaml', 'utf-8')!;
  if (new RegExp(`^${key}:`, 'm').test(source)) {
    return;
  }
  tree.write('app-config.yaml', `${source.trimEnd()}\n\n${yaml.trimEnd()}\n`);
}

export { joinPathFragments };

import { formatFiles, generateFiles, Tree } from '@nx/devkit';
import { execSync } from 'node:child_process';
import path from 'node:path';
import { writeNodeLibrary } from '../node-library/generator';
import { addBackendDependency, addConfigKey, addToBackend, assertFree, assertId, idNames } from '../shared';

/** Options of the backend-plugin generator. */
export interface BackendPluginOptions {
  id: string;
  database?: boolean;
  nodeLibrary?: boolean;
  skipInstall?: boolean;
}

/**
 * Writes plugins/<id>-backend (a plugin with a validated route, config schema, test, dev entry and
 * optional migrations), adds it to apps/backend and its config key to app-config.yaml.
 */
export default async function backendPluginGenerator(tree: Tree, options: BackendPluginOptions) {
  const id = assertId('plugin', options.id);
  const dir = `plugins/${id}-backend`;
  assertFree(tree, dir, `Plugin '${id}'`);
  const packageName = `@trellis/plugin-${id}-backend`;
  if (options.nodeLibrary) {
    writeNodeLibrary(tree, id);
  }
  generateFiles(tree, path.join(__dirname, 'files'), dir, {
    ...idNames(id),
    packageName,
    database: Boolean(options.database),
    nodeLibrary: Boolean(options.nodeLibrary),
    nodePackageName: `@trellis/plugin-${id}-node`,
    timestamp: new Date().toISOString().replace(/\D/g, '').slice(0, 14),
    tmpl: '',
  });
  if (!options.database) {
    tree.delete(`${dir}/migrations`);
  }
  addBackendDependency(tree, packageName);
  addToBackend(tree, packageName);
  addConfigKey(tree, id, `${id}:\n  greeting: Hello from ${id}\n`);
  await formatFiles(tree);
  return () => {
    if (!options.skipInstall) {
      execSync('yarn install', { cwd: tree.root, stdio: 'inherit' });
    }
    console.log(`\nCreated ${dir}. Start it with: yarn start ${id}   (or the whole backend: yarn start backend)`);
  };
}

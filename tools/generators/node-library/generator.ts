import { formatFiles, generateFiles, Tree } from '@nx/devkit';
import { execSync } from 'node:child_process';
import path from 'node:path';
import { assertFree, assertId, idNames } from '../shared';
import { wireExtensionPoint } from './wireExtensionPoint';

/** Options of the node-library generator. */
export interface NodeLibraryOptions {
  id: string;
  skipInstall?: boolean;
}

/** Writes the files of libs/<id>-node; shared with the backend-plugin generator. */
export function writeNodeLibrary(tree: Tree, id: string): string {
  const dir = `libs/${id}-node`;
  assertFree(tree, dir, `A node-library for '${id}'`);
  generateFiles(tree, path.join(__dirname, 'files'), dir, {
    ...idNames(id),
    packageName: `@trellis/plugin-${id}-node`,
    tmpl: '',
  });
  return dir;
}

/**
 * Writes libs/<id>-node: a typed client of the plugin's API built from discovery and auth, a
 * service ref with a default factory, and the plugin's extension point for modules.
 */
export default async function nodeLibraryGenerator(tree: Tree, options: NodeLibraryOptions) {
  const id = assertId('plugin', options.id);
  const dir = writeNodeLibrary(tree, id);
  const wiring = wireExtensionPoint(tree, id);
  await formatFiles(tree);
  return () => {
    if (!options.skipInstall) {
      execSync('yarn install', { cwd: tree.root, stdio: 'inherit' });
    }
    console.log(`\n${wiring}`);
    console.log(
      `Created ${dir}. Plugins call '${id}' with deps: { ${idNames(id).camel}: ${idNames(id).camel}ServiceRef }.`,
    );
  };
}

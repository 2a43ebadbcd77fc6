import { formatFiles, generateFiles, Tree } from '@nx/devkit';
import { execSync } from 'node:child_process';
import path from 'node:path';
import { addBackendDependency, addToBackend, assertFree, assertId, idNames } from '../shared';

/** Options of the backend-module generator. */
export interface BackendModuleOptions {
  pluginId: string;
  moduleId: string;
  skipInstall?: boolean;
}

/** Refuses a module for a plugin that does not exist or offers no extension point to use. */
function assertExtensible(tree: Tree, pluginId: string): void {
  const plugin = `plugins/${pluginId}-backend/src/plugin.ts`;
  if (!tree.exists(`plugins/${pluginId}-backend`)) {
    throw new Error(
      `Plugin '${pluginId}' does not exist (no plugins/${pluginId}-backend); create it first with yarn new backend-plugin --id=${pluginId} --nodeLibrary`,
    );
  }
  const extensionPoint = `libs/${pluginId}-node/src/${idNames(pluginId).camel}ExtensionPoint.ts`;
  if (!tree.exists(extensionPoint)) {
    throw new Error(
      `Plugin '${pluginId}' has no node-library with an extension point (${extensionPoint}); create it with yarn new node-library --id=${pluginId}`,
    );
  }
  if (
    !tree.exists(plugin) ||
    !tree.read(plugin, 'utf-8')!.includes(`registerExtensionPoint(${idNames(pluginId).camel}ExtensionPoint`)
  ) {
    throw new Error(
      `Plugin '${pluginId}' does not register ${idNames(pluginId).camel}ExtensionPoint in ${plugin}; register it there (env.registerExtensionPoint) so modules can use it`,
    );
  }
}

/**
 * Writes plugins/<pluginId>-backend-module-<moduleId>: a module that extends the plugin through
 * the extension point of its node-library (never importing the plugin), added to apps/backend.
 */
export default async function backendModuleGenerator(tree: Tree, options: BackendModuleOptions) {
  const pluginId = assertId('plugin', options.pluginId);
  const moduleId = assertId('module', options.moduleId);
  assertExtensible(tree, pluginId);
  const dir = `plugins/${pluginId}-backend-module-${moduleId}`;
  assertFree(tree, dir, `Module '${moduleId}' of plugin '${pluginId}'`);
  const packageName = `@trellis/plugin-${pluginId}-backend-module-${moduleId}`;
  const plugin = idNames(pluginId);
  const module = idNames(moduleId);
  generateFiles(tree, path.join(__dirname, 'files'), dir, {
    pluginId,
    moduleId,
    packageName,
    nodePackageName: `@trellis/plugin-${pluginId}-node`,
    pluginCamel: plugin.camel,
    exportName: `${plugin.camel}Module${module.pascal}`,
    tmpl: '',
  });
  addBackendDependency(tree, packageName);
  addToBackend(tree, packageName);
  await formatFiles(tree);
  return () => {
    if (!options.skipInstall) {
      execSync('yarn install', { cwd: tree.root, stdio: 'inherit' });
    }
    console.log(`\nCreated ${dir}; it is added to apps/backend.`);
  };
}

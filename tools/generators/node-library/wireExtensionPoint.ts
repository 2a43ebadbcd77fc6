import { Tree } from '@nx/devkit';
import { idNames } from '../shared';

/**
 * Registers the node-library's extension point in plugins/<id>-backend when that plugin exists,
 * is still in the shape the backend-plugin generator wrote, and registers none yet: the same
 * edits `yarn new backend-plugin --nodeLibrary` makes, so modules can extend it right away.
 * A plugin in any other shape is left alone; the returned message says what to add by hand.
 */
export function wireExtensionPoint(tree: Tree, id: string): string {
  const { camel } = idNames(id);
  const pluginFile = `plugins/${id}-backend/src/plugin.ts`;
  const manifestFile = `plugins/${id}-backend/package.json`;
  const nodePackage = `@trellis/plugin-${id}-node`;
  const extensionPoint = `${camel}ExtensionPoint`;
  if (!tree.exists(pluginFile) || !tree.exists(manifestFile)) {
    return `No plugin '${id}' yet: create it with yarn new backend-plugin --id=${id}; then register ${extensionPoint} in it.`;
  }
  const source = tree.read(pluginFile, 'utf-8')!;
  if (source.includes(`registerExtensionPoint(${extensionPoint}`)) {
    return `${pluginFile} registers ${extensionPoint} already.`;
  }
  const edited = [
    (s: string) =>
      replaceOnce(
        s,
        "import { createRouter } from './router';",
        `import { createRouter } from './router';\nimport { ${extensionPoint} } from '${nodePackage}';`,
      ),
    (s: string) =>
      replaceOnce(
        s,
        '  register(env) {\n',
        `  register(env) {\n    const decorators: Array<(greeting: string) => string> = [];\n    env.registerExtensionPoint(${extensionPoint}, {\n      addGreetingDecorator: decorator => void decorators.push(decorator),\n    });\n`,
      ),
    (s: string) =>
      s.replace(
        /httpRouter\.use\(createRouter\(\{ (config, httpAuth[^}]*?) \}\)\);/,
        (_m, args) =>
          `httpRouter.use(createRouter({ ${args}, decorate: greeting => decorators.reduce((g, d) => d(g), greeting) }));`,
      ),
  ].reduce<string | undefined>((s, edit) => (s === undefined ? undefined : edit(s)), source);
  if (edited === undefined || !edited.includes('decorate: greeting =>')) {
    return `${pluginFile} is not in the generated shape, so it was left as it is: import ${extensionPoint} from '${nodePackage}', register it in register(env) with env.registerExtensionPoint, and add '${nodePackage}' to its package.json dependencies.`;
  }
  tree.write(pluginFile, edited);
  const manifest = JSON.parse(tree.read(manifestFile, 'utf-8')!);
  manifest.dependencies = Object.fromEntries(
    Object.entries({ ...manifest.dependencies, [nodePackage]: 'workspace:*' }).sort(([a], [b]) => a.localeCompare(b)),
  );
  tree.write(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  return `Registered ${extensionPoint} in ${pluginFile}, so modules can extend '${id}'.`;
}

function replaceOnce(source: string, anchor: string, replacement: string): string | undefined {
  const at = source.indexOf(anchor);
  return at < 0 || source.indexOf(anchor, at + 1) >= 0
    ? undefined
    : source.slice(0, at) + replacement + source.slice(at + anchor.length);
}

import path from 'node:path';

/**
 * The absolute path of a file or folder inside an installed package, such as its `migrations/`.
 * Works from sources, compiled packages and the production bundle, which keeps such folders.
 *
 * @public
 */
export function resolvePackagePath(packageName: string, ...paths: string[]): string {
  const packageJson = require.resolve(`${packageName}/package.json`);
  return path.resolve(path.dirname(packageJson), ...paths);
}

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The absolute path of a file or folder inside an installed package, such as its `migrations/`.
 * Works from sources, compiled packages and the production bundle, which keeps such folders.
 *
 * The package is named either by its name (`'@acme/plugin-x-backend'`) or by the `file:` URL of a
 * module inside it (`import.meta.url`, or what a CommonJS build makes of it), in which case the
 * package is the nearest folder above that module with a `package.json`.
 *
 * @public
 */
export function resolvePackagePath(packageNameOrModuleUrl: string, ...paths: string[]): string {
  if (packageNameOrModuleUrl.startsWith('file:')) {
    return path.resolve(packageDirOf(fileURLToPath(packageNameOrModuleUrl)), ...paths);
  }
  const packageJson = require.resolve(`${packageNameOrModuleUrl}/package.json`);
  return path.resolve(path.dirname(packageJson), ...paths);
}

function packageDirOf(modulePath: string): string {
  let dir = path.dirname(modulePath);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No package.json above ${modulePath}`);
    }
    dir = parent;
  }
}

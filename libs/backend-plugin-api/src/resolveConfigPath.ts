import fs from 'node:fs';
import path from 'node:path';

/**
 * The config root: the first directory up from `start` (the working directory by default) that
 * holds an `app-config.yaml`, or undefined when there is none.
 *
 * @public
 */
export function findConfigRoot(start: string = process.cwd()): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'app-config.yaml'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/**
 * Resolves a path from config the way every Trellis setting does: an absolute path as it is, a
 * relative one against the config root (the folder of `app-config.yaml`), so a backend finds the
 * same files whichever directory it was started from.
 *
 * @public
 */
export function resolveConfigPath(value: string): string {
  return path.resolve(findConfigRoot() ?? process.cwd(), value);
}

import { NotAllowedError } from '@trellis/errors';
import path from 'node:path';

/**
 * Whether `target` is `base` itself or lies inside it, after resolving both paths. Only the
 * path strings are compared; symbolic links are not followed.
 *
 * @public
 */
export function isChildPath(base: string, target: string): boolean {
  const relative = path.relative(path.resolve(base), path.resolve(base, target));
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * Resolves `target` (relative or absolute) against `base` and refuses, with a `NotAllowedError`
 * (403), a result outside `base`. Use it for every path that comes from user input.
 *
 * @public
 */
export function resolveSafeChildPath(base: string, target: string): string {
  const resolved = path.resolve(base, target);
  if (!isChildPath(base, resolved)) {
    throw new NotAllowedError(`Path '${target}' is outside the allowed directory`);
  }
  return resolved;
}

import { InputError } from '@trellis/errors';

/**
 * A location: a `type` (`file`, `url`, or one a processor reads) and a `target` in that type's
 * terms (`/abs/path/catalog-info.yaml`, `https://host/org/repo/blob/main/catalog-info.yaml`).
 *
 * @public
 */
export interface LocationSpec {
  type: string;
  target: string;
  /** Whether a missing target is an error (`required`, the default) or quietly empty. */
  presence?: 'optional' | 'required';
}

// Leading control characters and spaces, then "javascript:" with tabs or newlines in between,
// is how browsers read a javascript: URL; a target like that must never reach a page as a link.
const SCRIPT_URL =
  /^[\u0000-\u001F ]*j[\r\n\t]*a[\r\n\t]*v[\r\n\t]*a[\r\n\t]*s[\r\n\t]*c[\r\n\t]*r[\r\n\t]*i[\r\n\t]*p[\r\n\t]*t[\r\n\t]*:/i;

/**
 * Parses a location ref `type:target`, such as `url:https://host/catalog-info.yaml`. The type and
 * target are trimmed and must not be empty; `http:` and `https:` refs (a URL without `url:`) and
 * `javascript:` targets are refused. Throws `InputError` naming the ref.
 *
 * @public
 */
export function parseLocationRef(ref: string): { type: string; target: string } {
  if (typeof ref !== 'string') {
    throw new InputError(`Invalid location ref: expected a string of the form 'type:target', got ${typeof ref}`);
  }
  const colon = ref.indexOf(':');
  const type = colon === -1 ? '' : ref.slice(0, colon).trim();
  const target = colon === -1 ? '' : ref.slice(colon + 1).trim();
  if (!type || !target) {
    throw new InputError(
      `Invalid location ref '${ref.slice(0, 300)}': expected 'type:target', such as 'url:https://host/catalog-info.yaml'`,
    );
  }
  if (type === 'http' || type === 'https') {
    throw new InputError(`Invalid location ref '${ref.slice(0, 300)}': write a URL as 'url:${ref.slice(0, 300)}'`);
  }
  checkTarget(type, target);
  return { type, target };
}

/**
 * The ref of a location: `type:target`. Throws `InputError` for an empty type or target, or a
 * `javascript:` target.
 *
 * @public
 */
export function stringifyLocationRef(ref: { type: string; target: string }): string {
  if (!ref.type || !ref.target) {
    throw new InputError(`Invalid location: it needs a type and a target, got '${ref.type}:${ref.target}'`);
  }
  checkTarget(ref.type, ref.target);
  return `${ref.type}:${ref.target}`;
}

function checkTarget(type: string, target: string): void {
  if (SCRIPT_URL.test(target)) {
    throw new InputError(`Invalid location '${type}:${target.slice(0, 300)}': the target is a javascript: URL`);
  }
}

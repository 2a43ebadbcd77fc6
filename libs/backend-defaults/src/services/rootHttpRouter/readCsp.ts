import { Config } from '@trellis/backend-plugin-api';

/** CSP directives by name; `null` removes one of helmet's defaults. @public */
export type CspDirectives = Record<string, string[] | null>;

/**
 * The defaults suit an API: nothing may frame the responses, and resources load only from the
 * backend's own origin. helmet adds its other defaults (`object-src 'none'`, `base-uri 'self'`).
 */
const DEFAULT_DIRECTIVES: CspDirectives = {
  'default-src': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Reads `backend.csp`: each key a directive, each value a list of sources, or `false` to drop the
 * directive.
 */
export function readCsp(config: Config): CspDirectives {
  const csp = config.getOptionalConfig('backend.csp');
  const directives: CspDirectives = { ...DEFAULT_DIRECTIVES };
  for (const key of csp?.keys() ?? []) {
    const value = csp!.get(key);
    if (value === false) {
      directives[key] = null;
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      directives[key] = value as string[];
    } else {
      throw new Error(`backend.csp.${key} must be a list of sources or false`);
    }
  }
  return directives;
}

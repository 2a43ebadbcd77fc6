import { TrellisError } from '@trellis/errors';

// Backstage's rule: letters of either case and digits, in words joined by single dashes (or, as
// Backstage still accepts, underscores), starting with a letter: `todo`, `cost-insights`,
// `exampleTodoList`, `tech_insights`.
const ID = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/i;

/** Throws a framework error unless the ID follows Backstage's plugin and module ID rule. */
export function assertValidId(kind: 'plugin' | 'module', id: string): void {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new TrellisError(
      'TRELLIS_ERR_INVALID_ID',
      `Invalid ${kind} ID '${String(id)}': use letters and digits, starting with a letter, in words joined by single dashes, such as 'my-${kind}' or 'my${kind[0]!.toUpperCase()}${kind.slice(1)}'`,
    );
  }
}

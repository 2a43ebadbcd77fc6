import { TrellisError } from '@trellis/errors';

const KEBAB_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Throws a framework error unless the ID is kebab-case (`my-plugin`). */
export function assertValidId(kind: 'plugin' | 'module', id: string): void {
  if (typeof id !== 'string' || !KEBAB_ID.test(id)) {
    throw new TrellisError(
      'TRELLIS_ERR_INVALID_ID',
      `Invalid ${kind} ID '${String(id)}': use lower-case kebab-case starting with a letter, such as 'my-${kind}'`,
    );
  }
}

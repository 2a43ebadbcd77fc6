import type { Credentials, UserPrincipal } from '@trellis/backend-plugin-api';

/**
 * Ownership refs from the `ent` claim of verified user tokens, kept beside the principal (not
 * on it, so that credentials stay the public shape) for the user info service to read.
 */
const ownership = new WeakMap<object, readonly string[]>();

/** The longest `ent` claim kept; longer ones are ignored and the catalog is asked instead. */
const MAX_OWNERSHIP_REFS = 1000;
const ENTITY_REF = /^[a-z0-9][a-z0-9._-]*:[a-z0-9][a-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._@+-]*$/i;

/** Remembers the `ent` claim of a verified user token, when it is a list of entity refs. */
export function rememberOwnershipClaim(principal: UserPrincipal, ent: unknown): void {
  if (!Array.isArray(ent) || ent.length > MAX_OWNERSHIP_REFS) {
    return;
  }
  if (ent.every((ref) => typeof ref === 'string' && ref.length <= 512 && ENTITY_REF.test(ref))) {
    ownership.set(principal, Object.freeze([...(ent as string[])]));
  }
}

/** The `ent` claim of the token behind user credentials, if it had one. */
export function ownershipClaimOf(credentials: Credentials): readonly string[] | undefined {
  return ownership.get(credentials.principal as object);
}

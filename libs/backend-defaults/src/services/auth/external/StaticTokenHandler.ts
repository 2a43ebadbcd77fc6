import { ServicePrincipal } from '@trellis/backend-plugin-api';
import { hash, timingSafeEqual } from 'node:crypto';
import { StaticAccessEntry } from './readExternalAccess';

interface HashedEntry {
  digest: Buffer;
  principal: ServicePrincipal;
}

/**
 * Checks static tokens from `backend.auth.externalAccess`. Tokens are compared by SHA-256 digest
 * in constant time, and every entry is compared, so the answer time says nothing about a match.
 */
export class StaticTokenHandler {
  readonly #entries: HashedEntry[];

  private constructor(entries: HashedEntry[]) {
    this.#entries = entries;
  }

  static create(entries: StaticAccessEntry[]): StaticTokenHandler {
    return new StaticTokenHandler(
      entries.map((entry) => ({
        digest: digest(entry.token),
        principal: {
          type: 'service',
          subject: entry.subject,
          ...(entry.accessRestrictions ? { accessRestrictions: entry.accessRestrictions } : {}),
        },
      })),
    );
  }

  /** The principal of a matching token, or undefined. */
  verify(token: string): ServicePrincipal | undefined {
    const candidate = digest(token);
    let match: ServicePrincipal | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, candidate)) {
        match = entry.principal;
      }
    }
    return match;
  }
}

function digest(value: string): Buffer {
  // One call, no Hash object: this runs for every request with a token.
  return hash('sha256', value, 'buffer');
}

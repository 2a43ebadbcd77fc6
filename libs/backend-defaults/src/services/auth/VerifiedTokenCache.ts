/** Options of {@link VerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** How long a verification is trusted at most. */
  ttlMs: number;
  /** The oldest entry is dropped beyond this many. */
  maxEntries: number;
}

/**
 * Tokens that passed verification, keyed by the exact token, each until its expiry or the TTL,
 * whichever comes first. Callers reuse a token until it nearly expires, so without this every
 * request paid a signature check.
 */
export class VerifiedTokenCache<T> {
  readonly #options: VerifiedTokenCacheOptions;
  readonly #entries = new Map<string, { value: T; until: number }>();

  constructor(options: VerifiedTokenCacheOptions) {
    this.#options = options;
  }

  /** What verifying `token` gave, if that is still trusted. */
  get(token: string): T | undefined {
    const entry = this.#entries.get(token);
    if (!entry) {
      return undefined;
    }
    if (Date.now() >= entry.until) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** Remembers a verified token until `expiresAtMs` at the latest. */
  set(token: string, value: T, expiresAtMs: number): void {
    if (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) {
        this.#entries.delete(oldest.value);
      }
    }
    this.#entries.set(token, { value, until: Math.min(expiresAtMs, Date.now() + this.#options.ttlMs) });
  }
}

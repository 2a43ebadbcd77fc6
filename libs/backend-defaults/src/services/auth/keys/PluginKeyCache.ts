import { CryptoKey, importJWK } from 'jose';
import { PluginKeySource, PublicKeyRecord } from '../types';

/** A public key ready to verify with. */
export interface VerificationKey {
  alg: string;
  key: CryptoKey;
}

interface Entry {
  record: PublicKeyRecord;
  imported?: Promise<VerificationKey>;
}

const MAX_AGE_MS = 60_000;

/**
 * The public keys of one plugin as a verifier sees them. An unknown key ID makes it reload the
 * keys, waiting for a load that began after the request arrived, since the signer stores a key
 * before it signs with it. Loads are never run in parallel, so a flood of made-up key IDs costs
 * one store read at a time.
 */
export class PluginKeyCache {
  readonly #source: PluginKeySource;
  #entries = new Map<string, Entry>();
  #loadedAt = 0;
  #loading?: { startedAt: number; done: Promise<void> };

  constructor(source: PluginKeySource) {
    this.#source = source;
  }

  async find(kid: string): Promise<VerificationKey | undefined> {
    const arrivedAt = Date.now();
    if (arrivedAt - this.#loadedAt > MAX_AGE_MS) {
      await this.#loadAfter(arrivedAt);
    }
    let entry = this.#lookup(kid);
    if (!entry) {
      await this.#loadAfter(arrivedAt);
      entry = this.#lookup(kid);
    }
    if (!entry) {
      return undefined;
    }
    entry.imported ??= importJWK(entry.record.key, entry.record.key.alg).then((key) => ({
      alg: entry.record.key.alg,
      key: key as CryptoKey,
    }));
    return entry.imported;
  }

  #lookup(kid: string): Entry | undefined {
    const entry = this.#entries.get(kid);
    return entry && entry.record.expiresAt.getTime() > Date.now() ? entry : undefined;
  }

  async #loadAfter(arrivedAt: number): Promise<void> {
    const loading = this.#loading;
    if (loading && loading.startedAt >= arrivedAt) {
      return loading.done;
    }
    if (loading) {
      await loading.done.catch(() => undefined);
      return this.#loadAfter(arrivedAt);
    }
    const startedAt = Date.now();
    const done = this.#load(startedAt).finally(() => {
      this.#loading = undefined;
    });
    this.#loading = { startedAt, done };
    return done;
  }

  async #load(startedAt: number): Promise<void> {
    const records = await this.#source.listPublicKeys();
    const entries = new Map<string, Entry>();
    for (const record of records) {
      const existing = this.#entries.get(record.key.kid);
      entries.set(record.key.kid, existing ?? { record });
    }
    this.#entries = entries;
    this.#loadedAt = startedAt;
  }
}

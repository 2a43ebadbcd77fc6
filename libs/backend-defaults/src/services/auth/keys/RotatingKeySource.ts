import { LoggerService } from '@trellis/backend-plugin-api';
import { ServiceUnavailableError } from '@trellis/errors';
import { exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import { PluginKeySource, PluginKeyStore, PublicKeyRecord, PUBLISHED_KEYS_CACHE_MS, SigningKey } from '../types';

/** Options of {@link RotatingKeySource.create}. */
export interface RotatingKeySourceOptions {
  store: PluginKeyStore;
  logger: LoggerService;
  /** How long one signing key is used before the next one is made. */
  keyDurationMs: number;
  /** The longest lifetime of a token, so a retired key stays published until its last token expired. */
  tokenLifetimeMs: number;
}

const ALGORITHM = 'ES256';
const PUBLISH_MARGIN_MS = 60_000;

/**
 * Signing keys made by this instance and rotated on use: the key pair lives in memory, its public
 * half is stored (and so published) before the first token is signed with it, and stays stored
 * until every token it signed has expired. Keys of other instances of the plugin come from the
 * same store. Other instances serve their published key sets from a cache of
 * {@link PUBLISHED_KEYS_CACHE_MS}, so a rotated key signs only once those caches have expired
 * (at most a quarter of the key duration later); the previous key, still published, signs until
 * then.
 */
export class RotatingKeySource implements PluginKeySource {
  readonly #options: RotatingKeySourceOptions;
  #current?: SigningKey & { rotateAt: number; usableAt: number };
  #previous?: SigningKey;
  #rotating?: Promise<SigningKey>;
  #generation = 0;

  private constructor(options: RotatingKeySourceOptions) {
    this.#options = options;
  }

  static create(options: RotatingKeySourceOptions): RotatingKeySource {
    return new RotatingKeySource(options);
  }

  /** Counts the keys this instance stored. */
  get generation(): number {
    return this.#generation;
  }

  async getSigningKey(): Promise<SigningKey> {
    const now = Date.now();
    const current = this.#current;
    if (current && now < current.rotateAt) {
      return now < current.usableAt && this.#previous ? this.#previous : current;
    }
    this.#rotating ??= this.#rotate().finally(() => {
      this.#rotating = undefined;
    });
    // The retired key stays published for a margin past its rotation, so it may sign while
    // the next one is being stored instead of making every caller wait.
    if (current && now < current.rotateAt + PUBLISH_MARGIN_MS / 2) {
      this.#rotating.catch(() => undefined);
      return current;
    }
    return this.#rotating;
  }

  async listPublicKeys(): Promise<PublicKeyRecord[]> {
    return this.#options.store.listKeys();
  }

  async #rotate(): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(ALGORITHM);
    const kid = randomUUID();
    const now = Date.now();
    const { keyDurationMs, tokenLifetimeMs, store, logger } = this.#options;
    const record: PublicKeyRecord = {
      key: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' },
      expiresAt: new Date(now + keyDurationMs + tokenLifetimeMs + PUBLISH_MARGIN_MS),
    };
    try {
      await store.addKey(record);
    } catch (error) {
      logger.error('Could not store a new signing key; tokens cannot be issued', { error: error as Error });
      throw new ServiceUnavailableError('Cannot issue service tokens right now');
    }
    this.#generation++;
    store.removeExpiredKeys(new Date(now)).catch((error) => {
      logger.warn('Could not remove expired public keys', { error: error as Error });
    });
    const stored = Date.now();
    // The retired key may sign on only within the margin it stays published for (see getSigningKey).
    const retired = this.#current;
    this.#previous = retired && stored < retired.rotateAt + PUBLISH_MARGIN_MS / 2 ? retired : undefined;
    this.#current = {
      kid,
      alg: ALGORITHM,
      privateKey,
      rotateAt: now + keyDurationMs,
      usableAt: this.#previous ? stored + Math.min(PUBLISHED_KEYS_CACHE_MS, keyDurationMs / 4) : stored,
    };
    logger.debug(`New signing key ${kid}, used until ${new Date(this.#current.rotateAt).toISOString()}`);
    return this.#previous && stored < this.#current.usableAt ? this.#previous : this.#current;
  }
}

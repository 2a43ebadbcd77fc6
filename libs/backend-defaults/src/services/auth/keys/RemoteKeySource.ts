import type { JWK } from 'jose';
import { JWKS_PATH } from '../../httpRouter/createAuthIntegrationRoutes';
import { ASYMMETRIC_ALGORITHMS, PluginKeySource, PublicKeyRecord, SigningKey } from '../types';

const FETCH_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 256 * 1024;
const MAX_KEYS = 100;
// Keys are read again at least every minute by the key cache; this only bounds a stale copy.
const RECORD_TTL_MS = 10 * 60_000;

/**
 * The public keys of a plugin hosted by another backend, read from its JWKS endpoint
 * (`<base URL>/.trellis/auth/v1/jwks.json`) at the base URL `discovery.endpoints` gives it. Only
 * public asymmetric signing keys are taken; anything else in the set is ignored.
 */
export class RemoteKeySource implements PluginKeySource {
  readonly #url: string;

  constructor(baseUrl: string) {
    this.#url = `${baseUrl.replace(/\/$/, '')}${JWKS_PATH}`;
  }

  async getSigningKey(): Promise<SigningKey> {
    throw new Error(`The keys at ${this.#url} belong to a plugin of another backend; they cannot sign here`);
  }

  async listPublicKeys(): Promise<PublicKeyRecord[]> {
    const response = await fetch(this.#url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
    if (!response.ok) {
      throw new Error(`GET ${this.#url} answered ${response.status}`);
    }
    const text = await response.text();
    if (text.length > MAX_BODY_BYTES) {
      throw new Error(`GET ${this.#url} answered more than ${MAX_BODY_BYTES} bytes`);
    }
    const body = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(body?.keys)) {
      throw new Error(`GET ${this.#url} did not answer a JSON Web Key Set`);
    }
    const expiresAt = new Date(Date.now() + RECORD_TTL_MS);
    return body.keys
      .slice(0, MAX_KEYS)
      .filter((key): key is JWK & { kid: string; alg: string } => isPublicSigningKey(key))
      .map((key) => ({ key, expiresAt }));
  }
}

function isPublicSigningKey(value: unknown): boolean {
  const key = value as Record<string, unknown> | null;
  return (
    typeof key === 'object' &&
    key !== null &&
    typeof key.kid === 'string' &&
    key.kid.length > 0 &&
    key.kid.length <= 128 &&
    typeof key.alg === 'string' &&
    ASYMMETRIC_ALGORITHMS.has(key.alg) &&
    (key.use === undefined || key.use === 'sig') &&
    key.d === undefined
  );
}

import type { CryptoKey, JWK } from 'jose';

/** A public key as kept in a key store and published in a plugin's JWKS. */
export interface PublicKeyRecord {
  /** The key's JWK, with `kid`, `alg` and `use: 'sig'`. */
  key: JWK & { kid: string; alg: string };
  /** When tokens signed with this key can no longer be valid; the record may be dropped then. */
  expiresAt: Date;
}

/** Where a plugin's public keys live, shared by every instance of the plugin. */
export interface PluginKeyStore {
  addKey(record: PublicKeyRecord): Promise<void>;
  /** Keys that have not expired. */
  listKeys(): Promise<PublicKeyRecord[]>;
  removeExpiredKeys(now: Date): Promise<void>;
}

/** The key a plugin signs its tokens with right now. */
export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
}

/** The keys of one plugin: the one it signs with, and the ones its tokens are verified with. */
export interface PluginKeySource {
  getSigningKey(): Promise<SigningKey>;
  listPublicKeys(): Promise<PublicKeyRecord[]>;
  /**
   * Changes whenever this process adds a key, so a cached copy of {@link listPublicKeys} knows
   * to read again; absent for sources whose keys never change.
   */
  readonly generation?: number;
}

/** How long a plugin's published key set (its JWKS endpoint) is served from memory. */
export const PUBLISHED_KEYS_CACHE_MS = 5_000;

/** Algorithms accepted on any token: asymmetric only, so no `none` and no HMAC-key confusion. */
export const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set([
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
]);

/** The `typ` header of tokens plugins mint for each other. */
export const PLUGIN_TOKEN_TYPE = 'vnd.trellis.plugin+jwt';

/**
 * The `typ` header of limited user tokens, the user cookie's content: accepted only where limited
 * access is allowed.
 */
export const LIMITED_USER_TOKEN_TYPE = 'vnd.trellis.limited-user+jwt';

/** The issuer and subject prefix of plugin tokens: `plugin:<pluginId>`. */
export const PLUGIN_SUBJECT_PREFIX = 'plugin:';

/** Plugin IDs, as the wiring enforces them. */
export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Clock skew tolerated between instances when checking `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_SECONDS = 5;

import { AuthenticationError } from '@trellis/errors';
import { JWTPayload, ProtectedHeaderParameters, SignJWT } from 'jose';
import { PluginKeyRegistry } from './keys/PluginKeyRegistry';
import { MAX_TOKEN_LIFETIME_SECONDS } from './keys/readPluginKeyOptions';
import { LIMITED_USER_TOKEN_TYPE, PLUGIN_SUBJECT_PREFIX, PluginKeySource } from './types';
import {
  checkedHeader,
  checkLifetime,
  MAX_VERIFIED_TOKENS,
  USER_REF,
  VERIFIED_TTL_MS,
  verifySigned,
} from './signedTokens';
import { VerifiedTokenCache } from './VerifiedTokenCache';

/** Options of {@link LimitedUserTokenHandler.create}. */
export interface LimitedUserTokenHandlerOptions {
  pluginId: string;
  keys: PluginKeySource;
  registry: PluginKeyRegistry;
}

/** What a verified limited user token says. */
export interface LimitedUserTokenClaims {
  userEntityRef: string;
  expiresAt: Date;
}

/**
 * Mints and verifies limited user tokens: the user's entity ref as `sub` and nothing else about
 * them, issued by `plugin:<pluginId>` for the audience `<pluginId>` and signed with the plugin's
 * own keys, so only the plugin that set the cookie accepts it, and only where limited access is
 * allowed (the `typ` header tells these tokens apart from every other kind).
 */
export class LimitedUserTokenHandler {
  readonly #options: LimitedUserTokenHandlerOptions;
  readonly #verified = new VerifiedTokenCache<LimitedUserTokenClaims>({
    ttlMs: VERIFIED_TTL_MS,
    maxEntries: MAX_VERIFIED_TOKENS,
  });

  private constructor(options: LimitedUserTokenHandlerOptions) {
    this.#options = options;
  }

  static create(options: LimitedUserTokenHandlerOptions): LimitedUserTokenHandler {
    return new LimitedUserTokenHandler(options);
  }

  /** A token for `userEntityRef` that expires at `expiresAt` (at most an hour from now). */
  async issue(options: { userEntityRef: string; expiresAt: Date }): Promise<{ token: string; expiresAt: Date }> {
    const { kid, alg, privateKey } = await this.#options.keys.getSigningKey();
    const issuer = `${PLUGIN_SUBJECT_PREFIX}${this.#options.pluginId}`;
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.min(Math.floor(options.expiresAt.getTime() / 1000), now + MAX_TOKEN_LIFETIME_SECONDS);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg, kid, typ: LIMITED_USER_TOKEN_TYPE })
      .setIssuer(issuer)
      .setSubject(options.userEntityRef)
      .setAudience(this.#options.pluginId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verifies a limited user token of this plugin; throws AuthenticationError otherwise. */
  async verify(token: string, header: ProtectedHeaderParameters): Promise<LimitedUserTokenClaims> {
    const cached = this.#verified.get(token);
    if (cached) {
      return cached;
    }
    const { kid } = checkedHeader(header);
    // Only this plugin's own keys: a limited token of another plugin is never valid here.
    const key = await this.#options.registry.findKey(this.#options.pluginId, kid);
    if (!key) {
      throw new AuthenticationError('Invalid token: unknown signing key');
    }
    const payload = await verifySigned(token, key, {
      issuer: `${PLUGIN_SUBJECT_PREFIX}${this.#options.pluginId}`,
      audience: this.#options.pluginId,
      typ: LIMITED_USER_TOKEN_TYPE,
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    const claims = toClaims(payload);
    this.#verified.set(token, claims, claims.expiresAt.getTime());
    return claims;
  }
}

function toClaims(payload: JWTPayload): LimitedUserTokenClaims {
  const sub = payload.sub!;
  if (!USER_REF.test(sub)) {
    throw new AuthenticationError('Invalid token: "sub" is not a user entity ref');
  }
  checkLifetime(payload);
  return { userEntityRef: sub, expiresAt: new Date(payload.exp! * 1000) };
}

import { AuthenticationError } from '@trellis/errors';
import { decodeJwt, JWTPayload, ProtectedHeaderParameters, SignJWT } from 'jose';
import { PluginKeyRegistry } from './keys/PluginKeyRegistry';
import { PLUGIN_ID_PATTERN, PLUGIN_SUBJECT_PREFIX, PLUGIN_TOKEN_TYPE, PluginKeySource } from './types';
import {
  checkedHeader,
  checkLifetime,
  MAX_VERIFIED_TOKENS,
  USER_REF,
  VERIFIED_TTL_MS,
  verifySigned,
} from './signedTokens';
import { VerifiedTokenCache } from './VerifiedTokenCache';

/** Options of {@link PluginTokenHandler.create}. */
export interface PluginTokenHandlerOptions {
  pluginId: string;
  keys: PluginKeySource;
  registry: PluginKeyRegistry;
  tokenLifetimeMs: number;
}

/** What a verified plugin token says. */
export interface PluginTokenClaims {
  /** The calling plugin. */
  pluginId: string;
  /** Entity ref of the user the call is made for, if any. */
  onBehalfOf?: string;
  expiresAt: Date;
}

const OBO_CLAIM = 'obo';

/**
 * Mints and verifies the tokens plugins call each other with: signed by the caller's key, issued
 * by `plugin:<caller>`, for the audience `<target>`, short-lived, carrying the user the call is
 * made for in the `obo` claim.
 */
export class PluginTokenHandler {
  readonly #options: PluginTokenHandlerOptions;
  readonly #verified = new VerifiedTokenCache<PluginTokenClaims>({
    ttlMs: VERIFIED_TTL_MS,
    maxEntries: MAX_VERIFIED_TOKENS,
  });

  private constructor(options: PluginTokenHandlerOptions) {
    this.#options = options;
  }

  static create(options: PluginTokenHandlerOptions): PluginTokenHandler {
    return new PluginTokenHandler(options);
  }

  /** A token for calling `targetPluginId`, optionally on behalf of a user. */
  async issue(options: { targetPluginId: string; onBehalfOf?: string }): Promise<string> {
    const { kid, alg, privateKey } = await this.#options.keys.getSigningKey();
    const subject = `${PLUGIN_SUBJECT_PREFIX}${this.#options.pluginId}`;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(options.onBehalfOf ? { [OBO_CLAIM]: options.onBehalfOf } : {})
      .setProtectedHeader({ alg, kid, typ: PLUGIN_TOKEN_TYPE })
      .setIssuer(subject)
      .setSubject(subject)
      .setAudience(options.targetPluginId)
      .setIssuedAt(now)
      .setExpirationTime(now + Math.floor(this.#options.tokenLifetimeMs / 1000))
      .sign(privateKey);
  }

  /** Verifies a plugin token addressed to this plugin; throws AuthenticationError otherwise. */
  async verify(token: string, header: ProtectedHeaderParameters): Promise<PluginTokenClaims> {
    const cached = this.#verified.get(token);
    if (cached) {
      return cached;
    }
    const { kid } = checkedHeader(header);
    const issuer = unverifiedIssuer(token);
    const key = await this.#options.registry.findKey(issuer.pluginId, kid);
    if (!key) {
      throw new AuthenticationError(`Invalid token: unknown signing key of plugin '${issuer.pluginId}'`);
    }
    const payload = await verifySigned(token, key, {
      issuer: issuer.claim,
      subject: issuer.claim,
      audience: this.#options.pluginId,
      typ: PLUGIN_TOKEN_TYPE,
      requiredClaims: ['iat', 'exp'],
    });
    const claims = toClaims(issuer.pluginId, payload);
    this.#verified.set(token, claims, claims.expiresAt.getTime());
    return claims;
  }
}

function unverifiedIssuer(token: string): { claim: string; pluginId: string } {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw new AuthenticationError('Invalid token: malformed payload');
  }
  const pluginId =
    typeof iss === 'string' && iss.startsWith(PLUGIN_SUBJECT_PREFIX) ? iss.slice(PLUGIN_SUBJECT_PREFIX.length) : '';
  if (!PLUGIN_ID_PATTERN.test(pluginId)) {
    throw new AuthenticationError('Invalid token: the issuer is not a plugin');
  }
  return { claim: iss as string, pluginId };
}

function toClaims(pluginId: string, payload: JWTPayload): PluginTokenClaims {
  const obo = payload[OBO_CLAIM];
  if (obo !== undefined && (typeof obo !== 'string' || !USER_REF.test(obo))) {
    throw new AuthenticationError(`Invalid token: malformed "${OBO_CLAIM}" claim`);
  }
  checkLifetime(payload);
  return { pluginId, onBehalfOf: obo, expiresAt: new Date(payload.exp! * 1000) };
}

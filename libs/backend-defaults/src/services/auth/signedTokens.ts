import { AuthenticationError } from '@trellis/errors';
import { CryptoKey, errors, JWTPayload, jwtVerify, JWTVerifyOptions, ProtectedHeaderParameters } from 'jose';
import { MAX_TOKEN_LIFETIME_SECONDS } from './keys/readPluginKeyOptions';
import { ASYMMETRIC_ALGORITHMS, CLOCK_TOLERANCE_SECONDS } from './types';

/** What the tokens plugins sign with their own keys share: plugin tokens and limited user tokens. */

/** A user entity ref, as `sub` of a limited user token and `obo` of a plugin token. */
export const USER_REF = /^user:[^\s/]+\/\S+$/;
/**
 * How long a verified token is trusted without checking its signature again: short next to the
 * key cache's reload interval (60 s), so a withdrawn key stops being trusted about as soon as it
 * did before tokens were cached.
 */
export const VERIFIED_TTL_MS = 10_000;
/** Verified tokens remembered per handler. */
export const MAX_VERIFIED_TOKENS = 1000;

const MAX_KID_LENGTH = 128;

/** The header's signing algorithm and key ID, refused unless asymmetric and of a sane length. */
export function checkedHeader(header: ProtectedHeaderParameters): { alg: string; kid: string } {
  const { alg, kid } = header;
  if (!alg || !ASYMMETRIC_ALGORITHMS.has(alg)) {
    throw new AuthenticationError(`Invalid token: algorithm '${String(alg)}' is not allowed`);
  }
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new AuthenticationError('Invalid token: missing or invalid key ID');
  }
  return { alg, kid };
}

/**
 * Verifies the signature and the registered claims of a token signed with `key`, within the
 * longest lifetime a plugin may give a token; any failure is an `AuthenticationError`.
 */
export async function verifySigned(
  token: string,
  key: { alg: string; key: CryptoKey },
  options: Pick<JWTVerifyOptions, 'issuer' | 'subject' | 'audience' | 'typ' | 'requiredClaims'>,
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, key.key, {
      ...options,
      algorithms: [key.alg],
      maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JOSEError) {
      throw new AuthenticationError(`Invalid token: ${error.message}`);
    }
    throw error;
  }
}

/** Refuses a token whose lifetime (`exp` - `iat`) is longer than a plugin may give one. */
export function checkLifetime(payload: JWTPayload): void {
  if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new AuthenticationError('Invalid token: lifetime longer than allowed');
  }
}

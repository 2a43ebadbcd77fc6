import { LoggerService, ServicePrincipal, UserPrincipal } from '@trellis/backend-plugin-api';
import { AuthenticationError, ServiceUnavailableError } from '@trellis/errors';
import { createRemoteJWKSet, errors, JWTPayload, jwtVerify } from 'jose';
import { CLOCK_TOLERANCE_SECONDS } from '../types';
import { rememberOwnershipClaim } from '../userTokenClaims';
import { JwksAccessEntry } from './readExternalAccess';

type KeySet = ReturnType<typeof createRemoteJWKSet>;

interface Provider {
  entry: JwksAccessEntry;
  keySet: KeySet;
}

const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._@:/|+=-]{0,255}$/;
const ENTITY_REF = /^user:[a-z0-9][a-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/**
 * Verifies tokens of trusted identity providers (`type: jwks` in `backend.auth.externalAccess`)
 * against the provider's published keys, its issuer, the configured audience and algorithms.
 */
export class JwksTokenHandler {
  readonly #providers: Provider[];
  readonly #logger: LoggerService;

  private constructor(providers: Provider[], logger: LoggerService) {
    this.#providers = providers;
    this.#logger = logger;
  }

  static create(entries: JwksAccessEntry[], logger: LoggerService): JwksTokenHandler {
    return new JwksTokenHandler(
      entries.map((entry) => ({
        entry,
        keySet: createRemoteJWKSet(entry.url, {
          timeoutDuration: 5_000,
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
        }),
      })),
      logger,
    );
  }

  /** Whether some provider issues tokens with this `iss`. */
  handles(issuer: string | undefined): boolean {
    return this.#providers.some((p) => p.entry.issuer === issuer);
  }

  /** Verifies the token with the provider of its issuer; throws when it is not valid. */
  async verify(
    token: string,
    issuer: string,
  ): Promise<{ principal: UserPrincipal | ServicePrincipal; expiresAt: Date }> {
    const provider = this.#providers.find((p) => p.entry.issuer === issuer);
    if (!provider) {
      throw new AuthenticationError('Token issuer is not trusted');
    }
    const payload = await this.#verifyWith(provider, token);
    return { principal: toPrincipal(provider.entry, payload), expiresAt: new Date(payload.exp! * 1000) };
  }

  async #verifyWith({ entry, keySet }: Provider, token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: entry.issuer,
        audience: entry.audience,
        algorithms: entry.algorithms,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload;
    } catch (error) {
      if (!isTokenProblem(error)) {
        this.#logger.warn(`Could not load the keys of identity provider '${entry.issuer}' from ${entry.url.origin}`, {
          error: error as Error,
        });
        throw new ServiceUnavailableError(`Keys of identity provider '${entry.issuer}' are unavailable`);
      }
      throw new AuthenticationError(`Invalid token: ${(error as Error).message}`);
    }
  }
}

/** Token faults; any other failure (timeouts, a provider answering garbage) is the provider's. */
const TOKEN_PROBLEMS = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

function isTokenProblem(error: unknown): boolean {
  return error instanceof errors.JOSEError && TOKEN_PROBLEMS.has(error.code);
}

function toPrincipal(entry: JwksAccessEntry, payload: JWTPayload): UserPrincipal | ServicePrincipal {
  const sub = payload.sub ?? '';
  if (!SUBJECT.test(sub)) {
    throw new AuthenticationError('Invalid token: unusable "sub" claim');
  }
  if (entry.principal === 'user') {
    const userEntityRef = sub.startsWith('user:') ? sub : `user:default/${sub}`;
    if (!ENTITY_REF.test(userEntityRef)) {
      throw new AuthenticationError('Invalid token: "sub" is not a user name or user entity ref');
    }
    const principal: UserPrincipal = { type: 'user', userEntityRef };
    rememberOwnershipClaim(principal, payload.ent);
    return principal;
  }
  const prefix = entry.subjectPrefix ? `${entry.subjectPrefix}:` : '';
  return {
    type: 'service',
    subject: `external:${prefix}${sub}`,
    ...(entry.accessRestrictions ? { accessRestrictions: entry.accessRestrictions } : {}),
  };
}

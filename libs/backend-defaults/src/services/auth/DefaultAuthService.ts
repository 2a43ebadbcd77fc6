import {
  AuthService,
  Credentials,
  JsonObject,
  NonePrincipal,
  PrincipalTypes,
  ServicePrincipal,
  UserPrincipal,
} from '@trellis/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@trellis/errors';
import { decodeJwt, decodeProtectedHeader, ProtectedHeaderParameters } from 'jose';
import { createCredentials, isCredentials } from './createCredentials';
import { JwksTokenHandler } from './external/JwksTokenHandler';
import { LimitedUserTokenHandler } from './LimitedUserTokenHandler';
import { StaticTokenHandler } from './external/StaticTokenHandler';
import { PluginTokenHandler } from './PluginTokenHandler';
import {
  LIMITED_USER_TOKEN_TYPE,
  PLUGIN_ID_PATTERN,
  PLUGIN_SUBJECT_PREFIX,
  PLUGIN_TOKEN_TYPE,
  PluginKeySource,
  PUBLISHED_KEYS_CACHE_MS,
} from './types';

/** Options of {@link DefaultAuthService.create}. */
export interface DefaultAuthServiceOptions {
  pluginId: string;
  pluginTokens: PluginTokenHandler;
  limitedUserTokens: LimitedUserTokenHandler;
  staticTokens: StaticTokenHandler;
  jwksTokens: JwksTokenHandler;
  /** The plugin's own keys, published by {@link DefaultAuthService.listPublicServiceKeys}. */
  keys: PluginKeySource;
}

type Verified = { principal: UserPrincipal | ServicePrincipal; expiresAt?: Date };

/** A limited user token lives at most this long, and never longer than the user's credentials. */
const MAX_LIMITED_TOKEN_LIFETIME_MS = 60 * 60_000;

/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * The default auth service of a plugin. It accepts plugin tokens addressed to this plugin,
 * external static tokens and tokens of trusted identity providers, enforces the access
 * restrictions of external tokens, and mints tokens for calls to other plugins.
 */
export class DefaultAuthService implements AuthService {
  readonly #options: DefaultAuthServiceOptions;
  #published?: { readAt: number; generation: number | undefined; keys: Promise<{ keys: JsonObject[] }> };

  private constructor(options: DefaultAuthServiceOptions) {
    this.#options = options;
  }

  static create(options: DefaultAuthServiceOptions): DefaultAuthService {
    return new DefaultAuthService(options);
  }

  async authenticate(token: string, options?: { allowLimitedAccess?: boolean }): Promise<Credentials> {
    const { principal, expiresAt } = await this.#verify(token, options?.allowLimitedAccess === true);
    this.#assertAllowed(principal);
    return createCredentials(principal, expiresAt);
  }

  isPrincipal<TType extends keyof PrincipalTypes>(
    credentials: Credentials,
    type: TType,
  ): credentials is Credentials<PrincipalTypes[TType]> {
    return (credentials.principal as { type?: unknown }).type === type;
  }

  async getNoneCredentials(): Promise<Credentials<NonePrincipal>> {
    return createCredentials({ type: 'none' });
  }

  async getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>> {
    return createCredentials({ type: 'service', subject: `${PLUGIN_SUBJECT_PREFIX}${this.#options.pluginId}` });
  }

  async getPluginRequestToken(options: {
    onBehalfOf: Credentials;
    targetPluginId: string;
  }): Promise<{ token: string }> {
    const { onBehalfOf, targetPluginId } = options;
    if (!isCredentials(onBehalfOf)) {
      throw new TypeError('getPluginRequestToken needs credentials from httpAuth.credentials() or auth.authenticate()');
    }
    if (typeof targetPluginId !== 'string' || !PLUGIN_ID_PATTERN.test(targetPluginId)) {
      throw new TypeError(`Invalid target plugin ID '${String(targetPluginId)}'`);
    }
    const principal = onBehalfOf.principal;
    if (principal.type === 'none') {
      throw new AuthenticationError('Refusing to issue a plugin token on behalf of a caller without credentials');
    }
    const user = principal.type === 'user' ? principal.userEntityRef : undefined;
    return { token: await this.#options.pluginTokens.issue({ targetPluginId, onBehalfOf: user }) };
  }

  async getLimitedUserToken(credentials: Credentials<UserPrincipal>): Promise<{ token: string; expiresAt: Date }> {
    if (!isCredentials(credentials)) {
      throw new TypeError('getLimitedUserToken needs credentials from httpAuth.credentials() or auth.authenticate()');
    }
    const principal = credentials.principal as UserPrincipal | ServicePrincipal | NonePrincipal;
    if (principal.type === 'none') {
      throw new AuthenticationError('Refusing to issue a limited user token for a caller without credentials');
    }
    if (principal.type !== 'user') {
      throw new NotAllowedError(
        `Limited user tokens are issued for user credentials only, not for '${String(principal.type)}' credentials`,
      );
    }
    const expiresAt = credentials.expiresAt ?? new Date(Date.now() + MAX_LIMITED_TOKEN_LIFETIME_MS);
    if (expiresAt.getTime() <= Date.now()) {
      throw new AuthenticationError('Refusing to issue a limited user token: the user credentials have expired');
    }
    return this.#options.limitedUserTokens.issue({ userEntityRef: principal.userEntityRef, expiresAt });
  }

  /**
   * The plugin's published keys, as its open JWKS endpoint serves them: read from the key store
   * at most every {@link PUBLISHED_KEYS_CACHE_MS} (callers without credentials must not be able
   * to make every request a database read), and at once after this instance added a key.
   */
  async listPublicServiceKeys(): Promise<{ keys: JsonObject[] }> {
    const source = this.#options.keys;
    const now = Date.now();
    const cached = this.#published;
    if (cached && now - cached.readAt < PUBLISHED_KEYS_CACHE_MS && cached.generation === source.generation) {
      return cached.keys;
    }
    const keys = source
      .listPublicKeys()
      .then((records) => ({ keys: records.map((r) => ({ ...r.key }) as JsonObject) }));
    const entry = { readAt: now, generation: source.generation, keys };
    this.#published = entry;
    keys.catch(() => {
      if (this.#published === entry) {
        this.#published = undefined;
      }
    });
    return keys;
  }

  async #verify(token: string, allowLimitedAccess: boolean): Promise<Verified> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new AuthenticationError('Missing token');
    }
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new AuthenticationError('Invalid token: too long');
    }
    const staticPrincipal = this.#options.staticTokens.verify(token);
    if (staticPrincipal) {
      return { principal: staticPrincipal };
    }
    const header = decodeHeader(token);
    if (header.typ === LIMITED_USER_TOKEN_TYPE) {
      return this.#verifyLimitedUserToken(token, header, allowLimitedAccess);
    }
    const issuer = header.typ === PLUGIN_TOKEN_TYPE ? undefined : unverifiedIssuer(token);
    if (issuer !== undefined && this.#options.jwksTokens.handles(issuer)) {
      return this.#options.jwksTokens.verify(token, issuer);
    }
    if (header.typ === PLUGIN_TOKEN_TYPE || issuer?.startsWith(PLUGIN_SUBJECT_PREFIX)) {
      return this.#verifyPluginToken(token, header);
    }
    throw new AuthenticationError('Invalid token: unknown issuer');
  }

  async #verifyPluginToken(token: string, header: ProtectedHeaderParameters): Promise<Verified> {
    const claims = await this.#options.pluginTokens.verify(token, header);
    const subject = `${PLUGIN_SUBJECT_PREFIX}${claims.pluginId}`;
    const principal: UserPrincipal | ServicePrincipal = claims.onBehalfOf
      ? { type: 'user', userEntityRef: claims.onBehalfOf, actor: { subject } }
      : { type: 'service', subject };
    return { principal, expiresAt: claims.expiresAt };
  }

  async #verifyLimitedUserToken(
    token: string,
    header: ProtectedHeaderParameters,
    allowLimitedAccess: boolean,
  ): Promise<Verified> {
    if (!allowLimitedAccess) {
      throw new AuthenticationError('Limited user tokens (the user cookie) are not accepted here');
    }
    const claims = await this.#options.limitedUserTokens.verify(token, header);
    return { principal: { type: 'user', userEntityRef: claims.userEntityRef }, expiresAt: claims.expiresAt };
  }

  #assertAllowed(principal: UserPrincipal | ServicePrincipal): void {
    const plugins = principal.type === 'service' ? principal.accessRestrictions?.plugins : undefined;
    if (plugins && !plugins.includes(this.#options.pluginId)) {
      throw new NotAllowedError(`This token may not access plugin '${this.#options.pluginId}'`);
    }
  }
}

function decodeHeader(token: string): ProtectedHeaderParameters {
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw new AuthenticationError('Invalid token: not a valid token');
  }
}

function unverifiedIssuer(token: string): string | undefined {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    throw new AuthenticationError('Invalid token: malformed payload');
  }
}

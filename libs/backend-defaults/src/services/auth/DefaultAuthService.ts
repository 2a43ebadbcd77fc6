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
import { StaticTokenHandler } from './external/StaticTokenHandler';
import { PluginTokenHandler } from './PluginTokenHandler';
import {
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
  staticTokens: StaticTokenHandler;
  jwksTokens: JwksTokenHandler;
  /** The plugin's own keys, published by {@link DefaultAuthService.listPublicServiceKeys}. */
  keys: PluginKeySource;
}

type Verified = { principal: UserPrincipal | ServicePrincipal; expiresAt?: Date };

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

  async authenticate(token: string): Promise<Credentials> {
    const { principal, expiresAt } = await this.#verify(token);
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

  async #verify(token: string): Promise<Verified> {
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
    const issuer = header.typ === PLUGIN_TOKEN_TYPE ? undefined : unverifiedIssuer(token);
    if (issuer !== undefined && this.#options.jwksTokens.handles(issuer)) {
      return { principal: await this.#options.jwksTokens.verify(token, issuer) };
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

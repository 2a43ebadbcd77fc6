import type {
  AuthService,
  Credentials,
  JsonObject,
  NonePrincipal,
  PrincipalTypes,
  ServicePrincipal,
  UserPrincipal,
} from '@trellis/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@trellis/errors';
import {
  mockCredentials,
  MockTokenClaims,
  MOCK_LIMITED_USER_TOKEN_PREFIX,
  MOCK_SERVICE_TOKEN_PREFIX,
  MOCK_USER_TOKEN_PREFIX,
} from './mockCredentials';

/**
 * An auth service for tests that accepts the tokens of {@link mockCredentials} instead of signed
 * ones. It keeps the rules that matter to a plugin: a service token made for another plugin is
 * refused (401) and access restrictions apply (403).
 *
 * @public
 */
export class MockAuthService implements AuthService {
  readonly #pluginId: string;

  private constructor(pluginId: string) {
    this.#pluginId = pluginId;
  }

  static create(options: { pluginId: string }): MockAuthService {
    return new MockAuthService(options.pluginId);
  }

  async authenticate(token: string, options?: { allowLimitedAccess?: boolean }): Promise<Credentials> {
    if (token.startsWith(MOCK_LIMITED_USER_TOKEN_PREFIX)) {
      if (!options?.allowLimitedAccess) {
        throw new AuthenticationError('Limited-access token is not allowed here');
      }
      return mockCredentials.limitedUser(parse(token.slice(MOCK_LIMITED_USER_TOKEN_PREFIX.length)).sub);
    }
    if (token.startsWith(MOCK_USER_TOKEN_PREFIX)) {
      const claims = parse(token.slice(MOCK_USER_TOKEN_PREFIX.length));
      return mockCredentials.user(claims.sub);
    }
    if (token.startsWith(MOCK_SERVICE_TOKEN_PREFIX)) {
      return this.#service(parse(token.slice(MOCK_SERVICE_TOKEN_PREFIX.length)));
    }
    throw new AuthenticationError('Invalid mock token');
  }

  isPrincipal<TType extends keyof PrincipalTypes>(
    credentials: Credentials,
    type: TType,
  ): credentials is Credentials<PrincipalTypes[TType]> {
    return (credentials.principal as { type?: unknown }).type === type;
  }

  async getNoneCredentials(): Promise<Credentials<NonePrincipal>> {
    return mockCredentials.none();
  }

  async getOwnServiceCredentials(): Promise<Credentials<ServicePrincipal>> {
    return mockCredentials.service(`plugin:${this.#pluginId}`);
  }

  async getPluginRequestToken(options: {
    onBehalfOf: Credentials;
    targetPluginId: string;
  }): Promise<{ token: string }> {
    const principal = options.onBehalfOf.principal as UserPrincipal | ServicePrincipal | NonePrincipal;
    if (principal.type === 'none') {
      throw new AuthenticationError('Refusing to issue a plugin token on behalf of a caller without credentials');
    }
    return {
      token: mockCredentials.service.token({
        subject: `plugin:${this.#pluginId}`,
        targetPluginId: options.targetPluginId,
        onBehalfOf: principal.type === 'user' ? principal.userEntityRef : undefined,
      }),
    };
  }

  async getLimitedUserToken(credentials: Credentials<UserPrincipal>): Promise<{ token: string; expiresAt: Date }> {
    const principal = credentials.principal as UserPrincipal | ServicePrincipal | NonePrincipal;
    if (principal.type === 'none') {
      throw new AuthenticationError('Refusing to issue a limited user token for a caller without credentials');
    }
    if (principal.type !== 'user') {
      throw new NotAllowedError(
        `Limited user tokens are issued for user credentials only, not for '${principal.type}' credentials`,
      );
    }
    return {
      token: mockCredentials.limitedUser.token(principal.userEntityRef),
      expiresAt: new Date(Date.now() + 60 * 60_000),
    };
  }

  async listPublicServiceKeys(): Promise<{ keys: JsonObject[] }> {
    return { keys: [] };
  }

  #service(claims: MockTokenClaims): Credentials {
    if (claims.target !== undefined && claims.target !== this.#pluginId) {
      throw new AuthenticationError(`Invalid mock token: it is for plugin '${claims.target}'`);
    }
    if (claims.obo) {
      return {
        $$type: '@trellis/Credentials',
        principal: { type: 'user', userEntityRef: claims.obo, actor: { subject: claims.sub } },
      };
    }
    const plugins = claims.accessRestrictions?.plugins;
    if (plugins && !plugins.includes(this.#pluginId)) {
      throw new NotAllowedError(`This token may not access plugin '${this.#pluginId}'`);
    }
    return mockCredentials.service(claims.sub, claims.accessRestrictions);
  }
}

function parse(json: string): MockTokenClaims {
  try {
    const claims = JSON.parse(json) as MockTokenClaims;
    if (typeof claims?.sub === 'string') {
      return claims;
    }
  } catch {
    // fall through to the error below
  }
  throw new AuthenticationError('Invalid mock token');
}

import type {
  AccessRestrictions,
  Credentials,
  NonePrincipal,
  ServicePrincipal,
  UserPrincipal,
} from '@trellis/backend-plugin-api';

/** The claims inside a mock token. */
export interface MockTokenClaims {
  sub: string;
  /** The plugin a service token is for; any plugin when absent. */
  target?: string;
  /** The user a plugin token is on behalf of. */
  obo?: string;
  accessRestrictions?: AccessRestrictions;
}

/** Prefixes of the tokens the mock auth service accepts. */
export const MOCK_USER_TOKEN_PREFIX = 'mock-user-token:';
export const MOCK_SERVICE_TOKEN_PREFIX = 'mock-service-token:';
/** Prefix of limited-access user tokens, accepted only where limited access is allowed. */
export const MOCK_LIMITED_USER_TOKEN_PREFIX = 'mock-limited-user-token:';
/** A token the mock auth service always refuses. */
export const MOCK_INVALID_TOKEN = 'mock-invalid-token';

const DEFAULT_USER = 'user:default/mock';
const DEFAULT_SERVICE = 'external:test-service';

/** Options of the mock service token helpers. @public */
export interface MockServiceTokenOptions {
  subject?: string;
  /** Only this plugin accepts the token. */
  targetPluginId?: string;
  /**
   * Carries this user, as a plugin token on behalf of a user does: an entity ref, or credentials
   * as in Backstage (a user's make a token on behalf of that user, a service's a token of that
   * service).
   */
  onBehalfOf?: string | Credentials;
  accessRestrictions?: AccessRestrictions;
}

function credentials<T>(principal: T): Credentials<T> {
  return { $$type: '@trellis/Credentials', principal };
}

const bearer = (token: string) => `Bearer ${token}`;

function userToken(userEntityRef = DEFAULT_USER): string {
  return `${MOCK_USER_TOKEN_PREFIX}${JSON.stringify({ sub: userEntityRef } satisfies MockTokenClaims)}`;
}

function limitedUserToken(userEntityRef = DEFAULT_USER): string {
  return `${MOCK_LIMITED_USER_TOKEN_PREFIX}${JSON.stringify({ sub: userEntityRef } satisfies MockTokenClaims)}`;
}

function serviceToken(options: MockServiceTokenOptions = {}): string {
  const principal =
    typeof options.onBehalfOf === 'object'
      ? (options.onBehalfOf.principal as UserPrincipal | ServicePrincipal | NonePrincipal)
      : undefined;
  const obo = principal?.type === 'user' ? principal.userEntityRef : (options.onBehalfOf as string | undefined);
  const claims: MockTokenClaims = {
    sub: options.subject ?? (principal?.type === 'service' ? principal.subject : DEFAULT_SERVICE),
    ...(options.targetPluginId ? { target: options.targetPluginId } : {}),
    ...(typeof obo === 'string' ? { obo } : {}),
    ...(options.accessRestrictions ? { accessRestrictions: options.accessRestrictions } : {}),
  };
  return `${MOCK_SERVICE_TOKEN_PREFIX}${JSON.stringify(claims)}`;
}

/**
 * Credentials and Authorization header values for tests. The mock auth service that
 * `startTestBackend` installs accepts exactly these tokens, so a test can call a plugin's routes
 * as a user (`mockCredentials.user.header()`), as a service, with no credentials or with an
 * invalid token; the real credentials middleware and auth policies still decide.
 *
 * @public
 */
export const mockCredentials = {
  /** No credentials; `none.header()` is the empty header, which counts as absent. */
  none: Object.assign((): Credentials<NonePrincipal> => credentials({ type: 'none' }), {
    header: (): string => '',
  }),
  /** A user, `user:default/mock` unless named. */
  user: Object.assign(
    (userEntityRef = DEFAULT_USER): Credentials<UserPrincipal> => credentials({ type: 'user', userEntityRef }),
    {
      token: userToken,
      header: (userEntityRef?: string): string => bearer(userToken(userEntityRef)),
      invalidToken: (): string => MOCK_INVALID_TOKEN,
      invalidHeader: (): string => bearer(MOCK_INVALID_TOKEN),
    },
  ),
  /**
   * A user with limited access (as Backstage gives to cookie-authenticated requests for static
   * content): the mock auth service accepts its token only with `allowLimitedAccess`.
   */
  limitedUser: Object.assign(
    (userEntityRef = DEFAULT_USER): Credentials<UserPrincipal> => credentials({ type: 'user', userEntityRef }),
    {
      token: limitedUserToken,
      header: (userEntityRef?: string): string => bearer(limitedUserToken(userEntityRef)),
      invalidToken: (): string => MOCK_INVALID_TOKEN,
    },
  ),
  /** A service, `external:test-service` unless named. */
  service: Object.assign(
    (subject = DEFAULT_SERVICE, accessRestrictions?: AccessRestrictions): Credentials<ServicePrincipal> =>
      credentials({ type: 'service', subject, ...(accessRestrictions ? { accessRestrictions } : {}) }),
    {
      token: serviceToken,
      header: (options?: MockServiceTokenOptions): string => bearer(serviceToken(options)),
      invalidToken: (): string => MOCK_INVALID_TOKEN,
      invalidHeader: (): string => bearer(MOCK_INVALID_TOKEN),
    },
  ),
  /** A token no auth service accepts. */
  invalid: {
    token: (): string => MOCK_INVALID_TOKEN,
    header: (): string => bearer(MOCK_INVALID_TOKEN),
  },
};

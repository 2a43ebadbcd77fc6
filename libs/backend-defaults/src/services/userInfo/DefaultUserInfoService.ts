import {
  AuthService,
  CacheService,
  Credentials,
  DiscoveryService,
  UserInfo,
  UserInfoService,
  UserPrincipal,
} from '@trellis/backend-plugin-api';
import { errorFromResponse, InputError, ServiceUnavailableError } from '@trellis/errors';
import { ownershipClaimOf } from '../auth/userTokenClaims';

/** How long the catalog's answer about a user is reused. */
const CACHE_TTL_MS = 60_000;
const REQUEST_TIMEOUT_MS = 15_000;
const CACHE_KEY_PREFIX = 'core.userInfo:v1:';

/** Options of {@link DefaultUserInfoService.create}. */
export interface DefaultUserInfoServiceOptions {
  auth: AuthService;
  discovery: DiscoveryService;
  cache: CacheService;
}

interface UserEntity {
  spec?: { memberOf?: unknown };
  relations?: unknown;
}

/**
 * User info from the user token's `ent` claim when it had one; otherwise from the user's entity
 * in the catalog (its `spec.memberOf` and `memberOf` relations), asked over HTTP
 * (`POST /entities/by-refs`) with this plugin's own token and cached for a minute. A user the catalog does not know owns only
 * through their own ref.
 */
export class DefaultUserInfoService implements UserInfoService {
  readonly #options: DefaultUserInfoServiceOptions;

  private constructor(options: DefaultUserInfoServiceOptions) {
    this.#options = options;
  }

  static create(options: DefaultUserInfoServiceOptions): DefaultUserInfoService {
    return new DefaultUserInfoService(options);
  }

  async getUserInfo(credentials: Credentials): Promise<UserInfo> {
    if (!this.#options.auth.isPrincipal(credentials, 'user')) {
      throw new InputError('User info is only available for user credentials');
    }
    const { userEntityRef } = credentials.principal as UserPrincipal;
    const claimed = ownershipClaimOf(credentials);
    if (claimed) {
      return { userEntityRef, ownershipEntityRefs: [...claimed] };
    }
    const key = `${CACHE_KEY_PREFIX}${userEntityRef}`;
    const cached = await this.#options.cache.get<string[]>(key);
    if (Array.isArray(cached)) {
      return { userEntityRef, ownershipEntityRefs: cached };
    }
    const ownershipEntityRefs = ownershipOf(userEntityRef, await this.#fetchUser(userEntityRef));
    await this.#options.cache.set(key, ownershipEntityRefs, { ttl: CACHE_TTL_MS });
    return { userEntityRef, ownershipEntityRefs };
  }

  async #fetchUser(userEntityRef: string): Promise<UserEntity | undefined> {
    const ref = parseRef(userEntityRef, 'user');
    if (!ref) {
      return undefined;
    }
    const { auth, discovery } = this.#options;
    // The catalog's address first: without one there is no token to mint (minting may store a
    // new signing key, which must not go on in the background once the request has failed).
    const baseUrl = await discovery.getBaseUrl('catalog').catch((error: Error) => {
      throw new ServiceUnavailableError('No catalog is installed or configured to read user info from', error);
    });
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'catalog',
    });
    let response: Response;
    try {
      // Asked as a batch of one: a user the catalog does not know is an answer (null), while a
      // 404 would not tell it from a backend that hosts no catalog.
      response = await fetch(`${baseUrl}/entities/by-refs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ entityRefs: [stringify(ref)] }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServiceUnavailableError(`The catalog at ${baseUrl} cannot be reached for user info`, error as Error);
    }
    if (!response.ok) {
      const cause = await errorFromResponse(response);
      throw new ServiceUnavailableError(`The catalog answered ${response.status} when asked for user info`, cause);
    }
    const body = (await response.json()) as { items?: Array<UserEntity | null> };
    return body.items?.[0] ?? undefined;
  }
}

interface EntityRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Parses `[kind:][namespace/]name`, with the given default kind and namespace `default`. */
function parseRef(ref: string, defaultKind: string): EntityRef | undefined {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref);
  if (!match) {
    return undefined;
  }
  return { kind: (match[1] ?? defaultKind).toLowerCase(), namespace: match[2] ?? 'default', name: match[3] };
}

function stringify(ref: EntityRef): string {
  return `${ref.kind}:${ref.namespace}/${ref.name}`;
}

function ownershipOf(userEntityRef: string, entity: UserEntity | undefined): string[] {
  const refs = new Set([userEntityRef]);
  const memberOf = entity?.spec?.memberOf;
  for (const group of Array.isArray(memberOf) ? memberOf : []) {
    const parsed = typeof group === 'string' ? parseRef(group, 'group') : undefined;
    if (parsed) {
      refs.add(stringify(parsed));
    }
  }
  for (const relation of Array.isArray(entity?.relations) ? entity.relations : []) {
    const { type, targetRef } = (relation ?? {}) as { type?: unknown; targetRef?: unknown };
    const parsed = type === 'memberOf' && typeof targetRef === 'string' ? parseRef(targetRef, 'group') : undefined;
    if (parsed) {
      refs.add(stringify(parsed));
    }
  }
  return [...refs];
}

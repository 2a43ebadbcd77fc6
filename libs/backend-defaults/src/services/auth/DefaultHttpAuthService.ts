import {
  AuthService,
  Credentials,
  DiscoveryService,
  HttpAuthService,
  PrincipalTypes,
  UserPrincipal,
} from '@trellis/backend-plugin-api';
import { AuthenticationError, isErrorLike, NotAllowedError } from '@trellis/errors';
import type { CookieOptions, Request, Response } from 'express';
import { readUserCookie, USER_COOKIE_NAME } from './userCookie';

const BEARER = /^Bearer +([^\s]+) *$/i;

/** A cookie that lives at least this much longer is kept instead of issuing a new one. */
const COOKIE_REFRESH_MARGIN_MS = 5 * 60_000;

/** Options of {@link DefaultHttpAuthService.create}. @public */
export interface DefaultHttpAuthServiceOptions {
  auth: AuthService;
  /**
   * The plugin the service belongs to: the user cookie is scoped to its base path. Without it
   * the cookie's path is `/`.
   */
  pluginId?: string;
  /** Finds the plugin's external base URL: its path scopes the cookie, https makes it Secure. */
  discovery?: DiscoveryService;
}

/**
 * Credentials of incoming requests, from the `Authorization: Bearer <token>` header or, where the
 * caller allows limited access, from the user cookie. A request without either has `none`
 * credentials. The result is kept per request, so the credentials middleware and the route
 * handler verify a token once.
 *
 * @public
 */
export class DefaultHttpAuthService implements HttpAuthService {
  readonly #options: DefaultHttpAuthServiceOptions;
  readonly #full = new WeakMap<Request, Promise<Credentials>>();
  readonly #limited = new WeakMap<Request, Promise<Credentials>>();

  private constructor(options: DefaultHttpAuthServiceOptions) {
    this.#options = options;
  }

  static create(options: DefaultHttpAuthServiceOptions): DefaultHttpAuthService {
    return new DefaultHttpAuthService(options);
  }

  async credentials<TAllowed extends keyof PrincipalTypes = 'user' | 'service' | 'none'>(
    req: Request,
    options?: { allow?: TAllowed[]; allowLimitedAccess?: boolean },
  ): Promise<Credentials<PrincipalTypes[TAllowed]>> {
    const credentials = await this.#extract(req, options?.allowLimitedAccess === true);
    const allowed: readonly string[] | undefined = options?.allow;
    const type = credentials.principal.type;
    if (allowed && !allowed.includes(type)) {
      if (type === 'none') {
        throw new AuthenticationError('Missing credentials');
      }
      throw new NotAllowedError(`This endpoint does not allow '${type}' credentials`);
    }
    return credentials as Credentials<PrincipalTypes[TAllowed]>;
  }

  async issueUserCookie(res: Response, options?: { credentials?: Credentials }): Promise<{ expiresAt: Date }> {
    if (res.headersSent) {
      throw new Error('Cannot issue the user cookie: the response headers were already sent');
    }
    const credentials = options?.credentials ?? (await this.credentials(res.req, { allow: ['user'] }));
    const cookie = await this.#cookieOptions(res.req);
    res.setHeader('cache-control', 'no-store');
    if (credentials.principal.type === 'none') {
      res.clearCookie(USER_COOKIE_NAME, cookie);
      return { expiresAt: new Date() };
    }
    if (credentials.principal.type !== 'user') {
      throw new NotAllowedError(
        `The user cookie is for users only, not for '${credentials.principal.type}' credentials`,
      );
    }
    const user = credentials as Credentials<UserPrincipal>;
    const kept = await this.#reusableCookieExpiry(res.req, user.principal.userEntityRef);
    if (kept) {
      return { expiresAt: kept };
    }
    const { token, expiresAt } = await this.#options.auth.getLimitedUserToken(user);
    res.cookie(USER_COOKIE_NAME, token, { ...cookie, expires: expiresAt });
    return { expiresAt };
  }

  #extract(req: Request, allowLimitedAccess: boolean): Promise<Credentials> {
    const cache = allowLimitedAccess ? this.#limited : this.#full;
    let credentials = cache.get(req);
    if (!credentials) {
      credentials = this.#read(req, allowLimitedAccess);
      cache.set(req, credentials);
    }
    return credentials;
  }

  async #read(req: Request, allowLimitedAccess: boolean): Promise<Credentials> {
    const header = req.headers.authorization;
    if (header !== undefined && header !== '') {
      const match = BEARER.exec(header);
      if (!match) {
        throw new AuthenticationError("Malformed Authorization header; expected 'Bearer <token>'");
      }
      return this.#options.auth.authenticate(match[1], { allowLimitedAccess });
    }
    const cookie = allowLimitedAccess ? readUserCookie(req) : undefined;
    if (cookie !== undefined) {
      return this.#options.auth.authenticate(cookie, { allowLimitedAccess: true });
    }
    return this.#options.auth.getNoneCredentials();
  }

  /** The expiry of the request's cookie, when it is this user's and lives on for a while. */
  async #reusableCookieExpiry(req: Request, userEntityRef: string): Promise<Date | undefined> {
    const cookie = readUserCookie(req);
    if (cookie === undefined) {
      return undefined;
    }
    try {
      const existing = await this.#options.auth.authenticate(cookie, { allowLimitedAccess: true });
      const expiresAt = existing.expiresAt;
      const sameUser = existing.principal.type === 'user' && existing.principal.userEntityRef === userEntityRef;
      return sameUser && expiresAt && expiresAt.getTime() - Date.now() > COOKIE_REFRESH_MARGIN_MS
        ? expiresAt
        : undefined;
    } catch (error) {
      if (isErrorLike(error) && error.name === 'AuthenticationError') {
        return undefined;
      }
      throw error;
    }
  }

  async #cookieOptions(req: Request): Promise<CookieOptions> {
    const { pluginId, discovery } = this.#options;
    const external = pluginId && discovery ? new URL(await discovery.getExternalBaseUrl(pluginId)) : undefined;
    const path = external?.pathname ?? (pluginId ? `/api/${pluginId}` : '/');
    return {
      path,
      httpOnly: true,
      secure: external ? external.protocol === 'https:' : req.secure,
      sameSite: 'strict',
    };
  }
}

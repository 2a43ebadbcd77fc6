import { AuthService, Credentials, HttpAuthService, PrincipalTypes } from '@trellis/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@trellis/errors';
import type { Request } from 'express';

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Credentials of incoming requests, from the `Authorization: Bearer <token>` header. A request
 * without the header has `none` credentials. The result is kept per request, so the credentials
 * middleware and the route handler verify a token once.
 *
 * @public
 */
export class DefaultHttpAuthService implements HttpAuthService {
  readonly #auth: AuthService;
  readonly #cache = new WeakMap<Request, Promise<Credentials>>();

  private constructor(auth: AuthService) {
    this.#auth = auth;
  }

  static create(options: { auth: AuthService }): DefaultHttpAuthService {
    return new DefaultHttpAuthService(options.auth);
  }

  async credentials<TAllowed extends keyof PrincipalTypes = 'user' | 'service' | 'none'>(
    req: Request,
    options?: { allow?: TAllowed[] },
  ): Promise<Credentials<PrincipalTypes[TAllowed]>> {
    const credentials = await this.#extract(req);
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

  #extract(req: Request): Promise<Credentials> {
    let credentials = this.#cache.get(req);
    if (!credentials) {
      credentials = this.#read(req);
      this.#cache.set(req, credentials);
    }
    return credentials;
  }

  async #read(req: Request): Promise<Credentials> {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      return this.#auth.getNoneCredentials();
    }
    const match = BEARER.exec(header);
    if (!match) {
      throw new AuthenticationError("Malformed Authorization header; expected 'Bearer <token>'");
    }
    return this.#auth.authenticate(match[1]);
  }
}

import { HttpAuthService, HttpRouterServiceAuthPolicy } from '@trellis/backend-plugin-api';
import { isErrorLike } from '@trellis/errors';
import type { RequestHandler } from 'express';
import { createPathPredicate, PathPredicate } from './pathPolicy';

/** Options of {@link createCredentialsBarrier}. */
export interface CredentialsBarrierOptions {
  httpAuth: HttpAuthService;
  /** What the plugin's policies say about a path ({@link createPathAccess}). */
  accessOf: (path: string) => PathAccess;
}

/** What the policies say about a path: open to all, open to the user cookie too, or neither. */
export type PathAccess = 'unauthenticated' | 'user-cookie' | 'credentials';

/**
 * The default-deny gate in front of a plugin's routes: a request passes only with valid user or
 * service credentials, or when its path falls under an `unauthenticated` policy. Under a
 * `user-cookie` policy the user cookie (a limited user token) counts as credentials too. Missing
 * or bad credentials become a 401 (with `WWW-Authenticate: Bearer`), credentials that may not
 * reach this plugin a 403, both in the standard error shape.
 */
export function createCredentialsBarrier(options: CredentialsBarrierOptions): RequestHandler {
  return (req, res, next) => {
    const access = options.accessOf(req.path);
    if (access === 'unauthenticated') {
      next();
      return;
    }
    const allowLimitedAccess = access === 'user-cookie';
    options.httpAuth.credentials(req, { allow: ['user', 'service'], allowLimitedAccess }).then(
      () => next(),
      (error: unknown) => {
        if (isErrorLike(error) && error.name === 'AuthenticationError') {
          res.setHeader('www-authenticate', 'Bearer');
        }
        next(error);
      },
    );
  };
}

/**
 * Compiles the policies into a lookup of a path's access, recompiled when policies were added
 * (policies are read on each call, so those added during init apply). `unauthenticated` wins
 * over `user-cookie` where both cover a path.
 */
export function createPathAccess(policies: () => readonly HttpRouterServiceAuthPolicy[]): (path: string) => PathAccess {
  let compiledFrom = 0;
  let open: PathPredicate[] = [];
  let cookie: PathPredicate[] = [];
  return (path) => {
    const current = policies();
    if (current.length !== compiledFrom) {
      compiledFrom = current.length;
      open = current.filter((p) => p.allow === 'unauthenticated').map((p) => createPathPredicate(p.path));
      cookie = current.filter((p) => p.allow === 'user-cookie').map((p) => createPathPredicate(p.path));
    }
    if (open.some((matches) => matches(path))) {
      return 'unauthenticated';
    }
    return cookie.some((matches) => matches(path)) ? 'user-cookie' : 'credentials';
  };
}

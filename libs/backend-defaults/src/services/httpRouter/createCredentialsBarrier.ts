import { HttpAuthService, HttpRouterServiceAuthPolicy } from '@trellis/backend-plugin-api';
import { isErrorLike } from '@trellis/errors';
import type { RequestHandler } from 'express';
import { createPathPredicate, PathPredicate } from './pathPolicy';

/** Options of {@link createCredentialsBarrier}. */
export interface CredentialsBarrierOptions {
  httpAuth: HttpAuthService;
  /** The plugin's policies; read on each request, so policies added during init apply. */
  policies: () => readonly HttpRouterServiceAuthPolicy[];
}

/**
 * The default-deny gate in front of a plugin's routes: a request passes only with valid user or
 * service credentials, or when its path falls under an `unauthenticated` policy. Missing or bad
 * credentials become a 401 (with `WWW-Authenticate: Bearer`), credentials that may not reach this
 * plugin a 403, both in the standard error shape.
 */
export function createCredentialsBarrier(options: CredentialsBarrierOptions): RequestHandler {
  const isOpen = openPathMatcher(options.policies);
  return (req, res, next) => {
    if (isOpen(req.path)) {
      next();
      return;
    }
    options.httpAuth.credentials(req, { allow: ['user', 'service'] }).then(
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

function openPathMatcher(policies: () => readonly HttpRouterServiceAuthPolicy[]): (path: string) => boolean {
  let compiledFrom: readonly HttpRouterServiceAuthPolicy[] = [];
  let predicates: PathPredicate[] = [];
  return (path) => {
    const current = policies();
    if (current.length !== compiledFrom.length) {
      compiledFrom = [...current];
      predicates = current.filter((p) => p.allow === 'unauthenticated').map((p) => createPathPredicate(p.path));
    }
    return predicates.some((matches) => matches(path));
  };
}

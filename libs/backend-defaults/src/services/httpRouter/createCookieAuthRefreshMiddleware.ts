import { AuthService, HttpAuthService } from '@trellis/backend-plugin-api';
import type { RequestHandler } from 'express';

/** Where every plugin issues and deletes the user cookie, relative to its base path, as Backstage. */
export const COOKIE_PATH = '/.backstage/auth/v1/cookie';

/**
 * The cookie endpoint every plugin has, behind the credentials barrier: `GET` issues the user
 * cookie for the signed-in user (a full user token is needed: the cookie cannot renew itself) and
 * answers `{ expiresAt }`; `DELETE` removes it and answers 204. One middleware that compares the
 * path, instead of an express router per plugin. The default httpRouter installs it; a custom
 * httpRouter factory mounts it after its credentials barrier, as Backstage's of the same name.
 *
 * @public
 */
export function createCookieAuthRefreshMiddleware(options: {
  auth: AuthService;
  httpAuth: HttpAuthService;
}): RequestHandler {
  const { auth, httpAuth } = options;
  return (req, res, next) => {
    if (req.path !== COOKIE_PATH || (req.method !== 'GET' && req.method !== 'DELETE')) {
      next();
      return;
    }
    const answer =
      req.method === 'GET'
        ? httpAuth.issueUserCookie(res).then(({ expiresAt }) => {
            res.json({ expiresAt: expiresAt.toISOString() });
          })
        : auth
            .getNoneCredentials()
            .then((credentials) => httpAuth.issueUserCookie(res, { credentials }))
            .then(() => {
              res.status(204).end();
            });
    answer.catch(next);
  };
}

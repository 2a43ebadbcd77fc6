import { AuthService } from '@trellis/backend-plugin-api';
import type { RequestHandler } from 'express';

/** Where a plugin publishes the public keys of its tokens, relative to its base path. */
export const JWKS_PATH = '/.trellis/auth/v1/jwks.json';

/**
 * The plugin's auth endpoints, open to everyone: its JSON Web Key Set, so other backends can
 * verify tokens the plugin minted. Matched as express matches `router.get(JWKS_PATH)` (any case,
 * an optional trailing slash, GET and HEAD); every other request is passed on.
 */
export function createAuthIntegrationRoutes(options: { auth: AuthService }): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isPath(req.path, JWKS_PATH)) {
      next();
      return;
    }
    options.auth.listPublicServiceKeys().then((keys) => {
      res.setHeader('cache-control', 'no-cache');
      res.json(keys);
    }, next);
  };
}

/** `path` is `expected` in any case, with or without a trailing slash. */
function isPath(path: string, expected: string): boolean {
  const length = path.endsWith('/') ? path.length - 1 : path.length;
  return length === expected.length && path.slice(0, length).toLowerCase() === expected.toLowerCase();
}

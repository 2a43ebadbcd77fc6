import { AuthService } from '@trellis/backend-plugin-api';
import { Router } from 'express';

/** Where a plugin publishes the public keys of its tokens, relative to its base path. */
export const JWKS_PATH = '/.trellis/auth/v1/jwks.json';

/**
 * Adds the plugin's auth endpoints, open to everyone, to its router: its JSON Web Key Set, so
 * other backends can verify tokens the plugin minted.
 */
export function addAuthIntegrationRoutes(router: Router, options: { auth: AuthService }): void {
  router.get(JWKS_PATH, async (_req, res) => {
    const keys = await options.auth.listPublicServiceKeys();
    res.setHeader('cache-control', 'no-cache');
    res.json(keys);
  });
}

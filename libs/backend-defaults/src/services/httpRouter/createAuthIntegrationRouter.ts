import { AuthService } from '@trellis/backend-plugin-api';
import express, { Router } from 'express';

/** Where a plugin publishes the public keys of its tokens, relative to its base path. */
export const JWKS_PATH = '/.trellis/auth/v1/jwks.json';

/**
 * The plugin's auth endpoints, open to everyone: its JSON Web Key Set, so other backends can
 * verify tokens the plugin minted.
 */
export function createAuthIntegrationRouter(options: { auth: AuthService }): Router {
  const router = express.Router();
  router.get(JWKS_PATH, async (_req, res) => {
    const keys = await options.auth.listPublicServiceKeys();
    res.setHeader('cache-control', 'no-cache');
    res.json(keys);
  });
  return router;
}

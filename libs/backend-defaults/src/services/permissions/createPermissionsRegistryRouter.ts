import { HttpAuthService } from '@trellis/backend-plugin-api';
import { parseApplyConditionsRequest } from '@trellis/plugin-permission-common';
import express, { Router } from 'express';
import { DefaultPermissionsRegistryService } from './DefaultPermissionsRegistryService';

/** Where a plugin describes its permissions and rules, relative to its base path. */
export const PERMISSIONS_METADATA_PATH = '/.well-known/backstage/permissions/metadata';
/** Where the permission plugin asks a plugin to apply conditions to resources. */
export const APPLY_CONDITIONS_PATH = '/.well-known/backstage/permissions/apply-conditions';

/**
 * The permission integration routes of a plugin, in the wire format of Backstage's permission
 * backend. Both need credentials (the credentials barrier runs first); applying conditions is
 * for services only, since its answers reveal facts about resources.
 */
export function createPermissionsRegistryRouter(options: {
  registry: DefaultPermissionsRegistryService;
  httpAuth: HttpAuthService;
}): Router {
  const { registry, httpAuth } = options;
  const router = express.Router();
  router.get(PERMISSIONS_METADATA_PATH, async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(registry.metadata());
  });
  router.post(APPLY_CONDITIONS_PATH, async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const entries = parseApplyConditionsRequest(req.body);
    res.json({ items: await registry.applyConditions(entries) });
  });
  return router;
}

import { HttpAuthService } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { EvaluatePermissionRequest, parseEvaluatePermissionRequestBatch } from '@trellis/plugin-permission-common';
import express, { Router } from 'express';
import { PermissionIndex } from './PermissionIndex';
import { PolicyEvaluator } from './PolicyEvaluator';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  evaluator: PolicyEvaluator;
  index: PermissionIndex;
}

/**
 * `POST /authorize`, in the wire format of Backstage's permission backend:
 * `{ items: [{ id, permission, resourceRef? }] }` answered by `{ items: [{ id, result, ... }] }`.
 * Open to callers without credentials, whom the policy decides as "no user".
 */
export function createRouter(options: RouterOptions): Router {
  const { httpAuth, evaluator, index } = options;
  const router = express.Router();
  router.post('/authorize', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const items = parseEvaluatePermissionRequestBatch(req.body);
    await checkRegistered(items, index);
    const decisions = await evaluator.evaluate(items, credentials);
    res.json({ items: items.map((item, i) => ({ id: item.id, ...decisions[i] })) });
  });
  return router;
}

async function checkRegistered(items: EvaluatePermissionRequest[], index: PermissionIndex): Promise<void> {
  for (const [i, { permission }] of items.entries()) {
    const registered = await index.find(permission.name);
    if (!registered) {
      throw new InputError(
        `Unknown permission '${permission.name}' (item ${i}): no plugin of this deployment registered it`,
      );
    }
    const sameType =
      registered.type === permission.type &&
      (registered.type === 'basic' ||
        (permission.type === 'resource' && registered.resourceType === permission.resourceType));
    if (!sameType) {
      throw new InputError(
        `Permission '${permission.name}' (item ${i}) is registered as ${describe(registered)}, not as ${describe(permission)}`,
      );
    }
  }
}

function describe(permission: EvaluatePermissionRequest['permission']): string {
  return permission.type === 'resource'
    ? `a resource permission of type '${permission.resourceType}'`
    : 'a basic permission';
}

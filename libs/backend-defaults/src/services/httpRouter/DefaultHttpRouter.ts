import { HttpRouterService, HttpRouterServiceAuthPolicy } from '@trellis/backend-plugin-api';
import express, { Handler, Router } from 'express';
import { splitPolicyPath } from './pathPolicy';

/**
 * The plugin router, mounted at `/api/<pluginId>` on the root router. Handlers run in the order
 * they were added; auth policies are collected for the credentials barrier in front of them.
 *
 * @public
 */
export class DefaultHttpRouter implements HttpRouterService {
  readonly #router: Router = express.Router();
  readonly #policies: HttpRouterServiceAuthPolicy[] = [];

  static create(): DefaultHttpRouter {
    return new DefaultHttpRouter();
  }

  use(handler: Handler): void {
    this.#router.use(handler);
  }

  addAuthPolicy(policy: HttpRouterServiceAuthPolicy): void {
    splitPolicyPath(policy.path);
    if (policy.allow !== 'unauthenticated' && policy.allow !== 'user-cookie') {
      throw new Error(`Auth policy for '${policy.path}' has allow '${String(policy.allow)}'; use 'unauthenticated'`);
    }
    this.#policies.push({ path: policy.path, allow: policy.allow });
  }

  /** The policies added so far. */
  policies(): readonly HttpRouterServiceAuthPolicy[] {
    return this.#policies;
  }

  handler(): Router {
    return this.#router;
  }
}

import {
  coreServices,
  createServiceFactory,
  HttpRouterService,
  HttpRouterServiceAuthPolicy,
} from '@trellis/backend-plugin-api';
import express, { Handler, Router } from 'express';

/**
 * The plugin router, mounted at `/api/<pluginId>` on the root router. Handlers run in the order
 * they were added; auth policies are collected for the credentials middleware.
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
    if (!policy.path.startsWith('/')) {
      throw new Error(`Auth policy paths are relative to the plugin and start with '/', got '${policy.path}'`);
    }
    this.#policies.push(policy);
  }

  /** The policies added so far. */
  policies(): readonly HttpRouterServiceAuthPolicy[] {
    return this.#policies;
  }

  handler(): Router {
    return this.#router;
  }
}

/** Factory of the plugin HTTP router. @public */
export const httpRouterServiceFactory = createServiceFactory({
  service: coreServices.httpRouter,
  deps: { rootHttpRouter: coreServices.rootHttpRouter, pluginMetadata: coreServices.pluginMetadata },
  factory({ rootHttpRouter, pluginMetadata }) {
    const router = DefaultHttpRouter.create();
    rootHttpRouter.use(`/api/${pluginMetadata.getId()}`, router.handler());
    return router;
  },
});

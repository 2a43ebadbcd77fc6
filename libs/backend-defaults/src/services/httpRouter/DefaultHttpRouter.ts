import {
  HttpRouterService,
  HttpRouterServiceAuthPolicy,
  HttpRouterServiceWebSocketHandler,
} from '@trellis/backend-plugin-api';
import express, { Handler, Router } from 'express';
import { splitPolicyPath } from './pathPolicy';

/** Options of {@link DefaultHttpRouter.create}. @public */
export interface DefaultHttpRouterOptions {
  /** Takes the WebSocket handlers, once their path was checked; without it they are refused. */
  addWebSocketHandler?: (handler: HttpRouterServiceWebSocketHandler) => void;
}

const WS_SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=@-]*$/;

/**
 * The plugin router, mounted at `/api/<pluginId>` on the root router. Handlers run in the order
 * they were added; auth policies are collected for the credentials barrier in front of them.
 *
 * @public
 */
export class DefaultHttpRouter implements HttpRouterService {
  readonly #router: Router = express.Router();
  readonly #policies: HttpRouterServiceAuthPolicy[] = [];
  readonly #options: DefaultHttpRouterOptions;

  private constructor(options: DefaultHttpRouterOptions) {
    this.#options = options;
  }

  static create(options: DefaultHttpRouterOptions = {}): DefaultHttpRouter {
    return new DefaultHttpRouter(options);
  }

  use(handler: Handler): void {
    this.#router.use(handler);
  }

  addAuthPolicy(policy: HttpRouterServiceAuthPolicy): void {
    splitPolicyPath(policy.path);
    if (policy.allow !== 'unauthenticated' && policy.allow !== 'user-cookie') {
      throw new Error(
        `Auth policy for '${policy.path}' has allow '${String(policy.allow)}'; use 'unauthenticated' or 'user-cookie'`,
      );
    }
    this.#policies.push({ path: policy.path, allow: policy.allow });
  }

  addWebSocketHandler(options: HttpRouterServiceWebSocketHandler): void {
    checkPluginWebSocketPath(options.path);
    if (options.authPolicy !== undefined && options.authPolicy !== 'unauthenticated') {
      throw new Error(
        `WebSocket handler for '${options.path}' has authPolicy '${String(options.authPolicy)}'; use 'unauthenticated' or leave it out`,
      );
    }
    if (!this.#options.addWebSocketHandler) {
      throw new Error('This HTTP router does not serve WebSockets');
    }
    this.#options.addWebSocketHandler({ ...options });
  }

  /** The policies added so far. */
  policies(): readonly HttpRouterServiceAuthPolicy[] {
    return this.#policies;
  }

  handler(): Router {
    return this.#router;
  }
}

function checkPluginWebSocketPath(path: string): void {
  const segments = typeof path === 'string' && path.startsWith('/') ? path.split('/').slice(1) : undefined;
  const valid = segments?.every(
    (s, i) => WS_SEGMENT.test(s) && s !== '.' && s !== '..' && (s !== '' || i === segments.length - 1),
  );
  if (!valid) {
    throw new Error(
      `WebSocket handler paths are exact paths relative to the plugin that start with '/', of plain segments (no ':param', '*', '?' or dot segments); got '${String(path)}'`,
    );
  }
}

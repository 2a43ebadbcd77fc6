import {
  HttpRouterService,
  HttpRouterServiceAuthPolicy,
  HttpRouterServiceWebSocketHandler,
} from '@trellis/backend-plugin-api';
import express, { Handler, RequestHandler } from 'express';
import { inTurn } from '../rootHttpRouter/middleware';
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
 * While no error-handling middleware (four parameters) was added, the handlers run in turn
 * without an express router of their own, one dispatch less per request; from the first one on,
 * an express router runs them, so that error handlers see errors as express defines.
 *
 * @public
 */
export class DefaultHttpRouter implements HttpRouterService {
  readonly #handlers: Handler[] = [];
  readonly #inTurn = inTurn(this.#handlers);
  readonly #router = express.Router();
  #handlesErrors = false;
  readonly #policies: HttpRouterServiceAuthPolicy[] = [];
  readonly #options: DefaultHttpRouterOptions;

  private constructor(options: DefaultHttpRouterOptions) {
    this.#options = options;
  }

  static create(options: DefaultHttpRouterOptions = {}): DefaultHttpRouter {
    return new DefaultHttpRouter(options);
  }

  use(handler: Handler): void {
    this.#handlers.push(handler);
    this.#router.use(handler);
    this.#handlesErrors ||= handler.length >= 4;
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

  /** The handler to mount: it runs every handler added, also those added after this call. */
  handler(): RequestHandler {
    return (req, res, next) => (this.#handlesErrors ? this.#router : this.#inTurn)(req, res, next);
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

import type { Handler } from 'express';

/** A path a plugin opens to callers without credentials, relative to its base path. @public */
export interface HttpRouterServiceAuthPolicy {
  path: string;
  allow: 'unauthenticated' | 'user-cookie';
}

/**
 * The plugin's HTTP router, mounted at `/api/<pluginId>`. Every path requires credentials unless
 * opened with {@link HttpRouterService.addAuthPolicy}.
 *
 * @public
 */
export interface HttpRouterService {
  use(handler: Handler): void;
  addAuthPolicy(policy: HttpRouterServiceAuthPolicy): void;
}

/** The backend's root router: mounts handlers at absolute paths. @public */
export interface RootHttpRouterService {
  use(path: string, handler: Handler): void;
}

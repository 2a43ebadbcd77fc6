/**
 * `@trellis/backend-defaults/httpRouter`: the default httpRouter service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { DefaultHttpRouter, createCookieAuthRefreshMiddleware, httpRouterServiceFactory } from '../services/httpRouter';
export type { DefaultHttpRouterOptions } from '../services/httpRouter';

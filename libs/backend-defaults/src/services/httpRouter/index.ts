export { DefaultHttpRouter } from './DefaultHttpRouter';
export type { DefaultHttpRouterOptions } from './DefaultHttpRouter';
export { httpRouterServiceFactory } from './httpRouterServiceFactory';
export { createCookieAuthRefreshMiddleware } from './createCookieAuthRefreshMiddleware';

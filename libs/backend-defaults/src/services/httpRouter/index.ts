export { DefaultHttpRouter } from './DefaultHttpRouter';
export { httpRouterServiceFactory } from './httpRouterServiceFactory';

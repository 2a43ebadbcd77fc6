export { DefaultHttpRouter, httpRouterServiceFactory } from './httpRouterServiceFactory';

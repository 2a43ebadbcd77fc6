export { DefaultRootLifecycleService } from './DefaultRootLifecycleService';
export { rootLifecycleServiceFactory } from './rootLifecycleServiceFactory';

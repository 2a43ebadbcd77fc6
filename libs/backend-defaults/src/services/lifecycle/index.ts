export { lifecycleServiceFactory } from './lifecycleServiceFactory';

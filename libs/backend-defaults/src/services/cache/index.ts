export { cacheServiceFactory, createCacheStore, NamespacedCache } from './cacheServiceFactory';
export { durationToMs } from './durations';

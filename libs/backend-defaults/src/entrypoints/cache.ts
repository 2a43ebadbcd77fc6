/**
 * `@trellis/backend-defaults/cache`: the default cache service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { cacheServiceFactory, createCacheStore, NamespacedCache, durationToMs } from '../services/cache';

/**
 * `@trellis/backend-defaults/rootLifecycle`: the default rootLifecycle service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { DefaultRootLifecycleService, rootLifecycleServiceFactory } from '../services/rootLifecycle';

/**
 * `@trellis/backend-defaults/rootHealth`: the default rootHealth service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { DefaultRootHealthService, rootHealthServiceFactory } from '../services/rootHealth';

/**
 * `@trellis/backend-defaults/lifecycle`: the default lifecycle service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { lifecycleServiceFactory } from '../services/lifecycle';

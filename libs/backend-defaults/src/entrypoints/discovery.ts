/**
 * `@trellis/backend-defaults/discovery`: the default discovery service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { HostDiscovery, discoveryServiceFactory } from '../services/discovery';

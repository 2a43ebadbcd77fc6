/**
 * `@trellis/backend-defaults/metrics`: the default metrics service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { BackendMetrics, metricsServiceFactory, metricsServiceRef } from '../services/metrics';
export type { PoolStats } from '../services/metrics';

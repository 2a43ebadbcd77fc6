export { BackendMetrics, metricsServiceFactory, metricsServiceRef } from './metricsServiceFactory';
export type { PoolStats } from './metricsServiceFactory';
export { metricsEndpoint, recordRequest } from './metricsMiddleware';

import { coreServices, createServiceFactory, createServiceRef } from '@trellis/backend-plugin-api';
import { backendStateServiceRef, BackendStateService } from '@trellis/backend-app-api';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Pool use of one plugin's database client. @public */
export interface PoolStats {
  pluginId: string;
  used: number;
  free: number;
  pending: number;
}

/**
 * The backend's Prometheus metrics: one registry with process metrics (memory, event-loop lag,
 * ...) and the framework's series. Services record into it; `/.trellis/metrics` serves it.
 *
 * @public
 */
export class BackendMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'plugin' | 'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'plugin' | 'method' | 'route' | 'status'>;
  readonly schedulerRuns: Counter<'plugin' | 'task' | 'result'>;
  readonly schedulerDuration: Histogram<'plugin' | 'task'>;
  readonly cacheOperations: Counter<'plugin' | 'operation' | 'result'>;
  readonly #poolSources: Array<() => PoolStats[]> = [];

  private constructor(state: BackendStateService) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    const registers = [this.registry];
    this.httpRequests = new Counter({ name: 'trellis_http_requests_total', help: 'HTTP requests by plugin, route, method and status', labelNames: ['plugin', 'method', 'route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'trellis_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['plugin', 'method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.schedulerRuns = new Counter({ name: 'trellis_scheduler_task_runs_total', help: 'Scheduled task runs by result', labelNames: ['plugin', 'task', 'result'], registers });
    this.schedulerDuration = new Histogram({ name: 'trellis_scheduler_task_duration_seconds', help: 'Scheduled task run time', labelNames: ['plugin', 'task'], buckets: [0.01, 0.1, 1, 10, 60, 600], registers });
    this.cacheOperations = new Counter({ name: 'trellis_cache_operations_total', help: 'Cache reads (hit or miss) and errors', labelNames: ['plugin', 'operation', 'result'], registers });
    new Gauge({
      name: 'trellis_plugin_startup_seconds',
      help: 'How long each plugin took to start',
      labelNames: ['plugin', 'state'],
      registers,
      collect() {
        this.reset();
        for (const p of state.getPlugins()) {
          this.set({ plugin: p.pluginId, state: p.state }, (p.startupMs ?? 0) / 1000);
        }
      },
    });
    const pools = this.#poolSources;
    new Gauge({
      name: 'trellis_database_pool_connections',
      help: 'Database connections of each plugin by state (used, free, pending acquires)',
      labelNames: ['plugin', 'state'],
      registers,
      collect() {
        this.reset();
        for (const stats of pools.flatMap(source => source())) {
          this.set({ plugin: stats.pluginId, state: 'used' }, stats.used);
          this.set({ plugin: stats.pluginId, state: 'free' }, stats.free);
          this.set({ plugin: stats.pluginId, state: 'pending' }, stats.pending);
        }
      },
    });
  }

  static create(options: { backendState: BackendStateService }): BackendMetrics {
    return new BackendMetrics(options.backendState);
  }

  /** Adds a source of database pool statistics, read at each scrape. */
  addPoolSource(source: () => PoolStats[]): void {
    this.#poolSources.push(source);
  }
}

/** Ref of the backend's metrics. @public */
export const metricsServiceRef = createServiceRef<BackendMetrics>({ id: 'core.metrics', scope: 'root' });

/** Factory of the backend's metrics. @public */
export const metricsServiceFactory = createServiceFactory({
  service: metricsServiceRef,
  deps: { backendState: backendStateServiceRef, config: coreServices.rootConfig },
  factory: ({ backendState }) => BackendMetrics.create({ backendState }),
});

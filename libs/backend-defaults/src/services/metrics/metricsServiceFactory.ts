import {
  Config,
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@trellis/backend-plugin-api';
import { backendStateServiceRef, BackendStateService } from '@trellis/backend-app-api';
import type { Registry } from 'prom-client';
import { findInstalledPlugin } from '../../lib/findInstalledPlugin';
import { CounterVec, DEFAULT_MAX_SERIES, GaugeVec, HistogramVec } from './series';

/** Pool use of one plugin's database client. @public */
export interface PoolStats {
  pluginId: string;
  used: number;
  free: number;
  pending: number;
}

/** Options of {@link BackendMetrics.create}. @public */
export interface BackendMetricsOptions {
  backendState: BackendStateService;
  /** Label sets each metric keeps before folding new ones into an `other` series (2000). */
  maxSeriesPerMetric?: number;
  /** Where the first overflow of each metric is reported. */
  logger?: LoggerService;
}

/**
 * The backend's Prometheus metrics: the framework's series (requests, scheduler runs, cache
 * operations, plugin start times, database pools) and the process series of prom-client (memory,
 * CPU, event-loop lag, GC). Recording a framework series is a map update, cheap enough for every
 * request; prom-client is loaded at the first scrape, so a backend that is never scraped never
 * pays for it, and its process series start then.
 *
 * @public
 */
export class BackendMetrics {
  /** The content type of {@link BackendMetrics.render}. */
  readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';
  /**
   * Finished requests by `[plugin, method, route, status]`, in that order; rendered as the latency
   * histogram and, from its counts, the request counter.
   */
  readonly httpRequests = new HistogramVec(
    'trellis_http_request_duration_seconds',
    'HTTP request latency',
    ['plugin', 'method', 'route', 'status'] as const,
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly schedulerRuns = new CounterVec('trellis_scheduler_task_runs_total', 'Scheduled task runs by result', [
    'plugin',
    'task',
    'result',
  ] as const);
  readonly schedulerDuration = new HistogramVec(
    'trellis_scheduler_task_duration_seconds',
    'Scheduled task run time',
    ['plugin', 'task'] as const,
    [0.01, 0.1, 1, 10, 60, 600],
  );
  readonly cacheOperations = new CounterVec('trellis_cache_operations_total', 'Cache reads (hit or miss) and errors', [
    'plugin',
    'operation',
    'result',
  ] as const);
  readonly #gauges: GaugeVec<'plugin' | 'state'>[];
  readonly #poolSources: Array<() => PoolStats[]> = [];
  readonly #state: BackendStateService;
  #processRegistry?: Registry;

  private constructor(options: BackendMetricsOptions) {
    const state = options.backendState;
    this.#state = state;
    const maxSeries = options.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES;
    const logger = options.logger;
    const warn = (name: string, max: number) =>
      logger?.warn(
        `Metric ${name} reached ${max} label sets; new ones are counted in its 'other' series (raise backend.metrics.maxSeriesPerMetric if this is expected)`,
      );
    for (const series of [this.httpRequests, this.schedulerRuns, this.schedulerDuration, this.cacheOperations]) {
      series.limit(maxSeries, warn);
    }
    const pools = this.#poolSources;
    this.#gauges = [
      new GaugeVec('trellis_plugin_startup_seconds', 'How long each plugin took to start', ['plugin', 'state'], () =>
        state.getPlugins().map((p) => [{ plugin: p.pluginId, state: p.state }, (p.startupMs ?? 0) / 1000]),
      ),
      new GaugeVec(
        'trellis_database_pool_connections',
        'Database connections of each plugin by state (used, free, pending acquires)',
        ['plugin', 'state'],
        () =>
          pools
            .flatMap((source) => source())
            .flatMap((stats) => [
              [{ plugin: stats.pluginId, state: 'used' }, stats.used] as [{ plugin: string; state: string }, number],
              [{ plugin: stats.pluginId, state: 'free' }, stats.free] as [{ plugin: string; state: string }, number],
              [{ plugin: stats.pluginId, state: 'pending' }, stats.pending] as [
                { plugin: string; state: string },
                number,
              ],
            ]),
      ),
    ];
  }

  static create(options: BackendMetricsOptions): BackendMetrics {
    return new BackendMetrics(options);
  }

  /**
   * The ID of the installed plugin a path segment names, in its declared spelling, so it may
   * become a label value; `undefined` for a segment that names no installed plugin.
   */
  pluginLabel(segment: string): string | undefined {
    return findInstalledPlugin(this.#state, segment)?.pluginId;
  }

  /** Adds a source of database pool statistics, read at each scrape. */
  addPoolSource(source: () => PoolStats[]): void {
    this.#poolSources.push(source);
  }

  /** Every series in the Prometheus text format. */
  async render(): Promise<string> {
    if (!this.#processRegistry) {
      const prometheus = await import('prom-client');
      this.#processRegistry = new prometheus.Registry();
      prometheus.collectDefaultMetrics({ register: this.#processRegistry, eventLoopMonitoringPrecision: 20 });
    }
    const capped = [this.httpRequests, this.schedulerRuns, this.schedulerDuration, this.cacheOperations];
    const own = [
      this.httpRequests.counter('trellis_http_requests_total', 'HTTP requests by plugin, route, method and status'),
      ...capped,
      ...this.#gauges,
    ];
    const overflow = new CounterVec(
      'trellis_metrics_series_overflow_total',
      "Observations folded into a metric's other series because it reached backend.metrics.maxSeriesPerMetric",
      ['metric'] as const,
    );
    for (const series of capped) {
      overflow.inc({ metric: series.name }, series.overflowed);
    }
    return `${await this.#processRegistry.metrics()}\n${[...own, overflow].map((series) => series.render()).join('\n')}`;
  }
}

/** Ref of the backend's metrics. @public */
export const metricsServiceRef = createServiceRef<BackendMetrics>({ id: 'core.metrics', scope: 'root' });

/** Factory of the backend's metrics. @public */
export const metricsServiceFactory = createServiceFactory({
  service: metricsServiceRef,
  deps: { backendState: backendStateServiceRef, config: coreServices.rootConfig, rootLogger: coreServices.rootLogger },
  factory: ({ backendState, config, rootLogger }) =>
    BackendMetrics.create({
      backendState,
      maxSeriesPerMetric: readMaxSeries(config),
      logger: rootLogger.child({ component: 'metrics' }),
    }),
});

function readMaxSeries(config: Config): number {
  const value = config.getOptionalNumber('backend.metrics.maxSeriesPerMetric') ?? DEFAULT_MAX_SERIES;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`backend.metrics.maxSeriesPerMetric must be a positive integer, got ${value}`);
  }
  return value;
}

import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { metricsServiceRef } from '../metrics';
import { createSchedulerRouter } from './createSchedulerRouter';
import { DefaultSchedulerService } from './DefaultSchedulerService';
import { readSchedulerConfig } from './readSchedulerConfig';

/**
 * The default scheduler. Settings: `backend.scheduler.pollIntervalMs` (1000), how often each
 * instance looks for due global runs, and `backend.scheduler.leaseMs` (30000), how long a run's
 * lease lasts without a heartbeat, which bounds how late a dead instance's run is taken over.
 * Operators list, trigger and cancel tasks under `/api/<pluginId>/.trellis/scheduler/tasks`:
 * other plugins and the principals listed in `backend.scheduler.operators`; other users and
 * external tokens get 403. The config is read and checked once, at start.
 *
 * @public
 */
export const schedulerServiceFactory = createServiceFactory({
  service: coreServices.scheduler,
  deps: {
    config: coreServices.rootConfig,
    database: coreServices.database,
    logger: coreServices.logger,
    lifecycle: coreServices.lifecycle,
    httpRouter: coreServices.httpRouter,
    httpAuth: coreServices.httpAuth,
    metrics: metricsServiceRef,
    pluginMetadata: coreServices.pluginMetadata,
  },
  createRootContext({ config }) {
    return readSchedulerConfig(config);
  },
  factory({ database, logger, lifecycle, httpRouter, httpAuth, metrics, pluginMetadata }, { settings, operators }) {
    const scheduler = DefaultSchedulerService.create({ database, logger, settings });
    const plugin = pluginMetadata.getId();
    scheduler.onRun = ({ id, ok, durationMs }) => {
      metrics.schedulerRuns.inc({ plugin, task: id, result: ok ? 'success' : 'failure' });
      metrics.schedulerDuration.observe({ plugin, task: id }, durationMs / 1000);
    };
    lifecycle.addShutdownHook(() => scheduler.shutdown());
    httpRouter.use(createSchedulerRouter({ scheduler, httpAuth, operators }));
    return scheduler;
  },
});

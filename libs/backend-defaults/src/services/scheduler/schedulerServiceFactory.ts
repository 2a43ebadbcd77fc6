import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import express from 'express';
import { metricsServiceRef } from '../metrics';
import { DefaultSchedulerService } from './DefaultSchedulerService';

/**
 * The default scheduler. Settings: `backend.scheduler.pollIntervalMs` (1000), how often each
 * instance looks for due global runs, and `backend.scheduler.leaseMs` (30000), how long a run's
 * lease lasts without a heartbeat, which bounds how late a dead instance's run is taken over.
 * Operators list, trigger and cancel tasks under `/api/<pluginId>/.trellis/scheduler/tasks`.
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
    metrics: metricsServiceRef,
    pluginMetadata: coreServices.pluginMetadata,
  },
  factory({ config, database, logger, lifecycle, httpRouter, metrics, pluginMetadata }) {
    const scheduler = DefaultSchedulerService.create({
      database,
      logger,
      settings: {
        pollIntervalMs: config.getOptionalNumber('backend.scheduler.pollIntervalMs') ?? 1000,
        leaseMs: config.getOptionalNumber('backend.scheduler.leaseMs') ?? 30_000,
      },
    });
    const plugin = pluginMetadata.getId();
    scheduler.onRun = ({ id, ok, durationMs }) => {
      metrics.schedulerRuns.inc({ plugin, task: id, result: ok ? 'success' : 'failure' });
      metrics.schedulerDuration.observe({ plugin, task: id }, durationMs / 1000);
    };
    lifecycle.addShutdownHook(() => scheduler.shutdown());
    httpRouter.use(schedulerRouter(scheduler));
    return scheduler;
  },
});

function schedulerRouter(scheduler: DefaultSchedulerService) {
  const router = express.Router();
  router.get('/.trellis/scheduler/tasks', async (_req, res) => {
    res.json({ tasks: await scheduler.describeTasks() });
  });
  router.post('/.trellis/scheduler/tasks/:id/trigger', async (req, res) => {
    await scheduler.triggerTask(req.params.id);
    res.json({ triggered: req.params.id });
  });
  router.post('/.trellis/scheduler/tasks/:id/cancel', async (req, res) => {
    await scheduler.cancelTask(req.params.id);
    res.json({ cancelled: req.params.id });
  });
  return router;
}

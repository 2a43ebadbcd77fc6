import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { metricsServiceRef } from '../metrics';
import { DatabaseManager } from './DatabaseManager';

/**
 * The backend's one database manager: every plugin's database, and those of framework services.
 * Its pools close at shutdown, after the HTTP server drained.
 *
 * @public
 */
export const rootDatabaseServiceFactory = createServiceFactory({
  service: coreServices.rootDatabase,
  deps: {
    config: coreServices.rootConfig,
    rootLogger: coreServices.rootLogger,
    lifecycle: coreServices.rootLifecycle,
    metrics: metricsServiceRef,
  },
  factory({ config, rootLogger, lifecycle, metrics }) {
    const manager = DatabaseManager.fromConfig(config, { logger: rootLogger.child({ component: 'database' }) });
    metrics.addPoolSource(() => manager.poolStats());
    lifecycle.addShutdownHook(() => manager.destroy());
    return manager;
  },
});

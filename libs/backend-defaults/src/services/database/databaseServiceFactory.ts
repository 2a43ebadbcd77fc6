import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { metricsServiceRef } from '../metrics';
import { DatabaseManager } from './DatabaseManager';

/**
 * The default database service: each plugin's own SQLite file or PostgreSQL database or schema,
 * created on first use; every pool is closed at shutdown, after the HTTP server drained.
 *
 * @public
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    rootLogger: coreServices.rootLogger,
    lifecycle: coreServices.rootLifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    metrics: metricsServiceRef,
  },
  createRootContext({ config, rootLogger, lifecycle, metrics }) {
    const manager = DatabaseManager.fromConfig(config, { logger: rootLogger.child({ component: 'database' }) });
    metrics.addPoolSource(() => manager.poolStats());
    lifecycle.addShutdownHook(() => manager.destroy());
    return manager;
  },
  factory({ logger, pluginMetadata }, manager) {
    return manager.forPlugin(pluginMetadata.getId(), logger);
  },
});

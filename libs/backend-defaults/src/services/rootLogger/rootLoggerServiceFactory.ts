import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { backendStateServiceRef } from '@trellis/backend-app-api';
import { collectSecretValues } from '../rootConfig';
import { WinstonLogger } from './WinstonLogger';

/**
 * The default root logger: level from `backend.logger.level` (or LOG_LEVEL), JSON lines in
 * production and readable lines in development unless `backend.logger.format` says otherwise;
 * every secret config value is redacted.
 *
 * @public
 */
export const rootLoggerServiceFactory = createServiceFactory({
  service: coreServices.rootLogger,
  deps: { config: coreServices.rootConfig, backendState: backendStateServiceRef },
  factory({ config, backendState }) {
    const production = process.env.NODE_ENV === 'production';
    const format = config.getOptionalString('backend.logger.format') ?? (production ? 'json' : 'pretty');
    if (format !== 'json' && format !== 'pretty') {
      throw new Error(`Invalid backend.logger.format '${format}'; use 'json' or 'pretty'`);
    }
    const logger = WinstonLogger.create({
      level: process.env.LOG_LEVEL ?? config.getOptionalString('backend.logger.level') ?? 'info',
      format,
      includeStacks: !production,
    });
    const schemas = backendState
      .getPlugins()
      .flatMap(p => (p.configSchema ? [{ pluginId: p.pluginId, schema: p.configSchema }] : []));
    logger.addRedactions(collectSecretValues(config, schemas));
    return logger;
  },
});

/** The plugin logger: a child of the root logger with `plugin: <id>`. @public */
export const loggerServiceFactory = createServiceFactory({
  service: coreServices.logger,
  deps: { rootLogger: coreServices.rootLogger, pluginMetadata: coreServices.pluginMetadata },
  factory: ({ rootLogger, pluginMetadata }) => rootLogger.child({ plugin: pluginMetadata.getId() }),
});

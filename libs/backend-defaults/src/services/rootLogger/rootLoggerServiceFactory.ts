import { Config, coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import type winston from 'winston';
import { BackendStateService, backendStateServiceRef } from '@trellis/backend-app-api';
import { collectSecretValues } from '../rootConfig';
import { WinstonLogger } from './WinstonLogger';

/** Options of {@link createRootLoggerServiceFactory}. @public */
export interface RootLoggerFactoryOptions {
  /** Where lines go; standard output by default. */
  transports?: winston.transport[];
}

/**
 * Creates the default root logger: level from `backend.logger.level` (or LOG_LEVEL), JSON lines
 * in production and readable lines in development unless `backend.logger.format` says
 * otherwise; every secret config value is redacted.
 *
 * @public
 */
export function createRootLoggerServiceFactory(options: RootLoggerFactoryOptions = {}) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: { config: coreServices.rootConfig, backendState: backendStateServiceRef },
    factory: ({ config, backendState }) => createRootLogger(config, backendState, options),
  });
}

/** The default root logger factory, writing to standard output. @public */
export const rootLoggerServiceFactory = createRootLoggerServiceFactory();

function createRootLogger(
  config: Config,
  backendState: BackendStateService,
  options: RootLoggerFactoryOptions,
): WinstonLogger {
  const production = process.env.NODE_ENV === 'production';
  const format = config.getOptionalString('backend.logger.format') ?? (production ? 'json' : 'pretty');
  if (format !== 'json' && format !== 'pretty') {
    throw new Error(`Invalid backend.logger.format '${format}'; use 'json' or 'pretty'`);
  }
  const logger = WinstonLogger.create({
    level: process.env.LOG_LEVEL ?? config.getOptionalString('backend.logger.level') ?? 'info',
    format,
    includeStacks: !production,
    transports: options.transports,
  });
  const schemas = backendState
    .getPlugins()
    .flatMap((p) => [
      ...(p.configSchema ? [{ pluginId: p.pluginId, schema: p.configSchema }] : []),
      ...(p.moduleConfigSchemas ?? []).map((m) => ({ pluginId: p.pluginId, schema: m.schema })),
    ]);
  logger.addRedactions(collectSecretValues(config, schemas));
  return logger;
}

/** The plugin logger: a child of the root logger with `plugin: <id>`. @public */
export const loggerServiceFactory = createServiceFactory({
  service: coreServices.logger,
  deps: { rootLogger: coreServices.rootLogger, pluginMetadata: coreServices.pluginMetadata },
  factory: ({ rootLogger, pluginMetadata }) => rootLogger.child({ plugin: pluginMetadata.getId() }),
});

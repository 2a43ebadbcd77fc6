import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import { DefaultAuditorService } from './DefaultAuditorService';
import { readSeverityLogLevelMappings } from './readSeverityLogLevelMappings';

/**
 * The default auditor: audit events as structured lines of the root logger, at the level
 * `backend.auditor.severityLogLevelMappings` gives their severity.
 *
 * @public
 */
export const auditorServiceFactory = createServiceFactory({
  service: coreServices.auditor,
  deps: {
    config: coreServices.rootConfig,
    rootLogger: coreServices.rootLogger,
    httpAuth: coreServices.httpAuth,
    pluginMetadata: coreServices.pluginMetadata,
  },
  createRootContext: ({ config, rootLogger }) => ({
    logger: rootLogger.child({ component: 'auditor' }),
    severityLogLevelMappings: readSeverityLogLevelMappings(config),
  }),
  factory: ({ httpAuth, pluginMetadata }, context) =>
    DefaultAuditorService.create({ ...context, httpAuth, pluginId: pluginMetadata.getId() }),
});

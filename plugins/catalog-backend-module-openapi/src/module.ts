import { coreServices, createBackendModule } from '@trellis/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@trellis/plugin-catalog-node';
import { OpenApiDefinitionProcessor } from './OpenApiDefinitionProcessor';

/**
 * Extends the catalog plugin through its processing extension point: API entities may give
 * `spec.definition: { $openapi: ./openapi/orders.yaml }`, and the catalog stores the file's text.
 *
 * @public
 */
export const catalogModuleOpenapi = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'openapi',
  register(env) {
    env.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint, logger: coreServices.logger },
      async init({ catalog, logger }) {
        catalog.addProcessor(OpenApiDefinitionProcessor.create({ logger }));
      },
    });
  },
});

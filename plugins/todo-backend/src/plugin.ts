import { coreServices, createBackendPlugin, resolvePackagePath } from '@trellis/backend-plugin-api';
import { catalogServiceRef } from '@trellis/plugin-catalog-node';
import { catalogEntityRefValidator } from './catalogEntityRefValidator';
import { createRouter } from './router';
import { TodoStore } from './TodoStore';

/**
 * The todo plugin: a todo list stored in the plugin's own database, served under `/api/todo`.
 * Every route needs user or service credentials. A todo's `entityRef` must name an entity of the
 * catalog, checked over HTTP through the catalog client on behalf of the caller, unless
 * `todo.checkEntityRefs` is false (for a deployment without a catalog).
 *
 * @public
 */
export const todoPlugin = createBackendPlugin({
  pluginId: 'todo',
  configSchema: {
    type: 'object',
    properties: {
      checkEntityRefs: { type: 'boolean', default: true },
    },
    additionalProperties: false,
  },
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ database, httpRouter, httpAuth, config, catalog }) {
        await database.migrate({ directory: resolvePackagePath('@trellis/plugin-todo-backend', 'migrations') });
        const store = TodoStore.create(await database.getClient());
        const validateEntityRef = config.getBoolean('todo.checkEntityRefs')
          ? catalogEntityRefValidator(catalog)
          : undefined;
        httpRouter.use(createRouter({ store, httpAuth, validateEntityRef }));
      },
    });
  },
});

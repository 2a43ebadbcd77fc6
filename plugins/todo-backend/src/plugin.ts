import { coreServices, createBackendPlugin, resolvePackagePath } from '@trellis/backend-plugin-api';
import { catalogServiceRef } from '@trellis/plugin-catalog-node';
import { createConditionTransformer } from '@trellis/plugin-permission-node';
import { catalogEntityRefValidator } from './catalogEntityRefValidator';
import {
  todoCreatePermission,
  todoDeletePermission,
  todoPermissionRules,
  todoReadPermission,
  todoResourceRef,
  todoUpdatePermission,
} from './permissions';
import { TodoPermissionChecks } from './TodoPermissionChecks';
import { createRouter } from './router';
import { TodoStore } from './TodoStore';

/**
 * The todo plugin: a todo list stored in the plugin's own database, served under `/api/todo`.
 * Every route needs user or service credentials. A todo's `entityRef` must name an entity of the
 * catalog, checked over HTTP through the catalog client on behalf of the caller, unless
 * `todo.checkEntityRefs` is false (for a deployment without a catalog). Reads and writes are
 * checked with the permissions `todo.create`, `todo.read`, `todo.update` and `todo.delete`
 * (resource type `todo-item`, rules `IS_AUTHOR` and `HAS_ENTITY_REF`).
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
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ database, httpRouter, httpAuth, auditor, config, catalog, permissions, permissionsRegistry }) {
        await database.migrate({ directory: resolvePackagePath('@trellis/plugin-todo-backend', 'migrations') });
        const store = TodoStore.create(await database.getClient());
        const validateEntityRef = config.getBoolean('todo.checkEntityRefs')
          ? catalogEntityRefValidator(catalog)
          : undefined;
        permissionsRegistry.addPermissions([todoCreatePermission]);
        permissionsRegistry.addResourceType({
          resourceRef: todoResourceRef,
          permissions: [todoReadPermission, todoUpdatePermission, todoDeletePermission],
          rules: todoPermissionRules,
          getResources: (ids) => store.getMany(ids),
        });
        const checks = TodoPermissionChecks.create({
          permissions,
          toFilter: createConditionTransformer(permissionsRegistry.getPermissionRuleset(todoResourceRef)),
        });
        httpRouter.use(createRouter({ store, httpAuth, auditor, permissions: checks, validateEntityRef }));
      },
    });
  },
});

import { coreServices, createBackendPlugin, resolvePackagePath } from '@trellis/backend-plugin-api';
import { createRouter } from './router';
import { TodoStore } from './TodoStore';

/**
 * The todo plugin: a todo list stored in the plugin's own database, served under `/api/todo`.
 * Every route needs user or service credentials.
 *
 * @public
 */
export const todoPlugin = createBackendPlugin({
  pluginId: 'todo',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ database, httpRouter, httpAuth }) {
        await database.migrate({ directory: resolvePackagePath('@trellis/plugin-todo-backend', 'migrations') });
        const store = TodoStore.create(await database.getClient());
        httpRouter.use(createRouter({ store, httpAuth }));
      },
    });
  },
});

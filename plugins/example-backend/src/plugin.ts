import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { createRouter } from './router';

/**
 * The example plugin: logs a greeting at start and serves `GET /api/example/hello`, open to
 * callers without credentials, answering with `example.message` from config.
 *
 * @public
 */
export const examplePlugin = createBackendPlugin({
  pluginId: 'example',
  configSchema: {
    type: 'object',
    properties: {
      message: { type: 'string', minLength: 1, maxLength: 1000, default: 'Hello from Trellis' },
    },
    additionalProperties: false,
  },
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
      },
      async init({ logger, config, httpRouter }) {
        logger.info('Hello from example plugin');
        httpRouter.use(createRouter({ config }));
        httpRouter.addAuthPolicy({ path: '/hello', allow: 'unauthenticated' });
      },
    });
  },
});

import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { createBackend } from '../../../createBackend';

// A backend with the default root logger and one open route, for tests that read its standard
// output from another process. Its configuration is the app-config.yaml of its working directory;
// it stops on SIGTERM as apps/backend does.
const plugin = createBackendPlugin({
  pluginId: 'probe',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, logger: coreServices.logger, lifecycle: coreServices.lifecycle },
      async init({ httpRouter, logger, lifecycle }) {
        lifecycle.addShutdownHook(() => logger.info('probe shutting down'));
        httpRouter.addAuthPolicy({ path: '/hello', allow: 'unauthenticated' });
        httpRouter.use((req, res, next) => {
          if (req.path !== '/hello') {
            next();
            return;
          }
          if (req.query.log === '1') {
            logger.info('handler line', { n: String(req.query.n) });
          }
          res.json({ ok: true });
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(plugin);
backend.start().catch((error: unknown) => {
  process.stderr.write(`start failed: ${String(error)}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => {
  backend.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

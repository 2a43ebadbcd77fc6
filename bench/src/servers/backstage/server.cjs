// A Backstage backend of @backstage/backend-defaults with one trivial plugin, the second anchor of
// yarn bench. The bench copies this file into its Backstage install (outside the repository) and
// runs it there, so `require` finds Backstage's packages; configuration is the app-config.yaml of
// the working directory. Plugin `example` has an open route and a route that demands service
// credentials; plugin `caller` prints a plugin token for `example` once the backend has started.
const { createBackend } = require('@backstage/backend-defaults');
const { coreServices, createBackendPlugin } = require('@backstage/backend-plugin-api');
const { Router } = require('express');

const examplePlugin = createBackendPlugin({
  pluginId: 'example',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
      async init({ httpRouter, httpAuth }) {
        const router = Router();
        router.get('/hello', (_req, res) => {
          res.json({ message: 'Hello from Trellis!' });
        });
        router.get('/secure', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['service'] });
          res.json({ message: 'Hello from Trellis!' });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/hello', allow: 'unauthenticated' });
      },
    });
  },
});

const callerPlugin = createBackendPlugin({
  pluginId: 'caller',
  register(env) {
    env.registerInit({
      deps: { auth: coreServices.auth, lifecycle: coreServices.rootLifecycle },
      async init({ auth, lifecycle }) {
        lifecycle.addStartupHook(async () => {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'example',
          });
          process.stdout.write(`BENCH_TOKEN=${token}\n`);
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(examplePlugin);
backend.add(callerPlugin);
backend.start().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});

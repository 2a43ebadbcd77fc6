import { createBackend } from '@trellis/backend-defaults';
import { coreServices, createBackendPlugin, createServiceFactory, createServiceRef } from '@trellis/backend-plugin-api';

// A backend of N trivial plugins (env PLUGINS), each with one route and one plugin-scoped
// service; plugin p0 also has a route that needs credentials, and plugin 'caller' prints a
// service token minted for p0, for the token-verification figure.
const counterRef = createServiceRef<{ next(): number }>({ id: 'bench.counter' });
const counterFactory = createServiceFactory({
  service: counterRef,
  deps: {},
  factory: () => {
    let n = 0;
    return { next: () => ++n };
  },
});

function benchPlugin(pluginId: string) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, counter: counterRef },
        async init({ httpRouter, httpAuth, counter }) {
          httpRouter.addAuthPolicy({ path: '/hello', allow: 'unauthenticated' });
          httpRouter.use(async (req, res, next) => {
            if (req.path === '/hello') {
              res.json({ message: 'Hello from Trellis!', n: counter.next() });
            } else if (req.path === '/secure') {
              await httpAuth.credentials(req, { allow: ['service'] });
              res.json({ message: 'Hello from Trellis!' });
            } else {
              next();
            }
          });
        },
      });
    },
  });
}

const callerPlugin = createBackendPlugin({
  pluginId: 'caller',
  register(env) {
    env.registerInit({
      deps: { auth: coreServices.auth, lifecycle: coreServices.lifecycle },
      async init({ auth, lifecycle }) {
        lifecycle.addStartupHook(async () => {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'p0',
          });
          process.stdout.write(`BENCH_TOKEN=${token}\n`);
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(counterFactory);
for (let i = 0; i < Number(process.env.PLUGINS ?? 1); i++) {
  backend.add(benchPlugin(`p${i}`));
}
if (process.env.WITH_CALLER === '1') {
  backend.add(callerPlugin);
}
backend.start().catch((error) => {
  console.error(error);
  process.exit(1);
});
process.on('SIGTERM', () => void backend.stop().then(() => process.exit(0)));

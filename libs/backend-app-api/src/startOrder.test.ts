import { createBackendModule, createBackendPlugin, createExtensionPoint } from '@trellis/backend-plugin-api';
import { backendWith, deferred, plugin } from './testing';

describe('start order', () => {
  it('initialises modules before their plugin, closes extension points after, and starts plugins in parallel', async () => {
    const ep = createExtensionPoint<{ add(x: string): void }>({ id: 'alpha.things' });
    const things: string[] = [];
    const order: string[] = [];
    let captured: { add(x: string): void } | undefined;
    const bothInInit = deferred();
    let inInit = 0;
    const meet = async (name: string) => {
      order.push(`${name}:start`);
      if (++inInit === 2) bothInInit.resolve();
      await bothInInit.promise;
    };
    const backend = backendWith();
    backend.add(
      createBackendPlugin({
        pluginId: 'alpha',
        register(env) {
          env.registerExtensionPoint(ep, { add: (x) => void things.push(x) });
          env.registerInit({
            deps: {},
            async init() {
              order.push(`alpha sees ${things.join(',')}`);
              await meet('alpha');
            },
          });
        },
      }),
    );
    backend.add(plugin('beta', () => meet('beta')));
    backend.add(
      createBackendModule({
        pluginId: 'alpha',
        moduleId: 'extra',
        register(env) {
          env.registerInit({
            deps: { things: ep },
            async init({ things: t }) {
              t.add('from-module');
              captured = t;
              order.push('module');
            },
          });
        },
      }),
    );
    await backend.start();
    expect(order.indexOf('module')).toBeLessThan(order.indexOf('alpha sees from-module'));
    expect(order).toContain('beta:start');
    expect(() => captured!.add('late')).toThrow(/TRELLIS_ERR_EXTENSION_POINT_CLOSED/);
    await backend.stop();
  });
});

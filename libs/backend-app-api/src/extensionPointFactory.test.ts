import { createBackendModule, createBackendPlugin, createExtensionPoint } from '@trellis/backend-plugin-api';
import { backendWith } from './testing';

interface Registry {
  add(name: string): void;
}
const registryPoint = createExtensionPoint<Registry>({ id: 'widgets.registry' });

/** A plugin that gives each module its own registry, tagging what the module adds with the module. */
function widgetsPlugin(seen: string[], failOn?: string) {
  return createBackendPlugin({
    pluginId: 'widgets',
    register(env) {
      let calls = 0;
      const pending: Array<{ name: string; report: (error: Error) => void; module: number }> = [];
      env.registerExtensionPoint({
        extensionPoint: registryPoint,
        factory: (context) => {
          const module = ++calls;
          return {
            add: (name) =>
              void pending.push({ name, module, report: (error) => context.reportModuleStartupFailure({ error }) }),
          };
        },
      });
      env.registerInit({
        deps: {},
        async init() {
          for (const { name, module, report } of pending) {
            if (name === failOn) {
              report(new Error(`widget '${name}' is broken`));
            } else {
              seen.push(`${module}:${name}`);
            }
          }
        },
      });
    },
  });
}

function widgetModule(moduleId: string, names: string[]) {
  return createBackendModule({
    pluginId: 'widgets',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { registry: registryPoint },
        async init({ registry }) {
          names.forEach((name) => registry.add(name));
        },
      });
    },
  });
}

describe('extension points made per module by a factory', () => {
  it('gives each module its own implementation', async () => {
    const seen: string[] = [];
    const backend = backendWith();
    backend.add(widgetsPlugin(seen));
    backend.add(widgetModule('a', ['dial']));
    backend.add(widgetModule('b', ['knob', 'lever']));
    await backend.start();
    expect(seen.sort()).toEqual(['1:dial', '2:knob', '2:lever']);
    await backend.stop();
  });

  it('fails the start naming the module a failure was reported for', async () => {
    const backend = backendWith();
    backend.add(widgetsPlugin([], 'lever'));
    backend.add(widgetModule('a', ['dial']));
    backend.add(widgetModule('b', ['lever']));
    await expect(backend.start()).rejects.toThrow(
      /Plugin 'widgets' failed to start[\s\S]*Module 'b' for plugin 'widgets' failed: widget 'lever' is broken/,
    );
  });
});

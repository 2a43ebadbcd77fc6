import {
  coreServices,
  createBackendFeatureLoader,
  createBackendPlugin,
  createBackendModule,
  createExtensionPoint,
  createServiceFactory,
  createServiceRef,
  ExtensionPoint,
} from '@trellis/backend-plugin-api';
import { backendWith, plugin } from './testing';

describe('createBackendFeatureLoader', () => {
  it('adds what the loader yields, chosen from config, including modules and nested loaders', async () => {
    const started: string[] = [];
    const point = createExtensionPoint<{ add(name: string): void }>({ id: 'greeter.names' });
    const greeter = createBackendModule({
      pluginId: 'greeter',
      moduleId: 'names',
      register(env) {
        env.registerInit({
          deps: { names: point },
          async init({ names }) {
            names.add('module');
          },
        });
      },
    });
    const backend = backendWith({ config: { features: { greeter: true, other: false } } });
    backend.add(
      createBackendFeatureLoader({
        deps: { config: coreServices.rootConfig },
        *loader({ config }) {
          if (config.getOptionalBoolean('features.greeter')) {
            yield {
              default: createBackendPluginWithPoint('greeter', point, started),
            };
            yield Promise.resolve(greeter);
          }
          if (config.getOptionalBoolean('features.other')) {
            yield plugin('other', async () => void started.push('other'));
          }
          yield createBackendFeatureLoader({
            async *loader() {
              yield plugin('nested', async () => void started.push('nested'));
            },
          });
        },
      }),
    );
    await backend.start();
    expect(started.sort()).toEqual(['greeter:module', 'nested']);
    await backend.stop();
  });

  it('builds root services once: the loader and the plugins see the same instance', async () => {
    let built = 0;
    const counter = createServiceRef<{ n: number }>({ id: 'test.counter', scope: 'root' });
    const seen: number[] = [];
    const backend = backendWith();
    backend.add(createServiceFactory({ service: counter, deps: {}, factory: () => ({ n: ++built }) }));
    backend.add(
      createBackendFeatureLoader({
        deps: { counter },
        loader: ({ counter: c }) => {
          seen.push(c.n);
          return [plugin('user', async ({ c: mine }) => void seen.push(mine.n), { c: counter })];
        },
      }),
    );
    await backend.start();
    expect(built).toBe(1);
    expect(seen).toEqual([1, 1]);
    await backend.stop();
  });

  it('fails the start naming the loader when it throws, yields a non-feature, or replaces a service it used', async () => {
    const counter = createServiceRef<{ n: number }>({ id: 'test.used', scope: 'root' });
    const throwing = backendWith();
    throwing.add(
      createBackendFeatureLoader({
        *loader() {
          throw new Error('feature flags unreachable');
        },
      }),
    );
    await expect(throwing.start()).rejects.toThrow(
      /feature loader created at \S*featureLoader\.test\.ts:\d+:\d+ failed: feature flags unreachable \[TRELLIS_ERR_FEATURE_LOADER_FAILED\]/,
    );

    const junk = backendWith();
    junk.add(createBackendFeatureLoader({ loader: () => [{ default: 42 } as never] }));
    await expect(junk.start()).rejects.toThrow(/not a backend feature[\s\S]*\[TRELLIS_ERR_FEATURE_LOADER_FAILED\]/);

    const replacing = backendWith();
    replacing.add(createServiceFactory({ service: counter, deps: {}, factory: () => ({ n: 1 }) }));
    replacing.add(
      createBackendFeatureLoader({
        deps: { counter },
        loader: () => [createServiceFactory({ service: counter, deps: {}, factory: () => ({ n: 2 }) })],
      }),
    );
    await expect(replacing.start()).rejects.toThrow(
      /yielded a factory for service 'test.used', which was already built for a feature loader/,
    );
  });

  it('refuses plugin-scoped dependencies when it is created', () => {
    expect(() =>
      createBackendFeatureLoader({ deps: { logger: coreServices.logger as never }, loader: () => [] }),
    ).toThrow(/dependency 'logger' \(core.logger\) is not a root service/);
  });
});

function createBackendPluginWithPoint(
  pluginId: string,
  point: ExtensionPoint<{ add(name: string): void }>,
  started: string[],
) {
  const names: string[] = [];
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerExtensionPoint(point, { add: (name) => void names.push(name) });
      env.registerInit({
        deps: {},
        async init() {
          started.push(...names.map((n) => `${pluginId}:${n}`));
        },
      });
    },
  });
}

import { createBackendModule } from './createBackendModule';
import { createBackendPlugin } from './createBackendPlugin';
import { createExtensionPoint } from './createExtensionPoint';
import { createServiceRef } from './createServiceRef';
import type { InternalBackendRegistrationFeature } from './createBackendPlugin';
import { coreServices } from './coreServices';
import { resolvePackagePath } from './resolvePackagePath';

describe('the plugin API', () => {
  it('records a plugin registration with its config schema, extension points and init', () => {
    const ep = createExtensionPoint<{ add(x: string): void }>({ id: 'example.things' });
    const impl = { add: () => {} };
    const feature = createBackendPlugin({
      pluginId: 'example',
      configSchema: { type: 'object' },
      register(env) {
        env.registerExtensionPoint(ep, impl);
        env.registerInit({ deps: { logger: coreServices.logger }, async init() {} });
      },
    }) as InternalBackendRegistrationFeature;
    const [registration] = feature.getRegistrations();
    expect(registration).toMatchObject({ type: 'plugin', pluginId: 'example', configSchema: { type: 'object' } });
    expect(registration.extensionPoints).toHaveLength(1);
    expect(registration.extensionPoints[0]!.ref).toBe(ep);
    expect((registration.extensionPoints[0] as { impl: unknown }).impl).toBe(impl);
    expect(registration.init.deps).toEqual({ logger: coreServices.logger });
  });

  it('requires exactly one registerInit', () => {
    const none = createBackendPlugin({ pluginId: 'a', register() {} }) as InternalBackendRegistrationFeature;
    expect(() => none.getRegistrations()).toThrow("Plugin 'a' did not call registerInit");
    const twice = createBackendModule({
      pluginId: 'a',
      moduleId: 'b',
      register(env) {
        env.registerInit({ deps: {}, async init() {} });
        env.registerInit({ deps: {}, async init() {} });
      },
    }) as InternalBackendRegistrationFeature;
    expect(() => twice.getRegistrations()).toThrow("Module 'b' for plugin 'a' called registerInit more than once");
  });

  it.each(['1st', 'a--b', 'a__b', 'a-', '_a', 'my plugin', 'a.b', ''])('refuses the plugin ID %p', (id) => {
    expect(() => createBackendPlugin({ pluginId: id, register() {} })).toThrow(/TRELLIS_ERR_INVALID_ID/);
  });

  it.each(['todo', 'cost-insights', 'exampleTodoList', 'Example', 'tech_insights', 'v2-api'])(
    'accepts the plugin and module ID %p, as Backstage does',
    (id) => {
      expect(() => createBackendPlugin({ pluginId: id, register() {} })).not.toThrow();
      expect(() => createBackendModule({ pluginId: id, moduleId: id, register() {} })).not.toThrow();
    },
  );

  it('validates service ref IDs and defaults their scope to plugin', () => {
    expect(createServiceRef<string>({ id: 'catalog.client' }).scope).toBe('plugin');
    expect(createServiceRef<string>({ id: 'core.rootThing', scope: 'root', multiton: true }).multiton).toBe(true);
    expect(() => createServiceRef({ id: 'has space' })).toThrow(/Invalid service ref ID/);
  });

  it('resolves folders inside installed packages', () => {
    expect(resolvePackagePath('@trellis/backend-plugin-api', 'src')).toBe(__dirname);
  });
});

import {
  createBackendModule,
  createBackendPlugin,
  createExtensionPoint,
  createServiceFactory,
  createServiceRef,
} from '@trellis/backend-plugin-api';
import { FeatureGraphError } from './FeatureGraphError';
import { backendWith, plugin } from './testing';

async function startError(backend: ReturnType<typeof backendWith>): Promise<FeatureGraphError> {
  const error = await backend.start().then(
    () => undefined,
    (e) => e,
  );
  expect(error).toBeInstanceOf(FeatureGraphError);
  return error as FeatureGraphError;
}

describe('feature graph check', () => {
  it('reports every problem at once, before any factory runs', async () => {
    const ran: string[] = [];
    const rootA = createServiceRef<string>({ id: 'test.rootA', scope: 'root' });
    const pluginScoped = createServiceRef<string>({ id: 'test.pluginScoped' });
    const cycleA = createServiceRef<string>({ id: 'test.a', scope: 'root' });
    const cycleB = createServiceRef<string>({ id: 'test.b', scope: 'root' });
    const missing = createServiceRef<string>({ id: 'test.missing' });
    const ep = createExtensionPoint<{ add(x: string): void }>({ id: 'alpha.things' });
    const unknownEp = createExtensionPoint<{ add(x: string): void }>({ id: 'alpha.unknown' });
    const backend = backendWith();
    backend.add(
      createServiceFactory({ service: rootA, deps: { p: pluginScoped }, factory: () => (ran.push('rootA'), 'a') }),
    );
    backend.add(createServiceFactory({ service: pluginScoped, deps: {}, factory: () => (ran.push('p'), 'p') }));
    backend.add(createServiceFactory({ service: cycleA, deps: { b: cycleB }, factory: () => 'a' }));
    backend.add(createServiceFactory({ service: cycleB, deps: { a: cycleA }, factory: () => 'b' }));
    backend.add(createServiceFactory({ service: pluginScoped, deps: {}, factory: () => 'again' }));
    backend.add(
      createBackendPlugin({
        pluginId: 'alpha',
        register(env) {
          env.registerExtensionPoint(ep, { add() {} });
          env.registerInit({ deps: { m: missing }, init: async () => void ran.push('alpha') });
        },
      }),
    );
    backend.add(plugin('alpha'));
    backend.add(plugin('beta'));
    backend.add(
      createBackendPlugin({
        pluginId: 'gamma',
        register(env) {
          env.registerExtensionPoint(ep, { add() {} });
          env.registerInit({ deps: {}, init: async () => {} });
        },
      }),
    );
    const module = (pluginId: string, moduleId: string, dep: unknown) =>
      createBackendModule({
        pluginId,
        moduleId,
        register(env) {
          env.registerInit({ deps: { x: dep as typeof ep }, init: async () => {} });
        },
      });
    backend.add(module('alpha', 'dup', ep));
    backend.add(module('alpha', 'dup', ep));
    backend.add(module('beta', 'foreign', ep));
    backend.add(module('beta', 'lost', unknownEp));
    backend.add(Promise.resolve({ default: { nope: true } as never }));
    backend.add(Promise.reject(new Error('Cannot find module @trellis/plugin-gone-backend')));

    const error = await startError(backend);
    const codes = error.problems.map((p) => p.code).sort();
    expect(codes).toEqual(
      [
        'TRELLIS_ERR_DUPLICATE_EXTENSION_POINT',
        'TRELLIS_ERR_DUPLICATE_MODULE',
        'TRELLIS_ERR_DUPLICATE_PLUGIN',
        'TRELLIS_ERR_DUPLICATE_SERVICE_FACTORY',
        'TRELLIS_ERR_FOREIGN_EXTENSION_POINT',
        'TRELLIS_ERR_INVALID_FEATURE',
        'TRELLIS_ERR_INVALID_FEATURE',
        'TRELLIS_ERR_MISSING_SERVICE',
        'TRELLIS_ERR_SCOPE_VIOLATION',
        'TRELLIS_ERR_SERVICE_CYCLE',
        'TRELLIS_ERR_UNKNOWN_EXTENSION_POINT',
      ].sort(),
    );
    expect(ran).toEqual([]);
    const text = error.message;
    expect(text).toContain("'test.a' -> 'test.b' -> 'test.a'");
    expect(text).toContain("Plugin 'alpha' depends on service 'test.missing'");
    expect(text).toContain("Root service 'test.rootA' depends on plugin-scoped service 'test.pluginScoped'");
    expect(text).toContain("Module 'foreign' for plugin 'beta' uses extension point 'alpha.things' of plugin 'alpha'");
    expect(text).toContain('Cannot find module @trellis/plugin-gone-backend');
  });

  it('refuses features after start, and a second start', async () => {
    const backend = backendWith();
    backend.add(plugin('alpha'));
    await backend.start();
    expect(() => backend.add(plugin('beta'))).toThrow(/TRELLIS_ERR_ADDED_AFTER_START/);
    await expect(backend.start()).rejects.toThrow(/TRELLIS_ERR_INVALID_STATE/);
    await backend.stop();
  });

  it('unwraps default exports once or twice (ESM interop and compiled CommonJS)', async () => {
    const seen: string[] = [];
    const backend = backendWith();
    backend.add(Promise.resolve({ default: plugin('one', async () => void seen.push('one')) }));
    backend.add(Promise.resolve({ default: { default: plugin('two', async () => void seen.push('two')) } }));
    await backend.start();
    expect(seen.sort()).toEqual(['one', 'two']);
    await backend.stop();
  });

  it('names the plugin, the dependency and the fix when a dependency value is not a ref', async () => {
    const backend = backendWith();
    backend.add(plugin('p', async () => {}, { db: undefined }));
    const error = await startError(backend);
    expect(error.problems.map((p) => p.code)).toEqual(['TRELLIS_ERR_MISSING_SERVICE']);
    expect(error.message).toContain(
      "Plugin 'p' depends on 'db', whose value (undefined) is neither a service ref nor an extension point",
    );
    expect(error.message).toContain('backend.add(<factory>)');
  });

  it('names the ref and the factory to add for a ref without a factory or default factory', async () => {
    const unknown = createServiceRef<string>({ id: 'acme.unknown' });
    const backend = backendWith();
    backend.add(plugin('p'));
    backend.add(
      createBackendModule({
        pluginId: 'p',
        moduleId: 'm',
        register(env) {
          env.registerInit({ deps: { u: unknown }, init: async () => {} });
        },
      }),
    );
    const error = await startError(backend);
    expect(error.message).toContain(
      "Module 'm' for plugin 'p' depends on service 'acme.unknown' (as 'u'), which no factory provides and whose ref has no default factory; add one with backend.add(<factory of 'acme.unknown'>)",
    );
  });
});

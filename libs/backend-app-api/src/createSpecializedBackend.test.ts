import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createExtensionPoint,
  createServiceFactory,
  createServiceRef,
  JsonObject,
} from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import { backendStateServiceRef, BackendStateService } from './BackendState';
import { createSpecializedBackend } from './createSpecializedBackend';
import { FeatureGraphError } from './FeatureGraphError';
import { lifecycleServiceFactory, rootLifecycleServiceFactory } from './lifecycle';
import { captureLoggerFactory, dataConfigFactory, LoggedLine } from './testing';

function backendWith(options: { config?: JsonObject; lines?: LoggedLine[] } = {}) {
  return createSpecializedBackend({
    defaultServiceFactories: [
      captureLoggerFactory(options.lines ?? []),
      dataConfigFactory(options.config ?? {}),
      rootLifecycleServiceFactory,
      lifecycleServiceFactory,
      createServiceFactory({
        service: coreServices.logger,
        deps: { root: coreServices.rootLogger, meta: coreServices.pluginMetadata },
        factory: ({ root, meta }) => root.child({ plugin: meta.getId() }),
      }),
    ],
  });
}

function plugin(pluginId: string, init: (deps: any) => Promise<void> = async () => {}, deps: Record<string, any> = {}) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({ deps, init });
    },
  });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

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
});

describe('services', () => {
  it('creates root services once, plugin services once per plugin, root contexts once', async () => {
    const counts = { root: 0, context: 0, plugin: [] as string[] };
    const rootRef = createServiceRef<object>({ id: 'test.root', scope: 'root' });
    const perPlugin = createServiceRef<{ owner: string }>({ id: 'test.perPlugin' });
    const backend = backendWith();
    backend.add(createServiceFactory({ service: rootRef, deps: {}, factory: () => (counts.root++, {}) }));
    backend.add(
      createServiceFactory({
        service: perPlugin,
        deps: { root: rootRef, meta: coreServices.pluginMetadata },
        createRootContext: () => void counts.context++,
        factory: ({ meta }) => (counts.plugin.push(meta.getId()), { owner: meta.getId() }),
      }),
    );
    const owners: string[] = [];
    for (const id of ['a', 'b']) {
      backend.add(
        plugin(id, async ({ s, s2 }) => void owners.push(s.owner, s2.owner), { s: perPlugin, s2: perPlugin }),
      );
    }
    await backend.start();
    expect(counts.root).toBe(1);
    expect(counts.context).toBe(1);
    expect(counts.plugin.sort()).toEqual(['a', 'b']);
    expect(owners.sort()).toEqual(['a', 'a', 'b', 'b']);
    await backend.stop();
  });

  it('collects every factory of a multiton ref, uses a ref default factory, and lets add() override defaults', async () => {
    const multi = createServiceRef<string>({ id: 'test.multi', scope: 'root', multiton: true });
    const withDefault = createServiceRef<string>({
      id: 'test.withDefault',
      defaultFactory: async (ref) => createServiceFactory({ service: ref, deps: {}, factory: () => 'from default' }),
    });
    const overridden = createServiceRef<string>({ id: 'test.overridden', scope: 'root' });
    const backend = createSpecializedBackend({
      defaultServiceFactories: [
        captureLoggerFactory([]),
        createServiceFactory({ service: overridden, deps: {}, factory: () => 'default' }),
      ],
    });
    backend.add(createServiceFactory({ service: multi, deps: {}, factory: () => 'one' }));
    backend.add(createServiceFactory({ service: multi, deps: {}, factory: () => 'two' }));
    backend.add(createServiceFactory({ service: overridden, deps: {}, factory: () => 'explicit' }));
    let got: unknown;
    backend.add(plugin('p', async (deps) => void (got = deps), { multi, withDefault, overridden }));
    await backend.start();
    expect(got).toEqual({ multi: ['one', 'two'], withDefault: 'from default', overridden: 'explicit' });
    await backend.stop();
  });

  it('fails start naming the service and plugin when a factory throws', async () => {
    const broken = createServiceRef<string>({ id: 'test.broken' });
    const backend = backendWith();
    backend.add(
      createServiceFactory({
        service: broken,
        deps: {},
        factory: () => {
          throw new Error('no credentials for upstream');
        },
      }),
    );
    backend.add(plugin('p', async () => {}, { broken }));
    const error = await backend.start().catch((e) => e);
    expect(error.message).toMatch(/Plugin 'p' failed to start/);
    expect(error.cause).toBeInstanceOf(TrellisError);
    expect(error.cause.code).toBe('TRELLIS_ERR_SERVICE_FACTORY_FAILED');
    expect(error.cause.message).toMatch(
      /'test.broken' failed while creating it for plugin 'p'.*no credentials for upstream/,
    );
  });
});

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

describe('boot failure policy', () => {
  const failing = () =>
    plugin('broken', async () => {
      throw new Error('upstream unreachable');
    });

  it('aborts by default: start rejects naming the plugin and cause, shutdown hooks of others run', async () => {
    const lines: LoggedLine[] = [];
    const stopped: string[] = [];
    const backend = backendWith({ lines });
    backend.add(failing());
    backend.add(
      plugin('good', async ({ lifecycle }) => lifecycle.addShutdownHook(() => void stopped.push('good')), {
        lifecycle: coreServices.lifecycle,
      }),
    );
    await expect(backend.start()).rejects.toThrow(
      /Plugin 'broken' failed to start \(policy onPluginBootFailure: abort\).*upstream unreachable/s,
    );
    expect(stopped).toEqual(['good']);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', meta: expect.objectContaining({ plugin: 'broken' }) }),
    );
  });

  it.each([
    [{ backend: { startup: { plugins: { broken: { onPluginBootFailure: 'continue' } } } } }],
    [{ backend: { startup: { default: { onPluginBootFailure: 'continue' } } } }],
  ])('continues when configured (%j), marking the plugin failed', async (config) => {
    let state: BackendStateService | undefined;
    const backend = backendWith({ config });
    backend.add(failing());
    backend.add(plugin('good', async ({ s }) => void (state = s), { s: backendStateServiceRef }));
    await backend.start();
    expect(state!.getPlugin('broken')?.state).toBe('failed');
    expect(state!.getPlugin('good')?.state).toBe('ready');
    expect(state!.getState()).toBe('started');
    await backend.stop();
    expect(state!.getState()).toBe('stopped');
  });

  it('refuses an unknown policy value', async () => {
    const backend = backendWith({ config: { backend: { startup: { default: { onPluginBootFailure: 'ignore' } } } } });
    backend.add(plugin('good'));
    await expect(backend.start()).rejects.toThrow(/Invalid onPluginBootFailure 'ignore'/);
  });

  it('names slow plugins while waiting, logs each start time and a summary', async () => {
    const lines: LoggedLine[] = [];
    const backend = backendWith({ lines, config: { backend: { startup: { slowPluginWarningMs: 50 } } } });
    backend.add(plugin('sloth', () => new Promise((resolve) => setTimeout(resolve, 180))));
    backend.add(plugin('quick'));
    await backend.start();
    const messages = lines.map((l) => l.message);
    expect(messages.some((m) => /Still waiting for plugins to start after \d+ms: 'sloth'/.test(m))).toBe(true);
    expect(messages.some((m) => /^Plugin 'quick' started in \d+ms$/.test(m))).toBe(true);
    expect(
      messages.some((m) =>
        /^Backend started in \d+ms with 2 plugin\(s\) and 0 module\(s\): sloth \d+ms, quick \d+ms$/.test(m),
      ),
    ).toBe(true);
    await backend.stop();
  });
});

describe('stop', () => {
  it('runs before-shutdown hooks, then shutdown hooks in reverse order, past failing and hung hooks', async () => {
    const lines: LoggedLine[] = [];
    const calls: string[] = [];
    const backend = backendWith({ lines });
    const hooks = (id: string, extra?: (lifecycle: any) => void) =>
      plugin(
        id,
        async ({ lifecycle, root }) => {
          lifecycle.addShutdownHook(() => void calls.push(`${id}:shutdown`));
          extra?.(lifecycle);
          root.addBeforeShutdownHook(() => void calls.push(`${id}:before`));
        },
        { lifecycle: coreServices.lifecycle, root: coreServices.rootLifecycle },
      );
    backend.add(hooks('first'));
    await backend.start();
    const backend2 = backendWith({ lines });
    let n = 0;
    backend2.add(
      plugin(
        'p',
        async ({ lifecycle }) => {
          lifecycle.addShutdownHook(() => void calls.push(`hook${++n}`));
          lifecycle.addShutdownHook(() => {
            throw new Error('hook failed');
          });
          lifecycle.addShutdownHook(() => new Promise(() => {}), { timeoutMs: 50 });
          lifecycle.addShutdownHook(() => void calls.push('last-registered'));
        },
        { lifecycle: coreServices.lifecycle },
      ),
    );
    await backend2.start();
    await backend.stop();
    await backend2.stop();
    expect(calls).toEqual(['first:before', 'first:shutdown', 'last-registered', 'hook1']);
    expect(lines.some((l) => l.level === 'error' && /shutdown hook of plugin 'p' failed/.test(l.message))).toBe(true);
    expect(lines.some((l) => l.level === 'warn' && /did not finish within 50ms/.test(l.message))).toBe(true);
  });

  it('is a no-op before start and waits for a start in progress', async () => {
    await backendWith().stop();
    const gate = deferred();
    const backend = backendWith();
    let state: BackendStateService | undefined;
    backend.add(
      plugin(
        'slow',
        async ({ s }) => {
          state = s;
          await gate.promise;
        },
        { s: backendStateServiceRef },
      ),
    );
    const started = backend.start();
    for (const deadline = Date.now() + 10_000; !state;) {
      if (Date.now() > deadline) throw new Error('the slow plugin never started its init');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(state.getState()).toBe('starting');
    const stopped = backend.stop();
    gate.resolve();
    await started;
    await stopped;
    expect(state!.getState()).toBe('stopped');
    expect(state!.getPlugin('slow')?.state).toBe('stopped');
  });

  it('rejects with a shutdown timeout when hooks outlast backend.lifecycle.shutdownTimeoutMs', async () => {
    const backend = backendWith({ config: { backend: { lifecycle: { shutdownTimeoutMs: 100 } } } });
    backend.add(
      plugin(
        'p',
        async ({ lifecycle }) =>
          lifecycle.addShutdownHook(() => new Promise((r) => setTimeout(r, 1000)), { timeoutMs: 5000 }),
        { lifecycle: coreServices.lifecycle },
      ),
    );
    await backend.start();
    await expect(backend.stop()).rejects.toThrow(/TRELLIS_ERR_SHUTDOWN_TIMEOUT/);
  });
});

describe('plugins selected by config', () => {
  const build = (config: JsonObject, started: string[]) => {
    let state: BackendStateService | undefined;
    const backend = backendWith({ config });
    const extension = createExtensionPoint<{ note(): void }>({ id: 'alpha.ext' });
    backend.add(
      createBackendPlugin({
        pluginId: 'alpha',
        register(env) {
          env.registerExtensionPoint(extension, { note: () => undefined });
          env.registerInit({ deps: {}, init: async () => void started.push('alpha') });
        },
      }),
    );
    backend.add(
      createBackendModule({
        pluginId: 'alpha',
        moduleId: 'extra',
        register(env) {
          env.registerInit({ deps: { ext: extension }, init: async () => void started.push('alpha.extra') });
        },
      }),
    );
    backend.add(plugin('beta', async () => void started.push('beta')));
    backend.add(plugin('observer', async ({ s }) => void (state = s), { s: backendStateServiceRef }));
    return { backend, state: () => state! };
  };

  it('leaves out the plugins of backend.plugins.exclude, with their modules', async () => {
    const started: string[] = [];
    const { backend, state } = build({ backend: { plugins: { exclude: ['alpha'] } } }, started);
    await backend.start();
    expect(started).toEqual(['beta']);
    expect(
      state()
        .getPlugins()
        .map((p) => p.pluginId)
        .sort(),
    ).toEqual(['beta', 'observer']);
    expect(state().getState()).toBe('started');
    await backend.stop();
  });

  it('starts only the plugins of backend.plugins.include', async () => {
    const started: string[] = [];
    const { backend, state } = build({ backend: { plugins: { include: ['alpha', 'observer'] } } }, started);
    await backend.start();
    expect(started.sort()).toEqual(['alpha', 'alpha.extra']);
    expect(state().getPlugin('beta')).toBeUndefined();
    await backend.stop();
  });

  it('refuses an ID that names no added plugin', async () => {
    const { backend } = build({ backend: { plugins: { exclude: ['catalgo'] } } }, []);
    await expect(backend.start()).rejects.toThrow(
      "backend.plugins.exclude names 'catalgo', which this backend does not add",
    );
  });
});

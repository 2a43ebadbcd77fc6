import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createExtensionPoint,
  createServiceFactory,
  createServiceRef,
  JsonObject,
} from '@trellis/backend-plugin-api';
import { backendStateServiceRef, BackendStateService } from './BackendState';
import { backendWith, LoggedLine, plugin } from './testing';

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

  it('refuses an unknown ID before any root service but config starts', async () => {
    const created: string[] = [];
    const { backend } = build({ backend: { plugins: { include: ['alpah'] } } }, []);
    const probe = createServiceRef<string>({ id: 'test.probe', scope: 'root' });
    backend.add(createServiceFactory({ service: probe, deps: {}, factory: () => (created.push('probe'), 'p') }));
    await expect(backend.start()).rejects.toThrow("backend.plugins.include names 'alpah'");
    expect(created).toEqual([]);
  });
});

describe('backend state', () => {
  it('moves pending -> starting -> started -> stopping -> stopped, and refuses start after stop', async () => {
    const seen: string[] = [];
    let state: BackendStateService | undefined;
    const backend = backendWith();
    backend.add(
      plugin(
        'observer',
        async ({ s, lifecycle }) => {
          state = s;
          seen.push(s.getState());
          lifecycle.addShutdownHook(() => void seen.push(s.getState()));
        },
        { s: backendStateServiceRef, lifecycle: coreServices.lifecycle },
      ),
    );
    await backend.start();
    seen.push(state!.getState());
    await backend.stop();
    await backend.stop();
    seen.push(state!.getState());
    expect(seen).toEqual(['starting', 'started', 'stopping', 'stopped']);
    await expect(backend.start()).rejects.toThrow(/TRELLIS_ERR_INVALID_STATE/);
  });
});

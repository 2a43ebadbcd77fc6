import { createSpecializedBackend } from '@trellis/backend-app-api';
import { coreServices, createBackendPlugin, createServiceFactory, LoggerService } from '@trellis/backend-plugin-api';
import { lifecycleServiceFactory } from '../lifecycle';
import { DefaultRootLifecycleService } from './DefaultRootLifecycleService';
import { rootLifecycleServiceFactory } from './rootLifecycleServiceFactory';

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(lines: Line[], fields: Record<string, unknown> = {}): LoggerService {
  const log = (level: string) => (message: string) => void lines.push({ level, message, fields });
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (meta) => recordingLogger(lines, { ...fields, ...meta }),
  };
}

describe('DefaultRootLifecycleService', () => {
  it('runs before-shutdown hooks, then shutdown hooks in reverse order, past failing and hung hooks', async () => {
    const lines: Line[] = [];
    const calls: string[] = [];
    const lifecycle = DefaultRootLifecycleService.create({ logger: recordingLogger(lines) });
    lifecycle.addShutdownHook(() => void calls.push('first-registered'));
    lifecycle.addShutdownHook(() => {
      throw new Error('hook failed');
    });
    lifecycle.addShutdownHook(() => new Promise(() => {}), { timeoutMs: 50 });
    lifecycle.addShutdownHook(() => void calls.push('last-registered'));
    lifecycle.addBeforeShutdownHook(() => void calls.push('before'));
    await lifecycle.startup();
    await lifecycle.beforeShutdown();
    await lifecycle.shutdown();
    expect(calls).toEqual(['before', 'last-registered', 'first-registered']);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'A shutdown hook failed' }));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'A shutdown hook did not finish within 50ms; continuing' }),
    );
  });

  it('refuses a startup hook added after the backend started', async () => {
    const lifecycle = DefaultRootLifecycleService.create({ logger: recordingLogger([]) });
    await lifecycle.startup();
    expect(() => lifecycle.addStartupHook(() => {})).toThrow(/during plugin initialisation/);
  });

  it("logs a failing plugin hook with the plugin's logger", async () => {
    const lines: Line[] = [];
    const backend = createSpecializedBackend({
      defaultServiceFactories: [
        createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => recordingLogger(lines) }),
        createServiceFactory({
          service: coreServices.logger,
          deps: { root: coreServices.rootLogger, meta: coreServices.pluginMetadata },
          factory: ({ root, meta }) => root.child({ plugin: meta.getId() }),
        }),
        rootLifecycleServiceFactory,
        lifecycleServiceFactory,
      ],
    });
    backend.add(
      createBackendPlugin({
        pluginId: 'p',
        register(env) {
          env.registerInit({
            deps: { lifecycle: coreServices.lifecycle },
            async init({ lifecycle }) {
              lifecycle.addShutdownHook(() => {
                throw new Error('hook failed');
              });
            },
          });
        },
      }),
    );
    await backend.start();
    await backend.stop();
    expect(lines).toContainEqual({ level: 'error', message: 'A shutdown hook failed', fields: { plugin: 'p' } });
  });
});

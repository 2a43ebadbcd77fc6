import { createBackendModule, createBackendPlugin, createExtensionPoint } from '@trellis/backend-plugin-api';
import { FeatureGraphError } from './FeatureGraphError';
import { backendWith } from './testing';

interface Registry {
  add(name: string): void;
}

/** A module that may register one extension point (collecting what others add) and use others. */
function module(moduleId: string, options: { provides?: string; uses?: string[]; order: string[] }) {
  return createBackendModule({
    pluginId: 'host',
    moduleId,
    register(env) {
      const added: string[] = [];
      if (options.provides) {
        env.registerExtensionPoint(createExtensionPoint<Registry>({ id: options.provides }), {
          add: (name) => void added.push(name),
        });
      }
      const deps = Object.fromEntries(
        (options.uses ?? []).map((id) => [id, createExtensionPoint<Registry>({ id })] as const),
      );
      env.registerInit({
        deps,
        async init(used: Record<string, Registry>) {
          for (const registry of Object.values(used)) {
            registry.add(moduleId);
          }
          options.order.push(options.provides ? `${moduleId} (sees ${added.join(',') || 'nothing'})` : moduleId);
        },
      });
    },
  });
}

const host = createBackendPlugin({
  pluginId: 'host',
  register(env) {
    env.registerInit({ deps: {}, init: async () => {} });
  },
});

describe('module start order', () => {
  it('initialises a module that provides an extension point after the modules that use it', async () => {
    const order: string[] = [];
    const backend = backendWith();
    backend.add(host);
    backend.add(module('provider', { provides: 'host.widgets', order }));
    backend.add(module('first-user', { uses: ['host.widgets'], order }));
    backend.add(module('second-user', { uses: ['host.widgets'], order }));
    await backend.start();
    expect(order).toEqual(['first-user', 'second-user', 'provider (sees first-user,second-user)']);
    await backend.stop();
  });

  it('follows chains: a provider that uses another module’s extension point waits for its own users', async () => {
    const order: string[] = [];
    const backend = backendWith();
    backend.add(host);
    backend.add(module('base', { provides: 'host.base', order }));
    backend.add(module('middle', { provides: 'host.middle', uses: ['host.base'], order }));
    backend.add(module('leaf', { uses: ['host.middle'], order }));
    await backend.start();
    expect(order).toEqual(['leaf', 'middle (sees leaf)', 'base (sees middle)']);
    await backend.stop();
  });

  it('reports modules that use each other’s extension points as a cycle, before any init', async () => {
    const order: string[] = [];
    const backend = backendWith();
    backend.add(host);
    backend.add(module('ping', { provides: 'host.ping', uses: ['host.pong'], order }));
    backend.add(module('pong', { provides: 'host.pong', uses: ['host.ping'], order }));
    const error = await backend.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureGraphError);
    const problems = (error as FeatureGraphError).problems;
    expect(problems.map((p) => p.code)).toEqual(['TRELLIS_ERR_MODULE_CYCLE']);
    expect(problems[0].message).toMatch(
      /Modules of plugin 'host' use each other's extension points in a cycle: '(ping|pong)' -> '(ping|pong)' -> '(ping|pong)'/,
    );
    expect(order).toEqual([]);
  });
});

import { coreServices, createServiceFactory, createServiceRef } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import { createSpecializedBackend } from './createSpecializedBackend';
import { backendWith, captureLoggerFactory, plugin } from './testing';

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

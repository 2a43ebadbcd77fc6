import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createExtensionPoint,
  createServiceFactory,
  createServiceRef,
} from '@trellis/backend-plugin-api';
import knexFactory from 'knex';
import { mockCredentials } from './mockCredentials';
import { mockServices } from './mockServices';
import { ServiceFactoryTester } from './ServiceFactoryTester';
import { startTestBackend } from './startTestBackend';

function echoPlugin() {
  return createBackendPlugin({
    pluginId: 'echo',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, discovery: coreServices.discovery },
        async init({ httpRouter, discovery }) {
          httpRouter.use(async (_req, res) => res.json({ url: await discovery.getBaseUrl('other') }));
        },
      });
    },
  });
}

describe('mockServices', () => {
  it('.mock() gives jest.fn methods with the partial implementation, and a factory that installs them', async () => {
    const discovery = mockServices.discovery.mock({ getBaseUrl: async (id: string) => `http://elsewhere/${id}` });
    const backend = await startTestBackend({ features: [echoPlugin(), discovery.factory] });
    const res = await fetch(`${backend.baseUrl}/api/echo`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    expect(await res.json()).toEqual({ url: 'http://elsewhere/other' });
    expect(discovery.getBaseUrl).toHaveBeenCalledWith('other');
    expect(jest.isMockFunction(discovery.getExternalBaseUrl)).toBe(true);
    await backend.stop();
  });

  it('.database() serves a plugin from the knex client the test gives, and runs no migrations when skipped', async () => {
    const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
    const database = mockServices.database({ knex, migrations: { skip: true } });
    expect(await database.getClient()).toBe(knex);
    await database.migrate({ directory: '/nonexistent' });
    await knex.destroy();
  });
});

describe('startTestBackend extensionPoints', () => {
  it('provides the test’s implementation to a module whose plugin is not in the test', async () => {
    const added: string[] = [];
    const processing = createExtensionPoint<{ addProcessor(name: string): void }>({ id: 'catalog.processing' });
    const module = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'extra-processor',
      register(env) {
        env.registerInit({
          deps: { processing },
          async init({ processing }) {
            processing.addProcessor('extra');
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [module],
      extensionPoints: [[processing, { addProcessor: (name: string) => added.push(name) }]],
    });
    expect(added).toEqual(['extra']);
    await backend.stop();
  });
});

describe('ServiceFactoryTester', () => {
  const counterRef = createServiceRef<{ next(): number; plugin: string }>({ id: 'test.counter' });
  const prefixRef = createServiceRef<string>({ id: 'test.prefix', scope: 'root' });
  const counterFactory = createServiceFactory({
    service: counterRef,
    deps: { prefix: prefixRef, pluginMetadata: coreServices.pluginMetadata },
    createRootContext: ({ prefix }) => ({ prefix, count: 0 }),
    factory: ({ pluginMetadata }, shared) => ({
      next: () => ++shared.count,
      plugin: `${shared.prefix}${pluginMetadata.getId()}`,
    }),
  });
  const prefixFactory = createServiceFactory({ service: prefixRef, deps: {}, factory: () => 'p:' });

  it('builds the subject per plugin with one root context, from the given dependencies', async () => {
    const tester = ServiceFactoryTester.from(counterFactory, { dependencies: [prefixFactory] });
    const a = await tester.getSubject('a');
    const b = await tester.getSubject('b');
    expect([a.plugin, b.plugin]).toEqual(['p:a', 'p:b']);
    expect([a.next(), b.next(), a.next()]).toEqual([1, 2, 3]);
    expect(await tester.getSubject('a')).toBe(a);
    expect(await tester.getService(prefixRef)).toBe('p:');
    expect((await tester.getService(coreServices.rootConfig)).getOptionalString('x')).toBeUndefined();
  });

  it('names the missing dependency', async () => {
    await expect(ServiceFactoryTester.from(counterFactory).getSubject()).rejects.toThrow(
      /No factory for service 'test.prefix'/,
    );
  });
});

import { coreServices, createBackendModule, createServiceFactory } from '@trellis/backend-plugin-api';
import {
  MockUrlReader,
  mockCredentials,
  startTestBackend,
  TestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@trellis/backend-test-utils';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
  locationSpecToLocationEntity,
  LocationSpec,
} from '@trellis/plugin-catalog-node';
import catalogPlugin from '.';

const databases = TestDatabases.create();
const REPO = 'https://git.example/acme';

function component(name: string, owner = 'platform'): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name} }
spec: { type: service, lifecycle: production, owner: ${owner} }
`;
}

/** A provider that discovers catalog files, as Backstage's SCM providers do: one `Location` entity per file. */
class DiscoveringProvider implements EntityProvider {
  connection?: EntityProviderConnection;

  getProviderName(): string {
    return 'discovery:acme';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  async discover(locations: LocationSpec[]): Promise<void> {
    await this.connection!.applyMutation({
      type: 'full',
      entities: locations.map((location) => ({
        entity: locationSpecToLocationEntity({ location }),
        locationKey: this.getProviderName(),
      })),
    });
  }
}

describe.each(databases.eachSupportedId())('Location entities of a module provider, on %s', (databaseId) => {
  let backend: TestBackend;
  const provider = new DiscoveringProvider();
  const reader = MockUrlReader.create({
    files: {
      [`${REPO}/cart/catalog-info.yaml`]: component('cart'),
      [`${REPO}/ledger/catalog-info.yaml`]: `${component('ledger')}---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: ledger-apis }
spec: { targets: [./apis.yaml] }
`,
      [`${REPO}/ledger/apis.yaml`]: component('ledger-worker'),
    },
  });
  const get = async (p: string) => {
    const response = await fetch(`${backend.baseUrl}/api/catalog${p}`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    return (await response.json()) as any;
  };
  const componentNames = async () =>
    (await get('/entities?filter=kind=component&order=asc:metadata.name')).map(
      (e: { metadata: { name: string } }) => e.metadata.name,
    );
  const url = (target: string): LocationSpec => ({ type: 'url', target, presence: 'optional' });

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        createServiceFactory({ service: coreServices.urlReader, deps: {}, factory: () => reader }),
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'discovery',
          register(env) {
            env.registerInit({
              deps: { catalog: catalogProcessingExtensionPoint },
              async init({ catalog }) {
                catalog.addEntityProvider(provider);
              },
            });
          },
        }),
      ],
      config: { backend: { database: await databases.backendConfig(databaseId as TestDatabaseId) } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('reads their targets through the URL reader, following nested Location entities', async () => {
    await provider.discover([
      url(`${REPO}/cart/catalog-info.yaml`),
      url(`${REPO}/ledger/catalog-info.yaml`),
      url(`${REPO}/empty/catalog-info.yaml`),
    ]);
    expect(await componentNames()).toEqual(['cart', 'ledger', 'ledger-worker']);
    const cart = await get('/entities/by-ref/component:default/cart');
    expect(cart.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${REPO}/cart/catalog-info.yaml`,
      'backstage.io/managed-by-origin-location': `url:${REPO}/cart/catalog-info.yaml`,
    });
    const worker = await get('/entities/by-ref/component:default/ledger-worker');
    expect(worker.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(
      `url:${REPO}/ledger/catalog-info.yaml`,
    );
    // The optional location that does not exist is quietly empty.
    expect((await get('/errors')).items).toEqual([]);
  });

  it('reads changed files on the next mutation, and drops what a removed Location entity held', async () => {
    reader.setFile(`${REPO}/cart/catalog-info.yaml`, component('cart', 'checkout'));
    await provider.discover([url(`${REPO}/cart/catalog-info.yaml`)]);
    expect(await componentNames()).toEqual(['cart']);
    expect((await get('/entities/by-ref/component:default/cart')).spec.owner).toBe('checkout');
    expect(await get('/entities?filter=kind=location')).toHaveLength(1);
  });

  it('reads a target again when the provider asks with its key', async () => {
    reader.setFile(`${REPO}/cart/catalog-info.yaml`, component('cart', 'payments'));
    await provider.connection!.refresh({ keys: [`url:${REPO}/cart/catalog-info.yaml`] });
    expect((await get('/entities/by-ref/component:default/cart')).spec.owner).toBe('payments');
  });

  it('records a required target that cannot be read, and refuses file targets', async () => {
    await provider.discover([
      url(`${REPO}/cart/catalog-info.yaml`),
      { type: 'url', target: `${REPO}/gone/catalog-info.yaml` },
      { type: 'file', target: '/etc/hostname' },
    ]);
    expect(await componentNames()).toEqual(['cart']);
    const errors = (await get('/errors')).items;
    expect(errors).toEqual([
      expect.objectContaining({
        provider: 'discovery:acme',
        location: `url:${REPO}/gone/catalog-info.yaml`,
        message: expect.stringContaining('was not found'),
      }),
    ]);
  });

  it('keeps the entities of one provider scope from being taken over by the provider itself', async () => {
    await provider.connection!.applyMutation({
      type: 'delta',
      added: [
        {
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'cart' },
            spec: { type: 'service', lifecycle: 'production', owner: 'intruder' },
          },
        },
      ],
      removed: [],
    });
    expect((await get('/entities/by-ref/component:default/cart')).spec.owner).toBe('payments');
  });
});

import { coreServices, createBackendModule } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend, TestBackend, TestDatabases } from '@trellis/backend-test-utils';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  catalogProcessingExtensionPoint,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
  ResourceEntity,
} from '@trellis/plugin-catalog-node';
import catalogPlugin from '.';

const databases = TestDatabases.create();

/** An entity provider written as one is for Backstage: entities with a locationKey and location annotations. */
class ClusterProvider implements EntityProvider {
  connection?: EntityProviderConnection;
  readonly #name: string;
  readonly #clusters: string[];
  readonly #owner: string;

  constructor(name: string, clusters: string[], owner: string) {
    this.#name = name;
    this.#clusters = clusters;
    this.#owner = owner;
  }

  getProviderName(): string {
    return `acme-clusters:${this.#name}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await connection.applyMutation({ type: 'full', entities: this.#clusters.map((c) => this.entity(c)) });
  }

  entity(cluster: string): DeferredEntity {
    const location = `url:https://acme.example/${this.#name}/clusters/${cluster}`;
    const resource: ResourceEntity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: `${this.#name}-${cluster}`,
        annotations: { [ANNOTATION_LOCATION]: location, [ANNOTATION_ORIGIN_LOCATION]: location },
      },
      spec: { type: 'kubernetes-cluster', owner: this.#owner },
    };
    return { entity: resource, locationKey: `acme-clusters:${this.#name}` };
  }
}

const providers: ClusterProvider[] = [];

const acmeModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'acme-clusters',
  configSchema: {
    type: 'object',
    properties: {
      providers: {
        type: 'object',
        properties: {
          acme: {
            type: 'object',
            required: ['regions'],
            properties: {
              owner: { type: 'string', default: 'platform' },
              regions: {
                type: 'object',
                additionalProperties: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9-]+$' } },
              },
            },
            additionalProperties: false,
          },
        },
      },
    },
  },
  register(env) {
    env.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint, config: coreServices.rootConfig },
      async init({ catalog, config }) {
        const acme = config.getConfig('catalog.providers.acme');
        const regions = acme.getConfig('regions');
        providers.length = 0;
        providers.push(
          ...regions
            .keys()
            .map((region) => new ClusterProvider(region, regions.getStringArray(region), acme.getString('owner'))),
        );
        // An array, as Backstage modules pass them.
        catalog.addEntityProvider(providers);
      },
    });
  },
});

describe.each(databases.eachSupportedId())('a provider module written the Backstage way, on %s', (databaseId) => {
  let backend: TestBackend;
  const get = async (p: string) => {
    const response = await fetch(`${backend.baseUrl}/api/catalog${p}`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [catalogPlugin, acmeModule],
      config: {
        backend: { database: await databases.backendConfig(databaseId) },
        catalog: { providers: { acme: { regions: { eu: ['alpha', 'beta'], us: ['gamma'] } } } },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('loads, reads its own config with defaults, and its entities appear through the HTTP API', async () => {
    const page = await get('/entities?filter=kind=resource,spec.type=kubernetes-cluster');
    expect(page.status).toBe(200);
    expect(page.body.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual([
      'eu-alpha',
      'eu-beta',
      'us-gamma',
    ]);
    expect(page.body[0].relations).toEqual([{ type: 'ownedBy', targetRef: 'group:default/platform' }]);
    expect(page.body[0].metadata.annotations[ANNOTATION_LOCATION]).toBe('url:https://acme.example/eu/clusters/alpha');
  });

  it('applies deltas with removed entries shaped as Backstage shapes them, and keeps providers apart', async () => {
    const [eu, us] = providers;
    await eu!.connection!.applyMutation({
      type: 'delta',
      added: [eu!.entity('delta')],
      removed: [
        { entityRef: 'resource:default/eu-alpha' },
        eu!.entity('beta'),
        { entityRef: 'resource:default/us-gamma' },
      ],
    });
    const names = (await get('/entities?filter=kind=resource')).body.map(
      (e: { metadata: { name: string } }) => e.metadata.name,
    );
    // us-gamma belongs to the other provider, which this one cannot remove.
    expect(names).toEqual(['eu-delta', 'us-gamma']);
    await us!.connection!.applyMutation({ type: 'full', entities: [] });
    expect((await get('/entities/by-ref/resource:default/us-gamma')).status).toBe(404);
  });
});

describe('a provider module with invalid config', () => {
  it('stops the start with an error naming the module, the key and the file', async () => {
    const start = startTestBackend({
      features: [catalogPlugin, acmeModule],
      config: { catalog: { providers: { acme: { regions: { eu: ['Not Valid'] }, colour: 'red' } } } },
    });
    await expect(start).rejects.toThrow(
      /Module 'acme-clusters' for plugin 'catalog': config key 'catalog\.providers\.acme\.colour' is not a known setting/,
    );
    await expect(start).rejects.toThrow(
      /Module 'acme-clusters' for plugin 'catalog': config key 'catalog\.providers\.acme\.regions\.eu\.0' must match pattern/,
    );
  });

  it("lets the plugin's own schema still refuse unknown catalog keys", async () => {
    await expect(
      startTestBackend({ features: [catalogPlugin], config: { catalog: { provders: {} } } }),
    ).rejects.toThrow(/Plugin 'catalog': config key 'catalog\.provders' is not a known setting/);
  });
});

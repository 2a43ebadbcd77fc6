import { resolve } from 'node:path';
import { mockCredentials, startTestBackend, TestBackend } from '@trellis/backend-test-utils';
import openapiModule from '.';

const EXAMPLE = resolve(__dirname, '../../../examples/catalog/catalog-info.yaml');

/** examples/catalog, read by the catalog with this module: every entity valid, every relation resolved. */
describe('examples/catalog', () => {
  let backend: TestBackend;
  let entities: any[];

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [import('@trellis/plugin-catalog-backend'), openapiModule],
      config: { catalog: { locations: [{ type: 'file', target: EXAMPLE }] } },
    });
    const deadline = Date.now() + 15_000;
    while ((await get('/entities/by-ref/location:default/larkspur-catalog')).status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    entities = (await get('/entities')).body;
  });

  afterAll(() => backend?.stop());

  async function get(path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${backend.baseUrl}/api/catalog${path}`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    return { status: response.status, body: await response.json() };
  }

  it('has no processing errors', async () => {
    expect((await get('/errors')).body.items).toEqual([]);
  });

  it('has the entities of every kind', () => {
    const counts: Record<string, number> = {};
    for (const entity of entities) {
      counts[entity.kind] = (counts[entity.kind] ?? 0) + 1;
    }
    expect(counts).toEqual({
      Location: 1,
      Group: 6,
      User: 9,
      Domain: 3,
      System: 4,
      Component: 10,
      API: 8,
      Resource: 7,
    });
  });

  it('relates only to entities that exist', () => {
    const refs = new Set(entities.map((e) => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase()));
    const dangling = entities.flatMap((e) =>
      (e.relations as { type: string; targetRef: string }[])
        .filter((r) => !refs.has(r.targetRef.toLowerCase()))
        .map((r) => `${e.kind}:${e.metadata.name} ${r.type} ${r.targetRef}`),
    );
    expect(dangling).toEqual([]);
  });

  it('gives every entity but the location and the organisation an owner, a parent or a group', () => {
    const unattached = entities
      .filter((e) => !['Location'].includes(e.kind) && e.metadata.name !== 'larkspur')
      .filter((e) => !e.relations.some((r: any) => ['ownedBy', 'childOf', 'memberOf'].includes(r.type)))
      .map((e) => `${e.kind}:${e.metadata.name}`);
    expect(unattached).toEqual([]);
  });

  it('resolves every $openapi definition', () => {
    const openapi = entities.filter((e) => e.kind === 'API' && e.spec.type === 'openapi');
    expect(openapi).toHaveLength(6);
    for (const api of openapi) {
      expect(typeof api.spec.definition).toBe('string');
      expect(api.metadata.annotations).toEqual({
        'backstage.io/managed-by-location': expect.stringMatching(/^file:\/.*\.yaml$/),
        'backstage.io/managed-by-origin-location': expect.stringMatching(/^file:\/.*catalog-info\.yaml$/),
        'trellis.dev/openapi-version': expect.stringMatching(/^(3\.\d+\.\d+|2\.0)$/),
        'trellis.dev/api-version': expect.any(String),
      });
      expect(api.metadata.title).toEqual(expect.any(String));
    }
    const payments = openapi.find((e) => e.metadata.name === 'payments-api');
    expect(payments.metadata.annotations['trellis.dev/openapi-version']).toBe('2.0');
    expect(payments.metadata.title).toBe('Payments Gateway API');
  });
});

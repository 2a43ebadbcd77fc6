import { CATALOG_FILTER_EXISTS, CatalogClient } from '@backstage/catalog-client';
import { mockCredentials, startTestBackend, TestDatabases } from '@trellis/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '.';

const databases = TestDatabases.create();

const component = (name: string, type: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name}, tags: [${type === 'service' ? 'java' : 'go'}]${extra} }
spec: { type: ${type}, lifecycle: production, owner: team-a }
`;
const api = (name: string) =>
  `apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: ${name} }
spec: { type: openapi, lifecycle: production, owner: team-b, definition: "openapi: 3.0.0" }
`;
const group = (name: string) =>
  `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: ${name} }
spec: { type: team, children: [] }
`;

const names = (items: { metadata?: { name?: string } }[]) => items.map((e) => e.metadata?.name);

describe.each(databases.eachSupportedId())('@backstage/catalog-client against the catalog on %s', (databaseId) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-backstage-client-'));
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let client: CatalogClient;
  const token = { token: mockCredentials.user.token() };

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'more'));
    fs.writeFileSync(
      path.join(dir, 'catalog-info.yaml'),
      [
        component('alpha', 'service', ', annotations: { trellis.dev/flag: "on" }'),
        component('Beta', 'service'),
        component('gamma', 'website'),
        component('delta', 'library'),
        api('orders-api'),
        group('team-a'),
        group('team-b'),
        `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: more }\nspec: { targets: [./more/extra.yaml] }\n`,
      ].join('---\n'),
    );
    fs.writeFileSync(path.join(dir, 'more', 'extra.yaml'), component('epsilon', 'service'));
    backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        backend: { database: await databases.backendConfig(databaseId), scheduler: { pollIntervalMs: 50 } },
        catalog: {
          locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }],
          refresh: { frequency: { minutes: 30 }, timeout: { minutes: 1 } },
        },
      },
    });
    client = new CatalogClient({
      discoveryApi: { getBaseUrl: async (pluginId) => `${backend.baseUrl}/api/${pluginId}` },
      fetchApi: { fetch: globalThis.fetch },
    });
    const deadline = Date.now() + 20_000;
    while ((await client.getEntityByRef('component:default/epsilon', token)) === undefined) {
      if (Date.now() > deadline) {
        throw new Error('the catalog did not read its files within 20 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('getEntities', () => {
    it('returns every entity, as an array, without a limit', async () => {
      const { items } = await client.getEntities(undefined, token);
      expect(items).toHaveLength(9);
      expect(items.every((e) => e.metadata.uid && Array.isArray(e.relations))).toBe(true);
    });

    it('ORs the values of a repeated key and the filters of a list, ANDs different keys', async () => {
      const byKind = await client.getEntities({ filter: { kind: ['API', 'Group'] }, fields: ['metadata.name'] }, token);
      expect(names(byKind.items).sort()).toEqual(['orders-api', 'team-a', 'team-b']);
      const anded = await client.getEntities(
        { filter: { kind: 'component', 'spec.type': ['website', 'library'] }, fields: ['metadata.name'] },
        token,
      );
      expect(names(anded.items).sort()).toEqual(['delta', 'gamma']);
      const ored = await client.getEntities(
        {
          filter: [{ kind: 'group', 'metadata.name': 'team-b' }, { 'spec.type': 'website' }],
          fields: ['metadata.name'],
        },
        token,
      );
      expect(names(ored.items).sort()).toEqual(['gamma', 'team-b']);
    });

    it('matches keys and values without regard to case, fields that exist, list items and relations', async () => {
      const upper = await client.getEntities({ filter: { KIND: 'COMPONENT', 'Spec.Type': 'SERVICE' } }, token);
      expect(names(upper.items).sort()).toEqual(['Beta', 'alpha', 'epsilon']);
      const exists = await client.getEntities(
        { filter: { 'metadata.annotations.trellis.dev/flag': CATALOG_FILTER_EXISTS } },
        token,
      );
      expect(names(exists.items)).toEqual(['alpha']);
      const tagged = await client.getEntities({ filter: { 'metadata.tags': 'go' } }, token);
      expect(names(tagged.items).sort()).toEqual(['delta', 'gamma']);
      const tagKey = await client.getEntities({ filter: { 'metadata.tags.go': CATALOG_FILTER_EXISTS } }, token);
      expect(names(tagKey.items).sort()).toEqual(['delta', 'gamma']);
      const owned = await client.getEntities({ filter: { 'relations.ownedBy': 'group:default/team-b' } }, token);
      expect(names(owned.items)).toEqual(['orders-api']);
    });

    it('projects fields, orders, and pages with offset, limit and after', async () => {
      const filter = { kind: 'component' };
      const ordered = await client.getEntities(
        { filter, fields: ['metadata.name'], order: { field: 'metadata.name', order: 'desc' } },
        token,
      );
      expect(names(ordered.items)).toEqual(['gamma', 'epsilon', 'delta', 'Beta', 'alpha']);
      expect(ordered.items[0]).toEqual({ metadata: { name: 'gamma' } });
      const page = await client.getEntities(
        { filter, fields: ['metadata.name'], order: [{ field: 'metadata.name', order: 'asc' }], offset: 1, limit: 2 },
        token,
      );
      expect(names(page.items)).toEqual(['Beta', 'delta']);
      const response = await fetch(
        `${backend.baseUrl}/api/catalog/entities?filter=kind=component&fields=metadata.name&order=asc:metadata.name&limit=2`,
        { headers: { authorization: mockCredentials.user.header() } },
      );
      const next = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '');
      const after = new URL(next![1]!, 'http://x').searchParams.get('after')!;
      const rest = await client.getEntities(
        { filter, fields: ['metadata.name'], order: { field: 'metadata.name', order: 'asc' }, limit: 2, after },
        token,
      );
      expect(names(rest.items)).toEqual(['delta', 'epsilon']);
    });
  });

  describe('queryEntities', () => {
    it('pages forwards and backwards with cursors, keeping the query and totalItems', async () => {
      const first = await client.queryEntities(
        {
          filter: { kind: 'component' },
          fields: ['metadata.name'],
          orderFields: { field: 'metadata.name', order: 'asc' },
          limit: 2,
        },
        token,
      );
      expect(names(first.items)).toEqual(['alpha', 'Beta']);
      expect(first.totalItems).toBe(5);
      expect(first.pageInfo.prevCursor).toBeUndefined();
      const second = await client.queryEntities(
        { cursor: first.pageInfo.nextCursor!, fields: ['metadata.name'], limit: 2 },
        token,
      );
      expect(names(second.items)).toEqual(['delta', 'epsilon']);
      const third = await client.queryEntities({ cursor: second.pageInfo.nextCursor!, limit: 2 }, token);
      expect(names(third.items)).toEqual(['gamma']);
      expect(third.pageInfo.nextCursor).toBeUndefined();
      const back = await client.queryEntities(
        { cursor: third.pageInfo.prevCursor!, fields: ['metadata.name'], limit: 2 },
        token,
      );
      expect(names(back.items)).toEqual(['delta', 'epsilon']);
      expect(back.totalItems).toBe(5);
    });

    it('filters by a full-text term over the named fields, ordered descending', async () => {
      const { items, totalItems } = await client.queryEntities(
        {
          fullTextFilter: { term: 'TA', fields: ['metadata.name'] },
          orderFields: { field: 'metadata.name', order: 'desc' },
          fields: ['metadata.name'],
        },
        token,
      );
      expect(names(items)).toEqual(['delta', 'Beta']);
      expect(totalItems).toBe(2);
    });

    it('streams every entity through streamEntities', async () => {
      const pages: string[][] = [];
      for await (const page of client.streamEntities({ pageSize: 4, fields: ['metadata.name'] }, token)) {
        pages.push(names(page) as string[]);
      }
      expect(pages.map((p) => p.length)).toEqual([4, 4, 1]);
    });
  });

  it('getEntitiesByRefs answers in request order, undefined for misses and for filtered-out entities', async () => {
    const { items } = await client.getEntitiesByRefs(
      {
        entityRefs: ['component:default/gamma', 'component:default/missing', 'api:orders-api', 'group:team-a'],
        fields: ['kind', 'metadata.name'],
        filter: { kind: ['component', 'api'] },
      },
      token,
    );
    expect(items).toEqual([
      { kind: 'Component', metadata: { name: 'gamma' } },
      undefined,
      { kind: 'API', metadata: { name: 'orders-api' } },
      undefined,
    ]);
  });

  it('getEntityByRef and getEntityByName find an entity, and give undefined for none', async () => {
    expect((await client.getEntityByRef('Component:default/BETA', token))?.metadata.name).toBe('Beta');
    expect((await client.getEntityByRef({ kind: 'api', namespace: 'default', name: 'orders-api' }, token))?.kind).toBe(
      'API',
    );
    expect((await client.getEntityByName({ kind: 'group', namespace: 'default', name: 'team-a' }, token))?.kind).toBe(
      'Group',
    );
    expect(await client.getEntityByRef('component:default/none', token)).toBeUndefined();
  });

  it('getEntityAncestors names the Location entity that led to a file', async () => {
    const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/epsilon' }, token);
    expect(ancestry.rootEntityRef).toBe('component:default/epsilon');
    expect(ancestry.items.map((i) => [i.entity.metadata.name, i.parentEntityRefs])).toEqual([
      ['epsilon', ['location:default/more']],
      ['more', []],
    ]);
  });

  it('getEntityFacets counts values as written, within the filter', async () => {
    const { facets } = await client.getEntityFacets(
      { facets: ['kind', 'spec.type', 'metadata.tags'], filter: { kind: ['component', 'api'] } },
      token,
    );
    const sorted = (list: { value: string; count: number }[]) =>
      [...list].sort((a, b) => a.value.localeCompare(b.value));
    expect(sorted(facets.kind!)).toEqual([
      { value: 'API', count: 1 },
      { value: 'Component', count: 5 },
    ]);
    expect(sorted(facets['spec.type']!)).toEqual([
      { value: 'library', count: 1 },
      { value: 'openapi', count: 1 },
      { value: 'service', count: 3 },
      { value: 'website', count: 1 },
    ]);
    expect(sorted(facets['metadata.tags']!)).toEqual([
      { value: 'go', count: 2 },
      { value: 'java', count: 3 },
    ]);
  });

  it('validateEntity accepts a valid entity and lists the problem of an invalid one', async () => {
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'candidate' },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
    expect(await client.validateEntity(entity, 'url:https://example.com/catalog-info.yaml', token)).toEqual({
      valid: true,
    });
    const invalid = await client.validateEntity(
      { ...entity, spec: { type: 'service' } },
      'url:https://example.com/catalog-info.yaml',
      token,
    );
    expect(invalid.valid).toBe(false);
    expect(!invalid.valid && invalid.errors[0]?.message).toContain('spec.owner');
    const badLocation = await client.validateEntity(entity, 'file:/etc/passwd', token);
    expect(badLocation.valid).toBe(false);
  });

  it('refreshEntity reads the files again, and refuses an unknown entity', async () => {
    fs.writeFileSync(path.join(dir, 'more', 'extra.yaml'), component('epsilon', 'website'));
    await client.refreshEntity('component:default/epsilon', token);
    const deadline = Date.now() + 20_000;
    while ((await client.getEntityByRef('component:default/epsilon', token))?.spec?.type !== 'website') {
      if (Date.now() > deadline) {
        throw new Error('the refresh did not pick up the change within 20 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await expect(client.refreshEntity('component:default/none', token)).rejects.toMatchObject({
      response: { status: 404 },
    });
  });

  it('removeEntityByUid removes the entity and is idempotent', async () => {
    const gamma = await client.getEntityByRef('component:default/gamma', token);
    await client.removeEntityByUid(gamma!.metadata.uid!, token);
    expect(await client.getEntityByRef('component:default/gamma', token)).toBeUndefined();
    await client.removeEntityByUid(gamma!.metadata.uid!, token);
    await expect(client.removeEntityByUid('not-a-uid', token)).rejects.toMatchObject({ response: { status: 400 } });
  });
});

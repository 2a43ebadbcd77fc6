import { mockCredentials, startTestBackend, TestBackend, TestDatabases } from '@trellis/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '.';

const databases = TestDatabases.create();

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments }
spec: { type: team, children: [], members: [ada] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ada }
spec: { memberOf: [payments], profile: { email: ada@example.com } }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform }
spec: { type: team, children: [] }
`;

const SYSTEM = `
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: checkout }
spec: { owner: payments }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: cart, tags: [java], annotations: { example.com/team-channel: "#cart" } }
spec: { type: service, lifecycle: production, owner: payments, system: checkout, providesApis: [cart-api], dependsOn: [resource:cart-db] }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: cart-api, description: The cart }
spec: { type: openapi, lifecycle: production, owner: payments, system: checkout, definition: "openapi: 3.0.0" }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: cart-db }
spec: { type: database, owner: platform, system: checkout }
`;

const BROKEN_ENTITIES = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: good-one }
spec: { type: website, lifecycle: experimental, owner: platform }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: no-owner }
spec: { type: service, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: "bad name!" }
spec: { type: service, lifecycle: production, owner: platform }
---
apiVersion: backstage.io/v1alpha1
kind: Spaceship
metadata: { name: enterprise }
---
- just
- a list
`;

function services(i: number) {
  return Array.from(
    { length: i },
    (_, n) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: svc-${String(n).padStart(2, '0')} }
spec: { type: ${n % 2 ? 'service' : 'library'}, lifecycle: production, owner: platform }
`,
  ).join('---\n');
}

describe.each(databases.eachSupportedId())('catalog plugin on %s', (databaseId) => {
  let dir: string;
  let backend: TestBackend;
  const get = async (p: string, init: RequestInit = {}) => {
    const response = await fetch(`${backend.baseUrl}/api/catalog${p}`, {
      ...init,
      headers: {
        authorization: mockCredentials.user.header(),
        'content-type': 'application/json',
        ...(init.headers as object),
      },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  /** Triggers the file refresh and waits until `check` holds. */
  const refreshUntil = async (check: () => Promise<boolean>) => {
    // Scheduler operator endpoints take services (here a plugin's token), never users.
    const trigger = await get('/.trellis/scheduler/tasks/catalog-locations-refresh/trigger', {
      method: 'POST',
      headers: { authorization: mockCredentials.service.header({ subject: 'plugin:catalog-test' }) },
    });
    expect(trigger.status).toBe(200);
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) {
        throw new Error('the catalog did not reach the expected state within 15 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
    fs.mkdirSync(path.join(dir, 'org'));
    fs.mkdirSync(path.join(dir, 'systems'));
    fs.writeFileSync(path.join(dir, 'org', 'groups.yaml'), ORG);
    fs.writeFileSync(path.join(dir, 'systems', 'checkout.yaml'), SYSTEM);
    fs.writeFileSync(path.join(dir, 'systems', 'broken-entities.yaml'), BROKEN_ENTITIES);
    fs.writeFileSync(path.join(dir, 'systems', 'services.yaml'), services(25));
    fs.writeFileSync(path.join(dir, 'systems', 'syntax-error.yaml'), 'kind: Component\nmetadata: { name: [unclosed\n');
    backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        backend: { database: await databases.backendConfig(databaseId), scheduler: { pollIntervalMs: 50 } },
        catalog: {
          locations: [{ type: 'file', target: `${dir}/**/*.yaml` }],
          refresh: { frequency: { minutes: 30 }, timeout: { minutes: 1 } },
        },
      },
    });
    const deadline = Date.now() + 15_000;
    while ((await get('/entities/by-ref/user:default/ada')).status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads every entity file under the configured glob', async () => {
    const { body } = await get('/entities/by-query?limit=500');
    expect(body.totalItems).toBe(3 + 4 + 1 + 25);
    expect(body.items.map((e: any) => e.metadata.name)).toEqual(
      expect.arrayContaining(['payments', 'ada', 'cart', 'cart-api', 'good-one']),
    );
  });

  it('serves an entity by ref and by name, with uid, etag and relations in both directions', async () => {
    const { status, body } = await get('/entities/by-ref/component:default/cart');
    expect(status).toBe(200);
    expect(body.metadata).toMatchObject({
      name: 'cart',
      namespace: 'default',
      uid: expect.any(String),
      etag: expect.any(String),
    });
    expect(body.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/payments' },
        { type: 'partOf', targetRef: 'system:default/checkout' },
        { type: 'providesApi', targetRef: 'api:default/cart-api' },
        { type: 'dependsOn', targetRef: 'resource:default/cart-db' },
      ]),
    );
    expect((await get('/entities/by-ref/Component%3Adefault%2FCART')).body.metadata.uid).toBe(body.metadata.uid);
    expect((await get('/entities/by-ref/component:cart')).body.metadata.uid).toBe(body.metadata.uid);
    expect((await get('/entities/by-name/component/default/cart')).body.metadata.uid).toBe(body.metadata.uid);
    const group = await get('/entities/by-ref/group:default/payments');
    expect(group.body.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownerOf', targetRef: 'component:default/cart' },
        { type: 'ownerOf', targetRef: 'system:default/checkout' },
        { type: 'hasMember', targetRef: 'user:default/ada' },
      ]),
    );
    const user = await get('/entities/by-ref/user:ada');
    expect(user.body.relations).toEqual([{ type: 'memberOf', targetRef: 'group:default/payments' }]);
  });

  it('answers 404 naming a ref that is not there and 400 for a malformed one', async () => {
    const missing = await get('/entities/by-ref/component:default/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('component:default/nope');
    expect((await get('/entities/by-ref/not a ref')).status).toBe(400);
    expect((await get('/entities/by-ref/nokind')).body.error.message).toContain('names no kind');
  });

  it('filters by kind, namespace, spec fields, tags and relations, any filter of several', async () => {
    const names = async (query: string) =>
      ((await get(`/entities/by-query?${query}&limit=500`)).body.items as any[]).map((e) => e.metadata.name).sort();
    expect(await names('filter=kind=api')).toEqual(['cart-api']);
    expect(await names('filter=kind=Component,spec.type=service,metadata.name=cart')).toEqual(['cart']);
    expect((await names('filter=kind=component,spec.type=library')).length).toBe(13);
    expect(await names('filter=metadata.tags=java')).toEqual(['cart']);
    expect(await names('filter=relations.ownedBy=group:default/payments')).toEqual(['cart', 'cart-api', 'checkout']);
    expect(await names('filter=spec.owner=platform,kind=resource')).toEqual(['cart-db']);
    expect(await names('filter=kind=user&filter=kind=group')).toEqual(['ada', 'payments', 'platform']);
    expect(await names('filter=metadata.namespace=elsewhere')).toEqual([]);
    expect(await names('filter=spec.profile.email')).toEqual(['ada']);
    expect(await names('filter=metadata.annotations.example.com/team-channel=%23cart')).toEqual(['cart']);
  });

  it('returns only the selected fields', async () => {
    const { body } = await get('/entities/by-query?filter=kind=user&fields=kind,metadata.name,spec.profile.email');
    expect(body.items).toEqual([
      { kind: 'User', metadata: { name: 'ada' }, spec: { profile: { email: 'ada@example.com' } } },
    ]);
  });

  it('pages through every match with a cursor that keeps the filter', async () => {
    const seen: string[] = [];
    let page = await get('/entities/by-query?filter=kind=component&limit=4');
    expect(page.body.totalItems).toBe(27);
    for (;;) {
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.items.map((e: any) => e.metadata.name));
      if (!page.body.pageInfo.nextCursor) {
        break;
      }
      page = await get(`/entities/by-query?limit=4&cursor=${page.body.pageInfo.nextCursor}`);
    }
    expect(seen).toHaveLength(27);
    expect(new Set(seen).size).toBe(27);
    expect(seen).toEqual([...seen].sort());
  });

  it('fetches many refs at once, in order, null where there is none', async () => {
    const { status, body } = await post('/entities/by-refs', {
      entityRefs: ['user:ada', 'component:default/missing', 'API:default/cart-api'],
      fields: ['metadata.name'],
    });
    expect(status).toBe(200);
    expect(body.items).toEqual([{ metadata: { name: 'ada' } }, null, { metadata: { name: 'cart-api' } }]);
  });

  it('keeps good entities of a file with bad ones and lists every problem', async () => {
    expect((await get('/entities/by-ref/component:good-one')).status).toBe(200);
    const { body } = await get('/errors');
    const messages = (body.items as any[]).map((e) => `${e.location} ${e.entityRef} ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/broken-entities\.yaml component:default\/no-owner .*'spec\.owner'/),
        expect.stringMatching(/broken-entities\.yaml null .*'metadata\.name'/),
        expect.stringMatching(/broken-entities\.yaml spaceship:default\/enterprise unknown kind 'Spaceship'/),
        expect.stringMatching(/broken-entities\.yaml null an entity must be a mapping, not a list/),
        expect.stringMatching(/syntax-error\.yaml null .*YAML syntax error/),
      ]),
    );
    expect(messages).toHaveLength(5);
  });

  it('requires credentials and refuses bad queries with 400', async () => {
    expect((await fetch(`${backend.baseUrl}/api/catalog/entities`)).status).toBe(401);
    for (const query of [
      'limit=0',
      'limit=1001',
      'limit=ten',
      'cursor=garbage',
      'filter=',
      'filter=a%20b=c',
      'owner=me',
      'fields=..',
      `filter=${'a'.repeat(300)}`,
    ]) {
      const response = await get(`/entities/by-query?${query}`);
      expect({ query, status: response.status, name: response.body.error.name }).toEqual({
        query,
        status: 400,
        name: 'InputError',
      });
    }
    const cursor = (await get('/entities/by-query?filter=kind=component&limit=1')).body.pageInfo.nextCursor;
    expect((await get(`/entities/by-query?filter=kind=api&cursor=${cursor}`)).body.error.message).toContain(
      "a cursor carries its query; send 'filter' only for the first page",
    );
    expect((await post('/entities/by-refs', { entityRefs: Array(1001).fill('user:ada') })).status).toBe(400);
    expect((await post('/entities/by-refs', { entityRefs: ['user:ada'], extra: 1 })).status).toBe(400);
    expect((await post('/entities/by-refs', { entityRefs: ['no kind'] })).status).toBe(400);
    expect((await post('/entities/by-refs', 'not json')).status).toBe(400);
  });

  it('refreshes: changes apply, a deleted file removes its entities, a broken file keeps them', async () => {
    const before = (await get('/entities/by-ref/component:cart')).body;
    fs.writeFileSync(path.join(dir, 'systems', 'checkout.yaml'), SYSTEM.replace('tags: [java]', 'tags: [kotlin]'));
    fs.rmSync(path.join(dir, 'systems', 'services.yaml'));
    await refreshUntil(async () => (await get('/entities/by-ref/component:svc-00')).status === 404);
    const after = (await get('/entities/by-ref/component:cart')).body;
    expect(after.metadata.tags).toEqual(['kotlin']);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.etag).not.toBe(before.metadata.etag);
    expect((await get('/entities/by-query?filter=kind=component')).body.totalItems).toBe(2);

    fs.writeFileSync(path.join(dir, 'org', 'groups.yaml'), `${ORG}\n  broken: [`);
    fs.writeFileSync(
      path.join(dir, 'systems', 'checkout.yaml'),
      SYSTEM.replace('owner: payments, system: checkout, providesApis', 'system: checkout, providesApis'),
    );
    await refreshUntil(async () =>
      ((await get('/errors')).body.items as any[]).some((e) => e.location.endsWith('groups.yaml')),
    );
    expect((await get('/entities/by-ref/user:ada')).status).toBe(200);
    // A broken edit keeps the last good version of the entity.
    expect((await get('/entities/by-ref/component:cart')).body.metadata.tags).toEqual(['kotlin']);
  });

  const post = (p: string, body: unknown) =>
    get(p, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
});

describe('catalog Location entities', () => {
  it('follows their targets inside the configured folder and refuses targets outside it', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-outside-'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-locations-'));
    fs.mkdirSync(path.join(dir, 'teams'));
    fs.writeFileSync(
      path.join(outside, 'secret.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: outsider }\nspec: { type: team, children: [] }\n',
    );
    fs.writeFileSync(
      path.join(dir, 'teams', 'a.entities'),
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team-a }\nspec: { type: team, children: [] }\n',
    );
    fs.writeFileSync(
      path.join(dir, 'teams', 'b.entities'),
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team-b }\nspec: { type: team, children: [] }\n',
    );
    // A link inside the folder to a file outside it is refused too.
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'teams', 'link.entities'));
    fs.writeFileSync(
      path.join(dir, 'catalog-info.yaml'),
      `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: root }\nspec:\n  targets: [./teams/*.entities, ./catalog-info.yaml, ${JSON.stringify(path.relative(dir, path.join(outside, 'secret.yaml')))}]\n`,
    );
    const backend = await startTestBackend({
      features: [catalogPlugin],
      config: { catalog: { locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }] } },
    });
    const get = async (p: string) =>
      (
        await fetch(`${backend.baseUrl}/api/catalog${p}`, { headers: { authorization: mockCredentials.user.header() } })
      ).json() as Promise<any>;
    let names: string[] = [];
    for (let i = 0; i < 200 && names.length < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      names = (await get('/entities/by-query')).items.map((e: any) => e.metadata.name).sort();
    }
    expect(names).toEqual(['root', 'team-a', 'team-b']);
    const errors = (await get('/errors')).items.map((e: any) => e.message).sort();
    expect(errors).toHaveLength(2);
    expect(
      errors.some((m: string) =>
        m.includes(`link.entities: leads outside ${dir}, the folder of the configured location`),
      ),
    ).toBe(true);
    expect(
      errors.some((m: string) => m.includes(`secret.yaml' leaves ${dir}, the folder of the configured location`)),
    ).toBe(true);
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
});

import { waitFor } from '@trellis/test-kit';
import { mockCredentials, startTestBackend, TestBackend, TestDatabases } from '@trellis/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '.';

const databases = TestDatabases.create();

const component = (name: string, extra = '') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name} }
spec: { type: service, lifecycle: production, owner: platform }
${extra}`;

/** Entities that try to reach a prototype, or carry a NUL character somewhere, beside good ones. */
const POISONED = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: proto-key
  __proto__: { trellisPolluted: from-the-catalog }
spec: { type: service, lifecycle: production, owner: platform }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: nul-description, description: "before\\0after" }
spec: { type: service, lifecycle: production, owner: platform }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: nul-spec }
spec: { type: service, lifecycle: "prod\\0uction", owner: platform }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: nul-key }
spec: { type: service, lifecycle: production, owner: platform, "we\\0ird": 1 }
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: nul-target }
spec: { targets: ["./sub\0dir/*.yaml"] }
---
${component('still-good')}`;

type Answer = { status: number; body: any };

function client(backend: TestBackend) {
  return async (p: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await fetch(`${backend.baseUrl}/api/catalog${p}`, {
      ...init,
      headers: { authorization: mockCredentials.user.header(), 'content-type': 'application/json' },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const postRefs = (entityRefs: string[]): RequestInit => ({ method: 'POST', body: JSON.stringify({ entityRefs }) });

describe.each(databases.eachSupportedId())('catalog on %s with untrusted input', (databaseId) => {
  let dir: string;
  let backend: TestBackend;
  let get: ReturnType<typeof client>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-untrusted-'));
    fs.writeFileSync(path.join(dir, 'good.yaml'), component('good-service'));
    fs.writeFileSync(path.join(dir, 'poisoned.yaml'), POISONED);
    backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        backend: { database: await databases.backendConfig(databaseId) },
        catalog: { locations: [{ type: 'file', target: `${dir}/*.yaml` }] },
      },
    });
    get = client(backend);
    await waitFor(async () => (await get('/entities/by-ref/component:good-service')).status === 200, {
      what: 'the first refresh',
    });
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses field and filter paths through __proto__, constructor or prototype with 400, and no object gains a property', async () => {
    const queries = [
      'fields=metadata.__proto__.trellisPolluted',
      'fields=__proto__.trellisPolluted',
      'fields=constructor.prototype.trellisPolluted',
      'fields=kind,metadata.constructor',
      'fields=spec.prototype',
      'filter=__proto__=x',
      'filter=metadata.constructor.prototype=x',
      'filter=kind=component,spec.__proto__',
      `cursor=${cursor({ offset: 0, filter: [], orderField: ['metadata.__proto__.trellisPolluted,asc'] })}`,
      `cursor=${cursor({ offset: 0, filter: ['constructor.prototype=1'] })}`,
      'orderField=__proto__.x,asc',
      'fullTextFilterTerm=a&fullTextFilterFields=metadata.constructor',
    ];
    for (const query of queries) {
      const { status, body } = await get(`/entities/by-query?${query}`);
      expect({ query, status, name: body.error?.name }).toEqual({ query, status: 400, name: 'InputError' });
    }
    for (const route of [
      '/entities?fields=metadata.__proto__.trellisPolluted',
      '/entities?filter=constructor.prototype=x',
      '/entities?order=asc:__proto__',
      '/entity-facets?facet=metadata.__proto__',
      '/entity-facets?facet=kind&filter=prototype',
      '/entities/by-refs?filter=__proto__=1',
    ]) {
      const { status, body } = await get(route, route.includes('by-refs') ? postRefs(['component:a']) : undefined);
      expect({ route, status, name: body.error?.name }).toEqual({ route, status: 400, name: 'InputError' });
    }
    const byRefs = await get('/entities/by-refs', {
      method: 'POST',
      body: JSON.stringify({ entityRefs: ['component:proto-key'], fields: ['metadata.__proto__.trellisPolluted'] }),
    });
    expect(byRefs.status).toBe(400);
    expect(({} as Record<string, unknown>).trellisPolluted).toBeUndefined();
    expect(
      (await get('/entities/by-query?filter=kind=component&fields=metadata.name,metadata')).body.items[0].metadata
        .namespace,
    ).toBe('default');
  });

  it('keeps an entity with a __proto__ key out and lists it as an error', async () => {
    expect((await get('/entities/by-ref/component:proto-key')).status).toBe(404);
    const errors = (await get('/errors')).body.items as any[];
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          entityRef: 'component:default/proto-key',
          message: expect.stringContaining("'__proto__' is not allowed"),
        }),
      ]),
    );
  });

  it('refuses forged cursors that break the limits of a fresh query, whatever they hold', async () => {
    const conditions = (n: number) => Array.from({ length: n }, (_, i) => `metadata.name=n${i}`).join(',');
    const forged: Array<[string, unknown]> = [
      ['160 conditions in one filter', { offset: 0, filter: [conditions(160)] }],
      ['21 filters', { offset: 0, filter: Array(21).fill('kind=component') }],
      ['21 conditions in the second filter', { offset: 0, filter: [conditions(20), conditions(21)] }],
      ['a 300-character value', { offset: 0, filter: [`kind=${'a'.repeat(300)}`] }],
      ['a NUL in a value', { offset: 0, filter: ['kind=a\0b'] }],
      ['a NUL in the term', { offset: 0, filter: [], fullTextFilterTerm: 'a\0' }],
      ['a negative offset', { offset: -1, filter: [] }],
      ['an offset past any catalog', { offset: 1e12, filter: [] }],
      ['a fractional offset', { offset: 0.5, filter: [] }],
      ['6 order fields', { offset: 0, filter: [], orderField: Array(6).fill('kind,asc') }],
      ['an order that is no field', { offset: 0, filter: [], orderField: ['kind,sideways'] }],
      ['a filter that is no list', { offset: 0, filter: 5 }],
      ['the structured filter of older cursors', { offset: 0, filter: [[{ key: 'kind', value: 'x' }]] }],
      ['a cursor of the earlier keyset form', { after: 'component:default/a', filter: [] }],
      ['an extra key', { offset: 0, filter: [], limit: 100000 }],
      ['JSON that is a number', 12],
    ];
    for (const [name, value] of forged) {
      const { status, body } = await get(`/entities/by-query?cursor=${cursor(value)}`);
      expect({ name, status, error: body.error?.name }).toEqual({ name, status: 400, error: 'InputError' });
      expect(body.error.message).toContain("'cursor'");
    }
    for (const raw of ['!!!!', 'e30', '%00', 'A'.repeat(12_000)]) {
      expect({ raw: raw.slice(0, 10), status: (await get(`/entities/by-query?cursor=${raw}`)).status }).toEqual({
        raw: raw.slice(0, 10),
        status: 400,
      });
    }
    const first = await get('/entities/by-query?filter=kind=component&limit=1&fields=metadata.name');
    const next = await get(`/entities/by-query?cursor=${first.body.pageInfo.nextCursor}&limit=1&fields=metadata.name`);
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    expect(Object.keys(next.body.items[0])).toEqual(['metadata']);
  });

  it('refuses forged positions, huge pages and offsets on every list route with 400', async () => {
    const after = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const route of [
      `/entities?after=${after({ offset: -1 })}`,
      `/entities?after=${after({ offset: 1e12 })}`,
      `/entities?after=${after({ offset: 1, filter: [] })}`,
      `/entities?after=${after('x')}`,
      '/entities?after=%00',
      `/entities?after=${after({ offset: 1 })}&offset=1`,
      '/entities?limit=99999999999',
      '/entities?offset=-1',
      '/entities?offset=1e3',
      '/entities?limit=1&limit=2',
      '/entities?order=sideways:kind',
      '/entities?filter=kind=a%00b',
      '/entities?cursor=abc',
      '/entities/by-query?limit=1001',
      '/entities/by-query?offset=99999999999',
      '/entities/by-query?totalItems=maybe',
      '/entities/by-query?fullTextFilterFields=kind',
      `/entities/by-query?fullTextFilterTerm=${'a'.repeat(300)}`,
      '/entity-facets',
      `/entity-facets?${Array.from({ length: 21 }, (_, i) => `facet=f${i}`).join('&')}`,
    ]) {
      const { status, body } = await get(route);
      expect({ route, status, name: body.error?.name }).toEqual({ route, status: 400, name: 'InputError' });
    }
    const far = await get('/entities?offset=9999999&limit=5');
    expect({ status: far.status, body: far.body }).toEqual({ status: 200, body: [] });
  });

  it('refuses NUL characters in filter values and refs with 400, never 500', async () => {
    for (const query of ['filter=kind=a%00b', 'filter=metadata.name=%00', 'filter=kind=component,spec.type=x%00']) {
      const { status, body } = await get(`/entities/by-query?${query}`);
      expect({ query, status, message: body.error?.message }).toEqual({
        query,
        status: 400,
        message: expect.stringContaining('NUL'),
      });
    }
    const byRefs = await get('/entities/by-refs', {
      method: 'POST',
      body: JSON.stringify({ entityRefs: ['component:default/a\u0000b'] }),
    });
    expect(byRefs.status).toBe(400);
    for (const route of [
      '/entities/by-ref/component:good-service?__proto__=1',
      '/entities/by-name/component/default/good-service?x=%00',
      '/errors?constructor=1',
    ]) {
      expect({ route, status: (await get(route)).status }).toEqual({ route, status: 400 });
    }
  });

  it('refuses an entity with a NUL in any scalar or key on its own, listing it, and applies the rest', async () => {
    expect((await get('/entities/by-ref/component:still-good')).status).toBe(200);
    for (const name of ['nul-description', 'nul-spec', 'nul-key']) {
      expect({ name, status: (await get(`/entities/by-ref/component:${name}`)).status }).toEqual({ name, status: 404 });
    }
    const errors = ((await get('/errors')).body.items as any[]).filter((e) => e.location.endsWith('poisoned.yaml'));
    expect(errors.map((e) => [e.entityRef, e.message]).sort()).toEqual([
      [
        'component:default/nul-description',
        "'metadata.description' contains a NUL character, which the catalog cannot store",
      ],
      ['component:default/nul-key', "'spec.we\\0ird': a field name contains a NUL character"],
      ['component:default/nul-spec', "'spec.lifecycle' contains a NUL character, which the catalog cannot store"],
      ['component:default/proto-key', "'metadata.__proto__': '__proto__' is not allowed as a field name"],
      ['location:default/nul-target', "'spec.targets.0' contains a NUL character, which the catalog cannot store"],
    ]);
  });
});

describe('catalog files behind links, FIFOs and devices', () => {
  it('reads only regular files inside the configured folder and lists every other one as an error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-links-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-links-outside-'));
    fs.mkdirSync(path.join(dir, 'teams'));
    fs.writeFileSync(path.join(dir, 'teams', 'real.yaml'), component('real-one'));
    fs.writeFileSync(path.join(outside, 'secret.yaml'), component('outsider'));
    fs.mkdirSync(path.join(outside, 'more'));
    fs.writeFileSync(path.join(outside, 'more', 'deep.yaml'), component('deep-outsider'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'teams', 'zero.yaml'));
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'teams', 'secret.yaml'));
    fs.symlinkSync(path.join(outside, 'more'), path.join(dir, 'teams', 'linked-folder'));
    execFileSync('mkfifo', [path.join(dir, 'teams', 'pipe.yaml')]);
    execFileSync('mkfifo', [path.join(dir, 'single-pipe.yaml')]);
    const backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        catalog: {
          locations: [
            { type: 'file', target: `${dir}/teams/**/*.yaml` },
            { type: 'file', target: path.join(dir, 'single-pipe.yaml') },
          ],
        },
      },
    });
    const get = client(backend);
    try {
      await waitFor(async () => (await get('/errors')).body.items.length >= 4, {
        what: 'the refresh listing four refused files',
      });
      const names = ((await get('/entities/by-query')).body.items as any[]).map((e) => e.metadata.name);
      expect(names).toEqual(['real-one']);
      const errors = ((await get('/errors')).body.items as any[]).map(
        (e) => `${path.relative(dir, e.location.replace(/^file:/, ''))}: ${e.message.replace(`${dir}/`, '')}`,
      );
      expect(errors.sort()).toEqual([
        expect.stringMatching(/^single-pipe\.yaml: .*is a FIFO; only regular files are read$/),
        expect.stringMatching(/^teams\/pipe\.yaml: .*is a FIFO; only regular files are read$/),
        expect.stringMatching(/^teams\/secret\.yaml: .*leads outside .*teams, the folder of the configured location/),
        expect.stringMatching(/^teams\/zero\.yaml: .*leads outside .*teams, the folder of the configured location/),
      ]);
    } finally {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

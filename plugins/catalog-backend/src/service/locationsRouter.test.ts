import { CatalogClient } from '@backstage/catalog-client';
import { mockCredentials, startTestBackend, TestBackend, TestDatabases } from '@trellis/backend-test-utils';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '..';

const databases = TestDatabases.create();

const component = (name: string, owner = 'payments') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ${name} }\nspec: { type: service, lifecycle: production, owner: ${owner} }\n`;

/** A Git host stand-in: serves files with ETags, answers 304 to a matching If-None-Match, counts both. */
async function startGitHost(files: Record<string, string>) {
  const counts = { ok: 0, notModified: 0, missing: 0 };
  const server = http.createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) {
      counts.missing++;
      res.writeHead(404).end('not found');
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      counts.notModified++;
      res.writeHead(304, { etag }).end();
      return;
    }
    counts.ok++;
    res.writeHead(200, { etag, 'content-type': 'text/yaml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    counts,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within 20 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(databases.eachSupportedId())('locations API through @backstage/catalog-client, on %s', (databaseId) => {
  const files: Record<string, string> = {
    '/acme/payments/blob/main/catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: payments }\nspec: { targets: [./components.yaml, ./teams/payments.yaml] }\n`,
    '/acme/payments/blob/main/components.yaml': `${component('cart')}---\n${component('checkout')}`,
    '/acme/payments/blob/main/teams/payments.yaml':
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: payments }\nspec: { type: team, children: [] }\n',
    '/acme/search/blob/main/catalog-info.yaml': component('search', 'platform'),
  };
  let host: Awaited<ReturnType<typeof startGitHost>>;
  let backend: TestBackend;
  let client: CatalogClient;
  let dir: string;
  const url = (p: string) => `${host.origin}${p}`;
  const api = async (p: string, init: RequestInit = {}) => {
    const response = await fetch(`${backend.baseUrl}/api/catalog${p}`, {
      ...init,
      headers: { authorization: mockCredentials.user.header(), 'content-type': 'application/json' },
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };
  // GET /entities answers a plain array, as Backstage's does.
  const entityNames = async () =>
    ((await api('/entities?filter=kind=component&filter=kind=group')).body as any[]).map((e) => e.metadata.name).sort();
  /** Triggers a refresh; while a run is still going (409), waits for it to end and triggers again. */
  const refresh = async () => {
    let status = 0;
    await until('a refresh is triggered', async () => {
      const response = await fetch(
        `${backend.baseUrl}/api/catalog/.trellis/scheduler/tasks/catalog-locations-refresh/trigger`,
        {
          method: 'POST',
          headers: { authorization: mockCredentials.service.header({ subject: 'plugin:catalog-test' }) },
        },
      );
      status = response.status;
      return status !== 409;
    });
    expect(status).toBe(200);
  };

  beforeAll(async () => {
    host = await startGitHost(files);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-locations-'));
    fs.writeFileSync(path.join(dir, 'local.yaml'), component('local-tool', 'platform'));
    backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        backend: {
          database: await databases.backendConfig(databaseId),
          scheduler: { pollIntervalMs: 50 },
          reading: { allow: [{ host: host.host }] },
        },
        catalog: {
          locations: [{ type: 'file', target: path.join(dir, 'local.yaml') }],
          refresh: { frequency: { minutes: 30 }, timeout: { minutes: 1 } },
        },
      },
    });
    client = new CatalogClient({
      discoveryApi: { getBaseUrl: async () => `${backend.baseUrl}/api/catalog` },
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...(init?.headers as object), authorization: mockCredentials.user.header() },
          }),
      },
    });
    await until('the configured file location is read', async () => (await entityNames()).includes('local-tool'));
  });

  afterAll(async () => {
    await backend?.stop();
    await host?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers a URL location, reads what it points at, and finds it by id, ref and entity', async () => {
    const target = url('/acme/payments/blob/main/catalog-info.yaml');
    const added = await client.addLocation({ type: 'url', target });
    expect(added.location).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'url', target });
    expect(added.entities.map((e) => e.metadata.name).sort()).toEqual(['cart', 'checkout', 'payments', 'payments']);
    expect(await entityNames()).toEqual(['cart', 'checkout', 'local-tool', 'payments']);
    const cart = await client.getEntityByRef('component:default/cart');
    expect(cart?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${url('/acme/payments/blob/main/components.yaml')}`,
      'backstage.io/managed-by-origin-location': `url:${target}`,
    });
    expect(await client.getLocationById(added.location.id)).toEqual(added.location);
    expect(await client.getLocationByRef(`url:${target}`)).toEqual(added.location);
    expect(await client.getLocationByEntity('component:default/cart')).toEqual(added.location);
    // Ancestry follows the Location entity that named the URL, as it does for files.
    const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/cart' });
    expect(ancestry.items.map((item) => [item.entity.metadata.name, item.parentEntityRefs])).toEqual([
      ['cart', ['location:default/payments']],
      ['payments', []],
    ]);
    const all = await client.getLocations();
    expect(all.items).toEqual([
      { id: expect.any(String), type: 'file', target: path.join(dir, 'local.yaml') },
      added.location,
    ]);
    expect(host.counts).toMatchObject({ ok: 3, notModified: 0 });
  });

  it('refuses a location that exists with 409, and reads it again with onConflict=refresh', async () => {
    const target = url('/acme/payments/blob/main/catalog-info.yaml');
    await expect(client.addLocation({ type: 'url', target })).rejects.toMatchObject({
      response: { status: 409 },
    });
    const again = await client.addLocation({ type: 'url', target, onConflict: 'refresh' });
    expect(again.entities).toHaveLength(4);
  });

  it('reads unchanged URLs with their etags: 304s, no re-processing, entities kept; a changed file is read again', async () => {
    const before = { ...host.counts };
    const cart = await client.getEntityByRef('component:default/cart');
    await refresh();
    await until('three 304 answers', async () => host.counts.notModified >= before.notModified + 3);
    expect(host.counts.ok).toBe(before.ok);
    expect((await client.getEntityByRef('component:default/cart'))?.metadata.etag).toBe(cart?.metadata.etag);
    expect(await entityNames()).toEqual(['cart', 'checkout', 'local-tool', 'payments']);

    files['/acme/payments/blob/main/components.yaml'] = `${component('cart', 'platform')}`;
    const changed = { ...host.counts };
    await refresh();
    await until('the changed file is read', async () => !(await entityNames()).includes('checkout'));
    expect(host.counts.ok).toBe(changed.ok + 1);
    expect(host.counts.notModified).toBe(changed.notModified + 2);
    expect((await client.getEntityByRef('component:default/cart'))?.spec?.owner).toBe('platform');
  });

  it('refreshEntity of an entity read from a URL location reads the locations again', async () => {
    const before = host.counts.notModified;
    // POST /refresh ignores a trigger while a run is under way, so ask until a run follows.
    await until('the locations are read again', async () => {
      await client.refreshEntity('component:default/cart');
      return host.counts.notModified >= before + 3;
    });
  });

  it('lists the entities of a dry run without storing them', async () => {
    const target = url('/acme/search/blob/main/catalog-info.yaml');
    const dry = await client.addLocation({ type: 'url', target, dryRun: true });
    expect(dry.entities.map((e) => e.metadata.name)).toEqual(['search']);
    expect(dry.exists).toBe(false);
    expect(await client.getEntityByRef('component:default/search')).toBeUndefined();
    expect(await client.getLocationByRef(`url:${target}`)).toBeUndefined();
  });

  it('turns a host outside backend.reading.allow into a location error, and a dry run of it into a 400', async () => {
    const target = 'http://not-allowed.example/catalog-info.yaml';
    await expect(client.addLocation({ type: 'url', target, dryRun: true })).rejects.toMatchObject({
      response: { status: 400 },
    });
    const added = await client.addLocation({ type: 'url', target });
    expect(added.entities).toEqual([]);
    const errors = (await api('/errors')).body.items as { location: string; message: string }[];
    expect(errors.find((e) => e.location === `url:${target}`)?.message).toContain(target);
    await client.removeLocationById(added.location.id);
  });

  it('refuses bad input with 4xx: file locations, non-URLs, unknown parameters and ids', async () => {
    const post = (body: unknown, query = '') =>
      api(`/locations${query}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ type: 'file', target: '/etc/passwd' })).status).toBe(400);
    expect((await post({ type: 'url', target: 'not a url' })).status).toBe(400);
    expect((await post({ type: 'url', target: 'ftp://x/y.yaml' })).status).toBe(400);
    expect((await post({ target: url('/x'), extra: 1 })).status).toBe(400);
    expect((await post({ target: url('/x') }, '?dryRun=maybe')).status).toBe(400);
    expect((await api('/locations/not-a-uuid')).status).toBe(404);
    expect(await client.getLocationById('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    const configured = (await client.getLocations()).items.find((l) => l.type === 'file')!;
    expect((await api(`/locations/${configured.id}`, { method: 'DELETE' })).status).toBe(403);
  });

  it('removes a location and the entities read through it', async () => {
    const location = (await client.getLocationByRef(`url:${url('/acme/payments/blob/main/catalog-info.yaml')}`))!;
    await client.removeLocationById(location.id);
    expect(await client.getLocationById(location.id)).toBeUndefined();
    expect(await entityNames()).toEqual(['local-tool']);
  });
});

import { mockCredentials, startTestBackend, TestBackend, TestDatabases } from '@trellis/backend-test-utils';
import catalogPlugin from '@trellis/plugin-catalog-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import todoPlugin from '.';

const databases = TestDatabases.create();

// The real catalog runs beside the todo plugin; the todo plugin reaches it over HTTP only.
const catalogDir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-catalog-'));
fs.writeFileSync(
  path.join(catalogDir, 'catalog-info.yaml'),
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: trellis }\nspec: { type: service, lifecycle: production, owner: platform }\n',
);
const catalogConfig = { locations: [{ type: 'file', target: path.join(catalogDir, 'catalog-info.yaml') }] };
afterAll(() => fs.rmSync(catalogDir, { recursive: true, force: true }));

describe.each(databases.eachSupportedId())('todo plugin on %s', (databaseId) => {
  let backend: TestBackend;
  let api: (path: string, init?: RequestInit & { as?: string }) => Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [todoPlugin, catalogPlugin],
      config: { backend: { database: await databases.backendConfig(databaseId) }, catalog: catalogConfig },
    });
    for (let i = 0; i < 300; i++) {
      const probe = await fetch(`${backend.baseUrl}/api/catalog/entities/by-ref/component:trellis`, {
        headers: { authorization: mockCredentials.user.header() },
      });
      if (probe.status === 200) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    api = async (path, init = {}) => {
      const response = await fetch(`${backend.baseUrl}/api/todo${path}`, {
        ...init,
        headers: {
          'content-type': 'application/json',
          ...(init.as !== undefined
            ? { authorization: init.as }
            : { authorization: mockCredentials.user.header('user:default/jane') }),
          ...(init.headers as object),
        },
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
  });

  afterAll(() => backend?.stop());

  const post = (body: unknown) => api('/todos', { method: 'POST', body: JSON.stringify(body) });

  it('creates, reads, updates and deletes a todo', async () => {
    const created = await post({
      title: 'Write docs',
      description: 'the operator page',
      entityRef: 'component:default/trellis',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Write docs',
      status: 'open',
      entityRef: 'component:default/trellis',
      createdBy: 'user:default/jane',
      version: 1,
    });
    const id = created.body.id;
    expect((await api(`/todos/${id}`)).body).toEqual(created.body);
    const updated = await api(`/todos/${id}`, { method: 'PUT', body: JSON.stringify({ status: 'done', version: 1 }) });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ status: 'done', version: 2, title: 'Write docs' });
    expect((await api(`/todos/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/todos/${id}`)).status).toBe(404);
    expect((await api(`/todos/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses an entityRef the catalog does not have with a 400 naming it, on create and update', async () => {
    const created = await post({ title: 'Orphan', entityRef: 'component:default/nowhere' });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain(
      "'entityRef' component:default/nowhere is not an entity of the catalog",
    );
    const { body } = await post({ title: 'Fine' });
    const updated = await api(`/todos/${body.id}`, {
      method: 'PUT',
      body: JSON.stringify({ entityRef: 'group:default/ghosts', version: 1 }),
    });
    expect(updated.status).toBe(400);
    expect(updated.body.error.message).toContain('group:default/ghosts');
    expect((await api(`/todos/${body.id}`)).body.entityRef).toBeNull();
  });

  it('answers a stale version with 409 instead of losing an update', async () => {
    const { body } = await post({ title: 'Shared' });
    const first = await api(`/todos/${body.id}`, { method: 'PUT', body: JSON.stringify({ title: 'A', version: 1 }) });
    const second = await api(`/todos/${body.id}`, { method: 'PUT', body: JSON.stringify({ title: 'B', version: 1 }) });
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body.error.name).toBe('ConflictError');
    expect((await api(`/todos/${body.id}`)).body.title).toBe('A');
  });

  it('lets exactly one of many concurrent updates of one version win', async () => {
    const { body } = await post({ title: 'Race' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api(`/todos/${body.id}`, { method: 'PUT', body: JSON.stringify({ title: `T${i}`, version: 1 }) }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    expect((await api(`/todos/${body.id}`)).body.version).toBe(2);
  });

  it.each([
    [{}, "'title'"],
    [{ title: '' }, "'title'"],
    [{ title: 'x'.repeat(513) }, "'title'"],
    [{ title: 42 }, "'title'"],
    [{ title: 'ok', status: 'someday' }, "'status'"],
    [{ title: 'ok', entityRef: 'not a ref' }, "'entityRef' must look like kind:namespace/name"],
    [{ title: 'ok', owner: 'me' }, "unknown field(s) 'owner'"],
    [[1, 2], 'expected object'],
  ])('refuses body #%# with a 400 naming %s', async (body, naming) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toContain(naming);
  });

  it.each([
    [{ title: 'a\u0000b' }, "'title' must not contain NUL characters"],
    [{ title: '\u0000' }, "'title'"],
    [{ title: 'ok', description: 'before\u0000after' }, "'description' must not contain NUL characters"],
    [{ title: 'ok', entityRef: 'component:default/a\u0000b' }, "'entityRef'"],
  ])('refuses NUL characters in body #%# with a 400 naming %s, on every database', async (body, naming) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(naming);
  });

  it.each([2_147_483_647, 2_147_483_648, 4_294_967_296, 9_007_199_254_740_993, 1e308, 0, -1, 1.5])(
    'refuses version %p, outside the version column, with a 400 rather than a database error',
    async (version) => {
      const { body } = await post({ title: `Versioned ${version}` });
      const response = await api(`/todos/${body.id}`, { method: 'PUT', body: JSON.stringify({ title: 'x', version }) });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain("'version'");
      expect((await api(`/todos/${body.id}`)).body.version).toBe(1);
    },
  );

  it('refuses to record a creator name longer than its column with a 400, not a database error', async () => {
    const response = await api('/todos', {
      method: 'POST',
      body: JSON.stringify({ title: 'Long name' }),
      as: mockCredentials.user.header(`user:default/${'n'.repeat(300)}`),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('over 255 characters');
  });

  it('refuses forged and garbage cursors with 400, never 500', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const id = crypto.randomUUID();
    const cursors = [
      forged({ c: '2026-01-01T00:00:00.000Z\u0000', i: id }),
      forged({ c: '2026-01-01T00:00:00.000Z', i: `${id}\u0000` }),
      forged({ c: 2 ** 62, i: id }),
      forged({ c: '2026-01-01T00:00:00.000Z', i: 12 }),
      forged({ c: 'x'.repeat(300), i: id }),
      forged({ c: '2026-01-01T00:00:00.000Z', i: id, extra: 1 }),
      forged([1, 2]),
      forged(null),
      '%00',
      'bm90IGpzb24',
      '____',
      encodeURIComponent('a+b/c=='),
    ];
    for (const cursor of cursors) {
      const response = await api(`/todos?cursor=${cursor}`);
      expect({ cursor, status: response.status }).toEqual({ cursor, status: 400 });
      expect(response.body.error.message).toContain("'cursor'");
    }
  });

  it('refuses bad ids, limits, cursors and statuses with 400', async () => {
    expect((await api('/todos/not-a-uuid')).body.error.message).toContain('Invalid id');
    expect((await api('/todos?limit=101')).status).toBe(400);
    expect((await api('/todos?limit=0')).status).toBe(400);
    expect((await api('/todos?cursor=garbage')).body.error.message).toContain("'cursor'");
    expect((await api('/todos?status=lost')).status).toBe(400);
    expect(
      (await api(`/todos/${crypto.randomUUID()}`, { method: 'PUT', body: JSON.stringify({ title: 'x' }) })).body.error
        .message,
    ).toContain("'version'");
  });

  it('pages through every todo with a cursor and filters by status', async () => {
    const titles = Array.from({ length: 7 }, (_, i) => `page-${i}`);
    for (const title of titles) {
      await post({ title, status: title.endsWith('3') ? 'in_progress' : 'open' });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(`/todos?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((t: { title: string }) => t.title));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((t) => t.startsWith('page-'))).toEqual(titles);
    expect(new Set(seen).size).toBe(seen.length);
    const inProgress = await api('/todos?status=in_progress&limit=100');
    expect(inProgress.body.items.map((t: { title: string }) => t.title)).toContain('page-3');
    expect(inProgress.body.items.every((t: { status: string }) => t.status === 'in_progress')).toBe(true);
  });

  it('requires credentials and records service callers', async () => {
    expect((await api('/todos', { as: '' })).status).toBe(401);
    expect((await api('/todos', { as: mockCredentials.invalid.header() })).status).toBe(401);
    const byService = await api('/todos', {
      method: 'POST',
      body: JSON.stringify({ title: 'from a service' }),
      as: mockCredentials.service.header({ subject: 'plugin:catalog' }),
    });
    expect(byService.status).toBe(201);
    expect(byService.body.createdBy).toBe('plugin:catalog');
  });
});

describe('todo plugin without a reachable catalog', () => {
  it('answers 503 for a todo with an entityRef, never storing an unchecked ref, and still takes todos without one', async () => {
    const backend = await startTestBackend({
      features: [todoPlugin],
      config: { discovery: { endpoints: [{ target: 'http://127.0.0.1:9/api/{{pluginId}}', plugins: ['catalog'] }] } },
    });
    const post = (body: unknown) =>
      fetch(`${backend.baseUrl}/api/todo/todos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: mockCredentials.user.header() },
        body: JSON.stringify(body),
      });
    const refused = await post({ title: 'Ref', entityRef: 'component:default/trellis' });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as any).error.message).toContain(
      "Could not check entityRef 'component:default/trellis' with the catalog",
    );
    expect((await post({ title: 'No ref' })).status).toBe(201);
    const list = await fetch(`${backend.baseUrl}/api/todo/todos`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    expect(((await list.json()) as any).items.map((t: { title: string }) => t.title)).toEqual(['No ref']);
    await backend.stop();
  });

  it('answers 503, not "no such entity", when discovery names a backend that does not host the catalog', async () => {
    const elsewhere = await startTestBackend({ features: [import('@trellis/plugin-example-backend')] });
    const backend = await startTestBackend({
      features: [todoPlugin],
      config: { discovery: { endpoints: [{ target: `${elsewhere.baseUrl}/api/{{pluginId}}`, plugins: ['catalog'] }] } },
    });
    const created = await fetch(`${backend.baseUrl}/api/todo/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: mockCredentials.user.header() },
      body: JSON.stringify({ title: 'Ref', entityRef: 'component:default/trellis' }),
    });
    expect(created.status).toBe(503);
    expect(((await created.json()) as any).error.message).toContain('No route for POST /api/catalog/entities/by-refs');
    await backend.stop();
    await elsewhere.stop();
  });

  it('skips the check when todo.checkEntityRefs is false', async () => {
    const backend = await startTestBackend({ features: [todoPlugin], config: { todo: { checkEntityRefs: false } } });
    const created = await fetch(`${backend.baseUrl}/api/todo/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: mockCredentials.user.header() },
      body: JSON.stringify({ title: 'Ref', entityRef: 'component:default/anything' }),
    });
    expect(created.status).toBe(201);
    await backend.stop();
  });
});

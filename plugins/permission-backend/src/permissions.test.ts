import { mockCredentials, startTestBackend, TestBackend, TestDatabases } from '@trellis/backend-test-utils';
import { userInfoServiceFactory } from '@trellis/backend-defaults';
import { coreServices, createBackendModule, createBackendPlugin } from '@trellis/backend-plugin-api';
import catalogPlugin from '@trellis/plugin-catalog-backend';
import { PolicyDecision } from '@trellis/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser, policyExtensionPoint } from '@trellis/plugin-permission-node';
import todoPlugin from '@trellis/plugin-todo-backend';
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExamplePermissionPolicy } from './examplePolicy';
import permissionPlugin from '.';

const databases = TestDatabases.create();

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ada }
spec: { memberOf: [payments] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [] }
`;
const catalogDir = fs.mkdtempSync(path.join(os.tmpdir(), 'permission-catalog-'));
fs.writeFileSync(path.join(catalogDir, 'org.yaml'), ORG);
afterAll(() => fs.rmSync(catalogDir, { recursive: true, force: true }));
const catalogConfig = { locations: [{ type: 'file', target: path.join(catalogDir, 'org.yaml') }] };

const JANE = 'user:default/jane';
const ADA = 'user:default/ada';
const BOB = 'user:default/bob';

/**
 * The example policy, plus conditional reads (authors and owners only), so that list filtering is
 * exercised too.
 */
class ReadConditionalPolicy implements PermissionPolicy {
  readonly #example = new ExamplePermissionPolicy();

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (request.permission.name === 'todo.read' && user) {
      return this.#example.handle({ permission: { ...request.permission, name: 'todo.update' } }, user);
    }
    return this.#example.handle(request, user);
  }
}

const readConditionalPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ReadConditionalPolicy());
      },
    });
  },
});

/** Shows what the user info service says about the caller. */
const whoamiPlugin = createBackendPlugin({
  pluginId: 'whoami',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, userInfo: coreServices.userInfo },
      async init({ httpRouter, httpAuth, userInfo }) {
        const router = express.Router();
        router.get('/me', async (req, res) => {
          res.json(await userInfo.getUserInfo(await httpAuth.credentials(req)));
        });
        httpRouter.use(router);
      },
    });
  },
});

async function waitForCatalog(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const probe = await fetch(`${baseUrl}/api/catalog/entities/by-name/user/default/ada`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    if (probe.status === 200) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The catalog did not serve user ada within 60 s');
}

type Answer = { status: number; body: any };

describe.each(databases.eachSupportedId())('permissions with the todo plugin on %s', (databaseId) => {
  let backend: TestBackend;

  const call = async (url: string, init: RequestInit & { as?: string } = {}): Promise<Answer> => {
    const response = await fetch(`${backend.baseUrl}${url}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.as === undefined ? {} : { authorization: init.as }),
      },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const as = (user: string) => mockCredentials.user.header(user);
  const createTodo = async (user: string, body: object) => {
    const created = await call('/api/todo/todos', { method: 'POST', as: as(user), body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    return created.body;
  };
  const authorize = (items: unknown[], user?: string) =>
    call('/api/permission/authorize', {
      method: 'POST',
      body: JSON.stringify({ items }),
      ...(user ? { as: as(user) } : {}),
    });
  const todoUpdate = {
    type: 'resource',
    name: 'todo.update',
    attributes: { action: 'update' },
    resourceType: 'todo-item',
  };
  const todoRead = { type: 'resource', name: 'todo.read', attributes: { action: 'read' }, resourceType: 'todo-item' };

  beforeAll(async () => {
    backend = await startTestBackend({
      // The real user info: membership comes from the catalog.
      features: [
        permissionPlugin,
        readConditionalPolicyModule,
        todoPlugin,
        catalogPlugin,
        whoamiPlugin,
        userInfoServiceFactory,
      ],
      config: {
        backend: { database: await databases.backendConfig(databaseId) },
        catalog: catalogConfig,
        todo: { checkEntityRefs: false },
        permission: { enabled: true },
      },
    });
    await waitForCatalog(backend.baseUrl);
  });

  afterAll(() => backend?.stop());

  it('lets only the author change a todo', async () => {
    const todo = await createTodo(JANE, { title: 'Jane writes' });
    const update = (user: string) =>
      call(`/api/todo/todos/${todo.id}`, {
        method: 'PUT',
        as: as(user),
        body: JSON.stringify({ title: 'changed', version: 1 }),
      });
    expect((await update(BOB)).status).toBe(404);
    expect((await update(JANE)).status).toBe(200);
    expect((await call(`/api/todo/todos/${todo.id}`, { method: 'DELETE', as: as(BOB) })).status).toBe(404);
    expect((await call(`/api/todo/todos/${todo.id}`, { method: 'DELETE', as: as(JANE) })).status).toBe(204);
  });

  it('lets members of the group a todo is about change it, with membership from the catalog', async () => {
    const todo = await createTodo(JANE, { title: 'For payments', entityRef: 'group:default/payments' });
    const update = (user: string) =>
      call(`/api/todo/todos/${todo.id}`, {
        method: 'PUT',
        as: as(user),
        body: JSON.stringify({ status: 'done', version: 1 }),
      });
    expect((await update(BOB)).status).toBe(404);
    const byAda = await update(ADA);
    expect(byAda.status).toBe(200);
    expect(byAda.body.status).toBe('done');
  });

  it('filters lists in the database by the conditions of the read permission', async () => {
    const janes = await createTodo(JANE, { title: 'list: jane' });
    const adas = await createTodo(ADA, { title: 'list: ada' });
    const payments = await createTodo(JANE, { title: 'list: payments', entityRef: 'group:default/payments' });
    const ids = async (user: string) => {
      const page = await call('/api/todo/todos?limit=100', { as: as(user) });
      expect(page.status).toBe(200);
      return page.body.items.map((t: { id: string }) => t.id);
    };
    const seenByAda = await ids(ADA);
    expect(seenByAda).toEqual(expect.arrayContaining([adas.id, payments.id]));
    expect(seenByAda).not.toContain(janes.id);
    const seenByBob = await ids(BOB);
    expect(seenByBob).not.toEqual(expect.arrayContaining([janes.id]));
    expect(seenByBob).toHaveLength(0);
  });

  it('answers 403 to a caller who may read a todo but not change it', async () => {
    const todo = await createTodo(JANE, { title: 'read only' });
    // A service whose token names only the read permission.
    const reader = mockCredentials.service.header({
      accessRestrictions: { permissionNames: ['todo.read'] },
    });
    expect((await call(`/api/todo/todos/${todo.id}`, { as: reader })).status).toBe(200);
    const put = await call(`/api/todo/todos/${todo.id}`, {
      method: 'PUT',
      as: reader,
      body: JSON.stringify({ title: 'x', version: 1 }),
    });
    expect(put.status).toBe(403);
    expect(put.body.error.name).toBe('NotAllowedError');
  });

  it('decides a resource permission about one todo through the todo plugin', async () => {
    const todo = await createTodo(JANE, { title: 'decide me' });
    const items = [{ id: 'a', permission: todoUpdate, resourceRef: todo.id }];
    expect((await authorize(items, JANE)).body).toEqual({ items: [{ id: 'a', result: 'ALLOW' }] });
    expect((await authorize(items, BOB)).body).toEqual({ items: [{ id: 'a', result: 'DENY' }] });
    const missing = [{ id: 'b', permission: todoUpdate, resourceRef: '00000000-0000-4000-8000-000000000000' }];
    expect((await authorize(missing, JANE)).body).toEqual({ items: [{ id: 'b', result: 'DENY' }] });
  });

  it('answers conditions for a resource permission without a resource', async () => {
    const answer = await authorize([{ id: 'q', permission: todoRead }], ADA);
    expect(answer.status).toBe(200);
    expect(answer.body.items[0]).toEqual({
      id: 'q',
      result: 'CONDITIONAL',
      pluginId: 'todo',
      resourceType: 'todo-item',
      conditions: {
        anyOf: [
          { resourceType: 'todo-item', rule: 'IS_AUTHOR', params: { userEntityRef: ADA } },
          {
            resourceType: 'todo-item',
            rule: 'HAS_ENTITY_REF',
            params: { entityRefs: [ADA, 'group:default/payments'] },
          },
        ],
      },
    });
  });

  it('asks the policy about callers without credentials', async () => {
    const answer = await authorize([{ id: 'n', permission: todoRead }]);
    expect(answer.body).toEqual({ items: [{ id: 'n', result: 'DENY' }] });
  });

  it('holds services to the permissions and actions their token names', async () => {
    const items = [
      { id: 'r', permission: todoRead },
      { id: 'u', permission: todoUpdate },
    ];
    const byName = await call('/api/permission/authorize', {
      method: 'POST',
      as: mockCredentials.service.header({ accessRestrictions: { permissionNames: ['todo.read'] } }),
      body: JSON.stringify({ items }),
    });
    expect(byName.body.items.map((i: { result: string }) => i.result)).toEqual(['ALLOW', 'DENY']);
    const byAction = await call('/api/permission/authorize', {
      method: 'POST',
      as: mockCredentials.service.header({ accessRestrictions: { permissionAttributes: { action: ['update'] } } }),
      body: JSON.stringify({ items }),
    });
    expect(byAction.body.items.map((i: { result: string }) => i.result)).toEqual(['DENY', 'ALLOW']);
    const unrestricted = await call('/api/permission/authorize', {
      method: 'POST',
      as: mockCredentials.service.header(),
      body: JSON.stringify({ items }),
    });
    expect(unrestricted.body.items.map((i: { result: string }) => i.result)).toEqual(['ALLOW', 'ALLOW']);
  });

  it.each([
    ['an unknown permission', { items: [{ id: '1', permission: { ...todoRead, name: 'todo.fly' } }] }],
    ['a permission of the wrong type', { items: [{ id: '1', permission: { ...todoRead, resourceType: 'x' } }] }],
    ['no items', { items: [] }],
    ['a missing id', { items: [{ permission: todoRead }] }],
    [
      'a duplicate id',
      {
        items: [
          { id: '1', permission: todoRead },
          { id: '1', permission: todoRead },
        ],
      },
    ],
    ['a bad action', { items: [{ id: '1', permission: { ...todoRead, attributes: { action: 'fly' } } }] }],
    [
      'a resourceRef on a basic permission',
      { items: [{ id: '1', permission: { type: 'basic', name: 'todo.create', attributes: {} }, resourceRef: 'x' }] },
    ],
    ['a prototype key', JSON.parse('{"items":[{"id":"1","permission":{"__proto__":{"x":1}}}]}')],
  ])('refuses %s with 400', async (_label, body) => {
    const answer = await call('/api/permission/authorize', {
      method: 'POST',
      as: as(JANE),
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.name).toBe('InputError');
  });

  it('serves the todo plugin metadata with the JSON Schema of each rule', async () => {
    const metadata = await call('/api/todo/.well-known/backstage/permissions/metadata', { as: as(JANE) });
    expect(metadata.status).toBe(200);
    expect(metadata.body.permissions.map((p: { name: string }) => p.name).sort()).toEqual([
      'todo.create',
      'todo.delete',
      'todo.read',
      'todo.update',
    ]);
    const isAuthor = metadata.body.rules.find((r: { name: string }) => r.name === 'IS_AUTHOR');
    expect(isAuthor).toMatchObject({
      resourceType: 'todo-item',
      paramsSchema: { type: 'object', properties: { userEntityRef: { type: 'string' } } },
    });
  });

  it('applies conditions for services only, and refuses unknown rules and bad params', async () => {
    const url = '/api/todo/.well-known/backstage/permissions/apply-conditions';
    const item = (conditions: object) => ({
      items: [{ id: '1', resourceRef: '00000000-0000-4000-8000-000000000000', resourceType: 'todo-item', conditions }],
    });
    const good = item({ resourceType: 'todo-item', rule: 'IS_AUTHOR', params: { userEntityRef: JANE } });
    const asUser = await call(url, { method: 'POST', as: as(JANE), body: JSON.stringify(good) });
    expect(asUser.status).toBe(403);
    const service = mockCredentials.service.header();
    expect((await call(url, { method: 'POST', as: service, body: JSON.stringify(good) })).body).toEqual({
      items: [{ id: '1', result: 'DENY' }],
    });
    const unknownRule = item({ resourceType: 'todo-item', rule: 'IS_NICE' });
    expect((await call(url, { method: 'POST', as: service, body: JSON.stringify(unknownRule) })).status).toBe(400);
    const badParams = item({ resourceType: 'todo-item', rule: 'IS_AUTHOR', params: { userEntityRef: 42 } });
    expect((await call(url, { method: 'POST', as: service, body: JSON.stringify(badParams) })).status).toBe(400);
  });

  it('reads user info from the catalog: the user and the groups they are a member of', async () => {
    expect((await call('/api/whoami/me', { as: as(ADA) })).body).toEqual({
      userEntityRef: ADA,
      ownershipEntityRefs: [ADA, 'group:default/payments'],
    });
    expect((await call('/api/whoami/me', { as: as('user:default/nobody') })).body).toEqual({
      userEntityRef: 'user:default/nobody',
      ownershipEntityRefs: ['user:default/nobody'],
    });
    expect((await call('/api/whoami/me', { as: mockCredentials.service.header() })).status).toBe(400);
  });
});

describe('the permission plugin', () => {
  it('refuses to start with permissions enabled and no policy module', async () => {
    await expect(
      startTestBackend({ features: [permissionPlugin], config: { permission: { enabled: true } } }),
    ).rejects.toThrow(/no module set a permission policy/);
  });

  it('allows everything while permissions are disabled, even with a policy', async () => {
    const backend = await startTestBackend({
      features: [permissionPlugin, readConditionalPolicyModule, todoPlugin],
      config: { todo: { checkEntityRefs: false } },
    });
    const created = await fetch(`${backend.baseUrl}/api/todo/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: mockCredentials.user.header(JANE) },
      body: JSON.stringify({ title: 'mine' }),
    });
    const todo = (await created.json()) as { id: string };
    const put = await fetch(`${backend.baseUrl}/api/todo/todos/${todo.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: mockCredentials.user.header(BOB) },
      body: JSON.stringify({ title: 'changed by bob', version: 1 }),
    });
    expect(put.status).toBe(200);
    await backend.stop();
  });
});

import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend } from '@trellis/backend-test-utils';
import { InputError } from '@trellis/errors';
import { catalogServiceRef } from '@trellis/plugin-catalog-node';
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '.';

// A plugin that uses the catalog through its client, as any plugin would: the calls go over
// HTTP to the real catalog with a token minted for it on behalf of the caller.
const caller = createBackendPlugin({
  pluginId: 'caller',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, catalog: catalogServiceRef },
      async init({ httpRouter, httpAuth, catalog }) {
        const router = express.Router();
        router.post('/call', async (req, res) => {
          const credentials = await httpAuth.credentials(req, { allow: ['user'] });
          const { method, args } = req.body as {
            method: 'getEntities' | 'queryEntities' | 'getEntityByRef' | 'getEntitiesByRefs';
            args: any[];
          };
          try {
            res.json({ result: (await (catalog[method] as any)(...args, { credentials })) ?? null });
          } catch (error: any) {
            res.json({
              error: {
                name: error.name,
                isInputError: error instanceof InputError,
                statusCode: error.cause?.statusCode,
                message: error.message,
              },
            });
          }
        });
        httpRouter.use(router);
      },
    });
  },
});

describe('CatalogClient', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-client-'));
  const component = (name: string, type: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ${name} }\nspec: { type: ${type}, lifecycle: production, owner: platform }\n`;
  fs.writeFileSync(
    path.join(dir, 'a.yaml'),
    [component('alpha', 'service'), component('beta', 'service'), component('gamma', 'website')].join('---\n'),
  );
  let baseUrl: string;
  const call = async (method: string, ...args: unknown[]): Promise<any> => {
    const response = await fetch(`${baseUrl}/api/caller/call`, {
      method: 'POST',
      headers: { authorization: mockCredentials.user.header(), 'content-type': 'application/json' },
      body: JSON.stringify({ method, args }),
    });
    return response.json();
  };

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [catalogPlugin, caller],
      config: { catalog: { locations: [{ type: 'file', target: path.join(dir, '*.yaml') }] } },
    });
    baseUrl = backend.baseUrl;
    for (let i = 0; i < 300 && (await call('getEntityByRef', 'component:alpha')).result === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads an entity by ref, and undefined for one that is not there', async () => {
    expect((await call('getEntityByRef', 'component:default/alpha')).result.metadata.name).toBe('alpha');
    expect(
      (await call('getEntityByRef', { kind: 'Component', namespace: 'default', name: 'beta' })).result.metadata.name,
    ).toBe('beta');
    expect((await call('getEntityByRef', 'component:default/none')).result).toBeNull();
  });

  it('lists with filters (a repeated value is an alternative), fields and order', async () => {
    const { result } = await call('getEntities', {
      filter: { kind: 'component', 'spec.type': ['website', 'service'] },
      fields: ['metadata.name'],
      order: { field: 'metadata.name', order: 'desc' },
      offset: 1,
    });
    expect(result.items).toEqual([{ metadata: { name: 'beta' } }, { metadata: { name: 'alpha' } }]);
    const any = (
      await call('getEntities', {
        filter: [{ 'spec.type': 'website' }, { 'metadata.name': 'beta' }],
        fields: ['metadata.name'],
      })
    ).result;
    expect(any.items.map((e: any) => e.metadata.name)).toEqual(['beta', 'gamma']);
  });

  it('queries pages with cursors both ways', async () => {
    const first = (
      await call('queryEntities', {
        filter: { kind: 'component', 'spec.type': 'service' },
        fields: ['metadata.name'],
        limit: 1,
      })
    ).result;
    expect(first).toMatchObject({ items: [{ metadata: { name: 'alpha' } }], totalItems: 2 });
    const second = (
      await call('queryEntities', { cursor: first.pageInfo.nextCursor, fields: ['metadata.name'], limit: 1 })
    ).result;
    expect(second.items).toEqual([{ metadata: { name: 'beta' } }]);
    expect(second.pageInfo.nextCursor).toBeUndefined();
    const back = (
      await call('queryEntities', { cursor: second.pageInfo.prevCursor, fields: ['metadata.name'], limit: 1 })
    ).result;
    expect(back.items).toEqual([{ metadata: { name: 'alpha' } }]);
  });

  it('reads many refs at once', async () => {
    const { result } = await call('getEntitiesByRefs', {
      entityRefs: ['component:gamma', 'component:nope', 'component:alpha'],
      fields: ['kind'],
      filter: { 'spec.type': 'website' },
    });
    expect(result.items).toEqual([{ kind: 'Component' }, null, null]);
  });

  it("throws the catalog's error responses as the same error class, with the response as cause", async () => {
    const { error } = await call('queryEntities', { limit: 100000 });
    expect(error).toMatchObject({ name: 'InputError', isInputError: true, statusCode: 400 });
    expect(error.message).toContain("'limit'");
  });
});

import {
  findUnexpectedAnswers,
  HostileRoute,
  mockCredentials,
  sendHostileRequests,
  startTestBackend,
  TestDatabases,
} from '@trellis/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '.';

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())('catalog plugin on %s under hostile input', (databaseId) => {
  it('refuses every malformed request with a 4xx in the standard shape and keeps its entities', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-hostile-'));
    fs.writeFileSync(
      path.join(dir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: keep-me }\nspec: { type: team, children: [] }\n',
    );
    const backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        backend: {
          database: await databases.backendConfig(databaseId),
          http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, bodyLimit: '64kb' },
        },
        catalog: { locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }] },
      },
    });
    const user = { authorization: mockCredentials.user.header() };
    const probe = () => fetch(`${backend.baseUrl}/api/catalog/entities/by-ref/group:keep-me`, { headers: user });
    const deadline = Date.now() + 20_000;
    while ((await probe()).status !== 200) {
      if (Date.now() > deadline) {
        throw new Error('the catalog did not read its file within 20 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cursor = Buffer.from(JSON.stringify({ offset: 1, filter: ['kind=group'] })).toString('base64url');
    const after = Buffer.from(JSON.stringify({ offset: 1 })).toString('base64url');
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'x' }, spec: {} };
    const routes: HostileRoute[] = [
      {
        method: 'GET',
        path: '/api/catalog/entities',
        query: { filter: 'kind=group', fields: 'metadata.name', order: 'asc:metadata.name', limit: '10', after },
      },
      {
        method: 'GET',
        path: '/api/catalog/entities/by-query',
        query: { fields: 'metadata.name', limit: '10', cursor },
      },
      {
        method: 'GET',
        path: '/api/catalog/entities/by-query',
        // Not fullTextFilterTerm: any text is a valid term, `__proto__` too, and gets a 200.
        query: { filter: 'kind=group', orderField: 'metadata.name,desc', offset: '0' },
      },
      { method: 'GET', path: '/api/catalog/entity-facets', query: { facet: 'kind', filter: 'kind=group' } },
      { method: 'GET', path: '/api/catalog/entities/by-name/group/default/keep-me/ancestry' },
      { method: 'DELETE', path: '/api/catalog/entities/by-uid/00000000-0000-4000-8000-000000000000' },
      { method: 'POST', path: '/api/catalog/refresh', json: true, body: { entityRef: 'group:default/keep-me' } },
      {
        method: 'POST',
        path: '/api/catalog/validate-entity',
        json: true,
        body: { entity, location: 'url:https://example.com/a.yaml' },
      },
      { method: 'GET', path: '/api/catalog/entities/by-ref/group:default%2Fkeep-me' },
      { method: 'GET', path: '/api/catalog/entities/by-name/group/default/keep-me' },
      {
        method: 'POST',
        path: '/api/catalog/entities/by-refs',
        json: true,
        body: { entityRefs: ['group:keep-me'], fields: ['kind'] },
      },
      { method: 'GET', path: '/api/catalog/errors', query: { limit: '10' } },
    ];
    let sent = 0;
    for (const headers of [{}, user]) {
      const results = await sendHostileRequests({
        baseUrl: backend.baseUrl,
        routes,
        headers,
        bodyLimitBytes: 64 * 1024,
      });
      expect(findUnexpectedAnswers(results)).toEqual([]);
      sent += results.length;
    }
    expect(sent).toBeGreaterThan(500);
    const forged = (filter: string[]) => Buffer.from(JSON.stringify({ offset: 0, filter })).toString('base64url');
    const conditions = Array.from({ length: 160 }, (_, i) => `metadata.name=n${i}`).join(',');
    for (const query of [
      'filter[a]=b',
      'fields[x]=1',
      'limit=1&limit=2',
      `cursor=${'A'.repeat(5000)}`,
      'filter=kind=a,kind=b,kind=c,kind=d,kind=e,kind=f,kind=g,kind=h,kind=i,kind=j,kind=k,kind=l,kind=m,kind=n,kind=o,kind=p,kind=q,kind=r,kind=s,kind=t,kind=u',
      `cursor=${forged([conditions])}`,
      `cursor=${forged(Array(100).fill('kind=group'))}`,
      `cursor=${forged(['kind=gr\0oup'])}`,
      'fields=metadata.__proto__.x',
      'filter=constructor.prototype.x=1',
    ]) {
      const response = await fetch(`${backend.baseUrl}/api/catalog/entities/by-query?${query}`, { headers: user });
      expect({ query: query.slice(0, 80), status: response.status }).toEqual({
        query: query.slice(0, 80),
        status: 400,
      });
    }
    for (const query of [
      'filter[a]=b',
      'order=asc:metadata.__proto__',
      'limit=1&limit=2',
      `after=${'A'.repeat(5000)}`,
      `after=${forged(['kind=group'])}`,
      'offset=18446744073709551616',
      'limit=-1',
      'filter=kind=gr%00oup',
      'fields=metadata.__proto__.x',
    ]) {
      const response = await fetch(`${backend.baseUrl}/api/catalog/entities?${query}`, { headers: user });
      expect({ query: query.slice(0, 80), status: response.status }).toEqual({
        query: query.slice(0, 80),
        status: 400,
      });
    }
    expect((await probe()).status).toBe(200);
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

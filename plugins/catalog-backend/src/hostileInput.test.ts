import {
  findUnexpectedAnswers,
  HostileRoute,
  mockCredentials,
  sendHostileRequests,
  startTestBackend,
} from '@trellis/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '.';

describe('catalog plugin under hostile input', () => {
  it('refuses every malformed request with a 4xx in the standard shape and keeps its entities', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-hostile-'));
    fs.writeFileSync(
      path.join(dir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: keep-me }\nspec: { type: team, children: [] }\n',
    );
    const backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        backend: { http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, bodyLimit: '64kb' } },
        catalog: { locations: [{ type: 'file', target: path.join(dir, 'catalog-info.yaml') }] },
      },
    });
    const user = { authorization: mockCredentials.user.header() };
    const probe = () => fetch(`${backend.baseUrl}/api/catalog/entities/by-ref/group:keep-me`, { headers: user });
    for (let i = 0; i < 200 && (await probe()).status !== 200; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    const routes: HostileRoute[] = [
      { method: 'GET', path: '/api/catalog/entities' },
      { method: 'GET', path: '/api/catalog/entities/by-ref/group:default%2Fkeep-me' },
      { method: 'GET', path: '/api/catalog/entities/by-name/group/default/keep-me' },
      { method: 'POST', path: '/api/catalog/entities/by-refs' },
      { method: 'GET', path: '/api/catalog/errors' },
    ];
    let sent = 0;
    for (const headers of [{}, user]) {
      const results = await sendHostileRequests({ baseUrl: backend.baseUrl, routes, headers, bodyLimitBytes: 64 * 1024 });
      expect(findUnexpectedAnswers(results)).toEqual([]);
      sent += results.length;
    }
    expect(sent).toBeGreaterThan(300);
    for (const query of ['filter[a]=b', 'fields[x]=1', 'limit=1&limit=2', `cursor=${'A'.repeat(5000)}`, 'filter=kind=a,kind=b,kind=c,kind=d,kind=e,kind=f,kind=g,kind=h,kind=i,kind=j,kind=k,kind=l,kind=m,kind=n,kind=o,kind=p,kind=q,kind=r,kind=s,kind=t,kind=u']) {
      const response = await fetch(`${backend.baseUrl}/api/catalog/entities?${query}`, { headers: user });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
    expect((await probe()).status).toBe(200);
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

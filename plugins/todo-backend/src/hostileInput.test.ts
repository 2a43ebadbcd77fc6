import {
  findUnexpectedAnswers,
  HostileRoute,
  mockCredentials,
  sendHostileRequests,
  startTestBackend,
  TestDatabases,
} from '@trellis/backend-test-utils';
import todoPlugin from '.';

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())('todo plugin on %s under hostile input', (databaseId) => {
  it('refuses every malformed request with a 4xx in the standard shape and keeps its data', async () => {
    const backend = await startTestBackend({
      features: [todoPlugin],
      config: {
        backend: {
          database: await databases.backendConfig(databaseId),
          http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, bodyLimit: '64kb' },
        },
        todo: { checkEntityRefs: false },
      },
    });
    const user = { authorization: mockCredentials.user.header(), 'content-type': 'application/json' };
    const created = await fetch(`${backend.baseUrl}/api/todo/todos`, {
      method: 'POST',
      headers: user,
      body: JSON.stringify({ title: 'keep me' }),
    });
    const { id } = (await created.json()) as { id: string };
    await fetch(`${backend.baseUrl}/api/todo/todos`, {
      method: 'POST',
      headers: user,
      body: JSON.stringify({ title: 'second' }),
    });
    const listed = await fetch(`${backend.baseUrl}/api/todo/todos?limit=1`, { headers: user });
    const { nextCursor } = (await listed.json()) as { nextCursor: string };
    const routes: HostileRoute[] = [
      { method: 'GET', path: '/api/todo/todos', query: { limit: '10', status: 'open', cursor: nextCursor } },
      {
        method: 'POST',
        path: '/api/todo/todos',
        json: true,
        body: { title: 'x', description: 'd', status: 'open', entityRef: 'component:default/x' },
      },
      { method: 'GET', path: `/api/todo/todos/${id}` },
      {
        method: 'PUT',
        path: `/api/todo/todos/${id}`,
        json: true,
        body: { title: 'x', description: 'd', entityRef: 'component:default/x', version: 1 },
      },
      { method: 'DELETE', path: '/api/todo/todos/not-a-uuid' },
    ];
    let sent = 0;
    const headerSets: Array<Record<string, string>> = [{}, { authorization: mockCredentials.user.header() }];
    for (const headers of headerSets) {
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
    const after = await fetch(`${backend.baseUrl}/api/todo/todos/${id}`, { headers: user });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { title: string }).title).toBe('keep me');
    await backend.stop();
  });
});

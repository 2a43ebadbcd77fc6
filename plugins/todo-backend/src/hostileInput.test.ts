import {
  findUnexpectedAnswers,
  HostileRoute,
  mockCredentials,
  sendHostileRequests,
  startTestBackend,
} from '@trellis/backend-test-utils';
import todoPlugin from '.';

describe('todo plugin under hostile input', () => {
  it('refuses every malformed request with a 4xx in the standard shape and keeps its data', async () => {
    const backend = await startTestBackend({
      features: [todoPlugin],
      config: { backend: { http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, bodyLimit: '64kb' } } },
    });
    const user = { authorization: mockCredentials.user.header(), 'content-type': 'application/json' };
    const created = await fetch(`${backend.baseUrl}/api/todo/todos`, { method: 'POST', headers: user, body: JSON.stringify({ title: 'keep me' }) });
    const { id } = (await created.json()) as { id: string };
    const routes: HostileRoute[] = [
      { method: 'GET', path: '/api/todo/todos' },
      { method: 'POST', path: '/api/todo/todos' },
      { method: 'GET', path: `/api/todo/todos/${id}` },
      { method: 'PUT', path: `/api/todo/todos/${id}` },
      { method: 'DELETE', path: '/api/todo/todos/not-a-uuid' },
    ];
    let sent = 0;
    const headerSets: Array<Record<string, string>> = [{}, { authorization: mockCredentials.user.header() }];
    for (const headers of headerSets) {
      const results = await sendHostileRequests({ baseUrl: backend.baseUrl, routes, headers, bodyLimitBytes: 64 * 1024 });
      expect(findUnexpectedAnswers(results)).toEqual([]);
      sent += results.length;
    }
    expect(sent).toBeGreaterThan(300);
    const after = await fetch(`${backend.baseUrl}/api/todo/todos/${id}`, { headers: user });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { title: string }).title).toBe('keep me');
    await backend.stop();
  });
});

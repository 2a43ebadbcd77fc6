import {
  findUnexpectedAnswers,
  HostileRoute,
  mockCredentials,
  sendHostileRequests,
  startTestBackend,
  TestDatabases,
} from '@trellis/backend-test-utils';
import examplePlugin from '.';

const routes: HostileRoute[] = [
  { method: 'GET', path: '/api/example/hello', open: true },
  { method: 'GET', path: '/api/example/.trellis/auth/v1/jwks.json', open: true },
];

const databases = TestDatabases.create();

// The plugin keeps nothing in a database, but the backend around it has one.
describe.each(databases.eachSupportedId())('example plugin on %s under hostile input', (databaseId) => {
  it('refuses every malformed request with a 4xx in the standard shape and keeps serving', async () => {
    const backend = await startTestBackend({
      features: [examplePlugin],
      config: {
        backend: {
          database: await databases.backendConfig(databaseId),
          http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, bodyLimit: '64kb' },
        },
        example: { message: 'still here' },
      },
    });
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
    expect(sent).toBeGreaterThan(200);
    expect((await fetch(`${backend.baseUrl}/.trellis/health/v1/liveness`)).status).toBe(200);
    const hello = await fetch(`${backend.baseUrl}/api/example/hello`);
    expect(await hello.json()).toEqual({ message: 'still here' });
    await backend.stop();
  });
});

import { LogLine, startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';
import { readJson } from '../../testing/readJson';

// A token such as `openssl rand -base64 32` makes: '+', '/' and '=' change under percent-encoding.
const TOKEN = 'Zm9v+YmFy/0123456789abcdefXYZ==';
const auth = { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] };
const authorization = `Bearer ${TOKEN}`;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('log lines in production', () => {
  let backend: StartedBackend;
  const lines: LogLine[] = [];
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = 'production';
    backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { auth } },
      logLines: lines,
      defaultLogger: true,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    process.env.NODE_ENV = nodeEnv;
  });

  /** The log lines of one request, found by the id its response carries. */
  function linesOf(requestId: string | null): LogLine[] {
    return lines.filter((line) => line.requestId === requestId);
  }

  it('carry an ISO timestamp on every line', async () => {
    await fetch(`${backend.baseUrl}/api/alpha/open`);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(line.timestamp).toMatch(ISO_TIME);
    }
  });

  it('carry the stack of a server error, which its response never shows', async () => {
    const response = await fetch(`${backend.baseUrl}/api/alpha/boom`, { headers: { authorization } });
    const requestId = response.headers.get('x-request-id');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text).error).toEqual({
      name: 'InternalServerError',
      message: `Internal server error (log id ${requestId})`,
    });
    expect(text).not.toMatch(/stack|\bat /);
    const failure = linesOf(requestId).find((line) => line.level === 'error');
    expect(failure).toMatchObject({
      message: 'Request failed: GET /api/alpha/boom',
      timestamp: expect.stringMatching(ISO_TIME),
    });
    expect((failure!.error as { stack?: string }).stack).toMatch(/^Error: connect ECONNREFUSED[^\n]*\n\s+at /);
  });

  it('carry the stack of a 503 too', async () => {
    const response = await fetch(`${backend.baseUrl}/api/alpha/unavailable`, { headers: { authorization } });
    expect(response.status).toBe(503);
    const warning = linesOf(response.headers.get('x-request-id')).find((line) => line.level === 'warn');
    expect((warning!.error as { stack?: string }).stack).toMatch(
      /^ServiceUnavailableError: upstream is restarting\n\s+at /,
    );
  });

  it("use the server's request id as the log id and keep a client's x-request-id apart", async () => {
    const response = await fetch(`${backend.baseUrl}/api/alpha/boom`, {
      headers: { authorization, 'x-request-id': 'client-chosen-id-1' },
    });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await readJson(response)).error.message).toBe(`Internal server error (log id ${requestId})`);
    const own = linesOf(requestId);
    expect(own.find((line) => line.level === 'error')).toMatchObject({ clientRequestId: 'client-chosen-id-1' });
    expect(own.find((line) => line.level === 'info')).toMatchObject({
      status: 500,
      clientRequestId: 'client-chosen-id-1',
    });
    expect(linesOf('client-chosen-id-1')).toEqual([]);
  });

  it('redact a configured secret sent percent-encoded or base64-encoded', async () => {
    const percentAll = [...TOKEN].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    const base64url = Buffer.from(TOKEN).toString('base64url');
    const basic = Buffer.from(`ops:${TOKEN}`).toString('base64');
    const paths = [
      `/api/alpha/nothing/${encodeURIComponent(TOKEN)}`,
      `/api/alpha/nothing/${percentAll}`,
      `/api/alpha/nothing/x?state=${base64url}`,
      `/api/alpha/nothing/y?h=${encodeURIComponent(basic)}`,
      `/api/alpha/nothing/z?%74oken=not-a-configured-secret-123`,
      `/api/alpha/nothing/${'a'.repeat(2020)}/${TOKEN}`,
    ];
    for (const path of paths) {
      await (await fetch(`${backend.baseUrl}${path}`, { headers: { authorization } })).arrayBuffer();
    }
    const logged = JSON.stringify(lines);
    expect(logged).toContain('/api/alpha/nothing/');
    for (const form of [
      TOKEN,
      encodeURIComponent(TOKEN),
      percentAll,
      base64url,
      basic,
      encodeURIComponent(basic),
      'not-a-configured-secret-123',
    ]) {
      expect(logged).not.toContain(form);
      expect(logged).not.toContain(form.slice(4, 20));
    }
    expect(logged).not.toContain(TOKEN.slice(0, 6));
  });
});

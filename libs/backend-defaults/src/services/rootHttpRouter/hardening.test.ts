import { rawHttpRequest } from '@trellis/test-kit';
import { LogLine, startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';
import { readJson } from '../../testing/readJson';

const TOKEN = 'ops-token-0123456789-abcdefghijklmn';
const auth = { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] };
const authorization = `Bearer ${TOKEN}`;

function portOf(backend: StartedBackend): number {
  return Number(new URL(backend.baseUrl).port);
}

describe('root router hardening', () => {
  let backend: StartedBackend;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: {
        backend: {
          auth,
          http: { bodyLimit: '1kb', headersTimeoutMs: 400, requestTimeoutMs: 800, maxHeaderSize: 4096 },
        },
      },
      logLines: lines,
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  async function post(body: string, contentType = 'application/json') {
    const response = await fetch(`${backend.baseUrl}/api/alpha/echo`, {
      method: 'POST',
      headers: { authorization, 'content-type': contentType },
      body,
    });
    return { status: response.status, body: await readJson(response) };
  }

  it('takes a JSON body within the limit', async () => {
    expect(await post('{"a":1}')).toEqual({ status: 200, body: { body: { a: 1 } } });
  });

  it('answers 413 for a body over the limit', async () => {
    const { status, body } = await post(JSON.stringify({ a: 'x'.repeat(2000) }));
    expect(status).toBe(413);
    expect(body.error.name).toBe('PayloadTooLargeError');
    expect(body.response).toEqual({ statusCode: 413 });
  });

  it('answers 400 for malformed JSON', async () => {
    const { status, body } = await post('{"a":');
    expect(status).toBe(400);
    expect(body.error).toEqual({ name: 'InputError', message: expect.stringMatching(/^Malformed JSON/) });
  });

  it('sends a CSP that forbids framing and foreign sources, and the security headers an API needs', async () => {
    const response = await fetch(`${backend.baseUrl}/api/alpha/open`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    for (const documentOnly of [
      'x-xss-protection',
      'x-download-options',
      'x-dns-prefetch-control',
      'x-permitted-cross-domain-policies',
      'origin-agent-cluster',
    ]) {
      expect(response.headers.get(documentOnly)).toBeNull();
    }
  });

  it('sends no CORS headers unless CORS is configured', async () => {
    const response = await fetch(`${backend.baseUrl}/api/alpha/open`, { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['a dot-dot segment', 'GET /api/alpha/open/../whoami HTTP/1.1'],
    ['an encoded dot-dot segment', 'GET /api/alpha/open/%2e%2e/whoami HTTP/1.1'],
    ['an encoded backslash', 'GET /api/alpha/open%5c..%5cwhoami HTTP/1.1'],
    ['percent-encoding that is not UTF-8', 'GET /api/alpha/open/%ff%fe HTTP/1.1'],
  ])('answers 400 for a path with %s', async (_name, requestLine) => {
    const response = await rawHttpRequest({ port: portOf(backend), data: `${requestLine}\r\nHost: x\r\n\r\n` });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.name).toBe('InputError');
  });

  it('answers 431 in the standard shape for oversized headers', async () => {
    const response = await rawHttpRequest({
      port: portOf(backend),
      data: `GET /api/alpha/open HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`,
    });
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toEqual({
      error: { name: 'RequestHeaderFieldsTooLargeError', message: expect.any(String) },
      response: { statusCode: 431 },
    });
  });

  it('answers 400 in the standard shape for a malformed request line', async () => {
    const response = await rawHttpRequest({ port: portOf(backend), data: 'BREW /pot HTCPCP/1.0\r\n\r\n' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).response).toEqual({ statusCode: 400 });
  });

  it('refuses CONNECT with 405', async () => {
    const response = await rawHttpRequest({
      port: portOf(backend),
      data: 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n',
    });
    expect(response.status).toBe(405);
    expect(JSON.parse(response.body).error.name).toBe('MethodNotAllowedError');
  });

  it('cuts off a client that never finishes its headers', async () => {
    const response = await rawHttpRequest({
      port: portOf(backend),
      data: 'GET /api/alpha/open HTTP/1.1\r\nHost: x\r\n',
      timeoutMs: 5000,
    });
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body).error.name).toBe('RequestTimeoutError');
  });

  it('cuts off a client that never finishes its body', async () => {
    const head = `POST /api/alpha/echo HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`;
    const response = await rawHttpRequest({ port: portOf(backend), data: head, timeoutMs: 5000 });
    // The server ended the exchange (408, or closed), not the test's own time limit.
    expect(response.timedOut).toBe(false);
    expect(response.status === 408 || response.noAnswer).toBe(true);
  });

  it('hides internals of server errors behind a log id the operator can find', async () => {
    const response = await fetch(`${backend.baseUrl}/api/alpha/boom`, { headers: { authorization } });
    const requestId = response.headers.get('x-request-id');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text).error).toEqual({
      name: 'InternalServerError',
      message: `Internal server error (log id ${requestId})`,
    });
    expect(text).not.toMatch(/hunter2|10\.0\.0\.5|ECONNREFUSED|stack/);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', requestId, message: 'Request failed: GET /api/alpha/boom' }),
    );
  });

  it('writes no credentials into any log line', async () => {
    const jwt = (
      await readJson(await fetch(`${backend.baseUrl}/api/alpha/token/alpha`, { headers: { authorization } }))
    ).token;
    await fetch(`${backend.baseUrl}/api/alpha/whoami?access_token=${jwt}&token=${TOKEN}&page=2`, {
      headers: { authorization },
    });
    await fetch(`${backend.baseUrl}/api/alpha/boom?x=${jwt}`, {
      headers: { authorization: `Bearer ${jwt}`, cookie: 'session=abc123' },
    });
    await fetch(`${backend.baseUrl}/api/alpha/nothing/${jwt}`, { headers: { authorization } });
    await fetch(`${backend.baseUrl}/api/alpha/nothing/${TOKEN}`, { headers: { authorization } });
    const logged = JSON.stringify(lines);
    expect(logged).toContain('page=2');
    expect(logged).toContain('/api/alpha/nothing/');
    for (const secret of [jwt, jwt.split('.')[1], jwt.split('.')[2], TOKEN, 'abc123']) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('root router settings', () => {
  it('sends CORS headers only to configured origins', async () => {
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { cors: { origin: ['https://app.example'] } } },
    });
    try {
      const allowed = await fetch(`${backend.baseUrl}/api/alpha/open`, { headers: { origin: 'https://app.example' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const other = await fetch(`${backend.baseUrl}/api/alpha/open`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await backend.stop();
    }
  });

  it("refuses CORS with credentials for origin '*'", async () => {
    await expect(
      startBackend({ features: [], config: { backend: { cors: { origin: '*', credentials: true } } } }),
    ).rejects.toThrow(/cannot be combined/);
  });

  it('merges configured CSP directives over the defaults', async () => {
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { csp: { 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': false } } },
    });
    try {
      const csp = (await fetch(`${backend.baseUrl}/api/alpha/open`)).headers.get('content-security-policy') ?? '';
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    } finally {
      await backend.stop();
    }
  });

  it('shows the internals of server errors in development', async () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    const backend = await startBackend({ features: [createProbePlugin('alpha')], config: { backend: { auth } } });
    try {
      const body = await readJson(await fetch(`${backend.baseUrl}/api/alpha/boom`, { headers: { authorization } }));
      expect(body.error.message).toMatch(/ECONNREFUSED/);
    } finally {
      process.env.NODE_ENV = env;
      await backend.stop();
    }
  });
});

import { createHmac } from 'node:crypto';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';
import { startUserTokenIssuer } from '../../testing/userTokens';
import { readJson } from '../../testing/readJson';

const FULL = 'full-access-token-0123456789abcdef';
const ALPHA_ONLY = 'alpha-only-token-0123456789abcdef';

async function get(url: string, token?: string) {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await readJson(response) };
}

describe('external access with static tokens', () => {
  let backend: StartedBackend;

  beforeAll(async () => {
    backend = await startBackend({
      features: [createProbePlugin('alpha'), createProbePlugin('beta')],
      config: {
        backend: {
          auth: {
            externalAccess: [
              { type: 'static', options: { token: FULL, subject: 'ops-bot' } },
              {
                type: 'static',
                options: { token: ALPHA_ONLY, subject: 'ci' },
                accessRestrictions: [{ plugin: 'alpha' }],
              },
            ],
          },
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('gives an unrestricted token access to every plugin', async () => {
    expect(await get(`${backend.baseUrl}/api/alpha/whoami`, FULL)).toEqual({
      status: 200,
      body: { plugin: 'alpha', principal: { type: 'service', subject: 'ops-bot' } },
    });
    expect((await get(`${backend.baseUrl}/api/beta/whoami`, FULL)).status).toBe(200);
  });

  it('gives a restricted token its plugin (200) and refuses it elsewhere (403)', async () => {
    const inside = await get(`${backend.baseUrl}/api/alpha/whoami`, ALPHA_ONLY);
    expect(inside.status).toBe(200);
    expect(inside.body.principal).toEqual({
      type: 'service',
      subject: 'ci',
      accessRestrictions: { plugins: ['alpha'] },
    });
    expect(await get(`${backend.baseUrl}/api/beta/whoami`, ALPHA_ONLY)).toEqual({
      status: 403,
      body: {
        error: { name: 'NotAllowedError', message: "This token may not access plugin 'beta'" },
        request: { method: 'GET', url: '/api/beta/whoami' },
        response: { statusCode: 403 },
      },
    });
  });

  it('refuses a token that differs from a configured one', async () => {
    const near = `${FULL.slice(0, -1)}X`;
    expect((await get(`${backend.baseUrl}/api/alpha/whoami`, near)).status).toBe(401);
    expect((await get(`${backend.baseUrl}/api/alpha/whoami`, FULL.slice(0, 10))).status).toBe(401);
  });

  it('answers an open path without credentials', async () => {
    expect(await get(`${backend.baseUrl}/api/beta/open`)).toEqual({
      status: 200,
      body: { plugin: 'beta', open: true },
    });
  });
});

describe('external access configuration', () => {
  it.each([
    [{ type: 'static', options: { token: 'short-token', subject: 'x' } }, /at least 24 characters/],
    [{ type: 'static', options: { token: 'has whitespace in it 0123456789', subject: 'x' } }, /without whitespace/],
    [{ type: 'static', options: { token: FULL, subject: 'plugin:alpha' } }, /subject/],
    [{ type: 'static', options: { token: FULL, subject: 'x' }, accessRestrictions: [] }, /accessRestrictions is empty/],
    [
      { type: 'jwks', options: { url: 'https://idp.test/jwks', issuer: 'i', audience: 'a', algorithms: ['HS256'] } },
      /asymmetric/,
    ],
    [{ type: 'jwks', options: { url: 'https://idp.test/jwks', issuer: 'i' } }, /audience is required/],
    [{ type: 'jwks', options: { url: 'ftp://idp.test/jwks', issuer: 'i', audience: 'a' } }, /https/],
    [{ type: 'magic' }, /use 'static' or 'jwks'/],
  ])('refuses to start with a bad entry %#', async (entry, message) => {
    await expect(
      startBackend({
        features: [createProbePlugin('alpha')],
        config: { backend: { auth: { externalAccess: [entry] } } },
      }),
    ).rejects.toThrow(message);
  });
});

describe('external access with an identity provider (jwks)', () => {
  it('accepts its tokens and refuses wrong audience, issuer, expiry, key and algorithm', async () => {
    const idp = await startUserTokenIssuer({ principal: 'service' });
    const entry = { ...idp.accessEntry, options: { ...idp.accessEntry.options, subjectPrefix: 'idp' } };
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { auth: { externalAccess: [entry] } } },
    });
    const url = `${backend.baseUrl}/api/alpha/whoami`;
    const now = Math.floor(Date.now() / 1000);
    try {
      expect(await get(url, await idp.mint('deploy-job'))).toEqual({
        status: 200,
        body: { plugin: 'alpha', principal: { type: 'service', subject: 'external:idp:deploy-job' } },
      });
      const refused = [
        await idp.mint('x', { aud: 'someone-else' }),
        await idp.mint('x', { iss: 'https://other.test' }),
        await idp.mint('x', { iat: now - 600, exp: now - 300 }),
        await idp.mint('x', {}, { kid: 'unknown-kid' }),
        hmacSigned({ iss: 'https://idp.test', sub: 'x', aud: 'trellis', iat: now, exp: now + 60 }),
      ];
      for (const token of refused) {
        expect((await get(url, token)).status).toBe(401);
      }
    } finally {
      await backend.stop();
      await idp.stop();
    }
  });

  it('answers 503 without internals when the provider cannot be reached', async () => {
    const idp = await startUserTokenIssuer();
    const token = await idp.mint('jane');
    await idp.stop();
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { auth: { externalAccess: [idp.accessEntry] } } },
    });
    try {
      const { status, body } = await get(`${backend.baseUrl}/api/alpha/whoami`, token);
      expect(status).toBe(503);
      expect(body.error).toEqual({
        name: 'ServiceUnavailableError',
        message: "Keys of identity provider 'https://idp.test' are unavailable",
      });
    } finally {
      await backend.stop();
    }
  });
});

function hmacSigned(payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'HS256', kid: 'idp-1' })}.${encode(payload)}`;
  return `${signingInput}.${createHmac('sha256', 'secret').update(signingInput).digest('base64url')}`;
}

import { createHmac } from 'node:crypto';
import { JWTPayload, SignJWT } from 'jose';
import { KeyFiles, writeKeyFiles } from '../../testing/keyFiles';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';
import { PLUGIN_TOKEN_TYPE } from './types';
import { readJson } from '../../testing/readJson';

// Static key files, so the test can sign tokens with the very key the backend trusts and change
// one thing at a time.
describe('plugin tokens against a running backend', () => {
  let backend: StartedBackend;
  let key: KeyFiles;
  let removeKeys: () => Promise<void>;

  beforeAll(async () => {
    const written = await writeKeyFiles(['test-key']);
    [key] = written.keys;
    removeKeys = written.remove;
    backend = await startBackend({
      features: [createProbePlugin('alpha'), createProbePlugin('beta')],
      config: {
        backend: {
          auth: { pluginKeyStore: { type: 'static', static: { keys: [{ keyId: key.keyId, ...keyFilesOf(key) }] } } },
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await removeKeys?.();
  });

  const now = () => Math.floor(Date.now() / 1000);

  function sign(claims: JWTPayload = {}, header: Record<string, unknown> = {}) {
    return new SignJWT({
      iss: 'plugin:alpha',
      sub: 'plugin:alpha',
      aud: 'beta',
      iat: now(),
      exp: now() + 60,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.keyId, typ: PLUGIN_TOKEN_TYPE, ...header })
      .sign(key.privateKey);
  }

  async function callBeta(authorization?: string) {
    const response = await fetch(`${backend.baseUrl}/api/beta/whoami`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    return { status: response.status, body: await readJson(response), headers: response.headers };
  }

  async function expectRefused(authorization: string | undefined, message: RegExp) {
    const { status, body, headers } = await callBeta(authorization);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer');
    expect(body).toEqual({
      error: { name: 'AuthenticationError', message: expect.stringMatching(message) },
      request: { method: 'GET', url: '/api/beta/whoami' },
      response: { statusCode: 401 },
    });
  }

  it('accepts a well-formed token signed with the trusted key', async () => {
    const { status, body } = await callBeta(`Bearer ${await sign()}`);
    expect(status).toBe(200);
    expect(body.principal).toEqual({ type: 'service', subject: 'plugin:alpha' });
  });

  it('refuses a request without credentials', async () => {
    await expectRefused(undefined, /Missing credentials/);
  });

  it.each([
    ['a bare scheme', 'Bearer'],
    ['another scheme', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l'],
    ['a token that is no JWT', 'Bearer not-a-token'],
    ['three garbage parts', 'Bearer a.b.c'],
    ['two tokens', 'Bearer a.b.c d.e.f'],
  ])('refuses a malformed header: %s', async (_name, header) => {
    await expectRefused(header, /Malformed Authorization header|Invalid token/);
  });

  it('refuses an expired token', async () => {
    await expectRefused(`Bearer ${await sign({ iat: now() - 600, exp: now() - 120 })}`, /"exp" claim/);
  });

  it('refuses a token that is not valid yet', async () => {
    await expectRefused(`Bearer ${await sign({ nbf: now() + 120 })}`, /"nbf" claim/);
  });

  it('refuses a token issued in the future', async () => {
    await expectRefused(`Bearer ${await sign({ iat: now() + 600, exp: now() + 660 })}`, /"iat" claim/);
  });

  it('refuses a token that lives longer than plugin tokens may', async () => {
    await expectRefused(`Bearer ${await sign({ exp: now() + 2 * 3600 })}`, /lifetime/);
  });

  it('refuses a token minted for another plugin', async () => {
    await expectRefused(`Bearer ${await sign({ aud: 'alpha' })}`, /"aud" claim/);
  });

  // Static keys are shared by every plugin of the deployment, so with them the issuer can only be
  // checked for being a plugin; pluginToPlugin.test.ts checks issuers against per-plugin keys.
  it.each([
    ['an issuer that is no plugin', { iss: 'https://evil.example', sub: 'plugin:alpha' }, /issuer/],
    ['a malformed plugin issuer', { iss: 'plugin:../alpha', sub: 'plugin:../alpha' }, /issuer/],
    ['a subject other than the issuer', { sub: 'plugin:beta' }, /"sub" claim/],
  ])('refuses a wrong issuer: %s', async (_name, claims, message) => {
    await expectRefused(`Bearer ${await sign(claims)}`, message);
  });

  it('refuses a token without the plugin token type', async () => {
    await expectRefused(`Bearer ${await sign({}, { typ: 'JWT' })}`, /"typ"/);
  });

  it('refuses a tampered signature and a tampered payload', async () => {
    const [header, payload, signature] = (await sign()).split('.');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await expectRefused(`Bearer ${header}.${payload}.${flipped}`, /signature verification failed/);
    const otherPayload = (await sign({ obo: 'user:default/admin' })).split('.')[1];
    await expectRefused(`Bearer ${header}.${otherPayload}.${signature}`, /signature verification failed/);
  });

  it("refuses 'alg: none'", async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ alg: 'none', typ: PLUGIN_TOKEN_TYPE, kid: key.keyId });
    const payload = encode({ iss: 'plugin:alpha', sub: 'plugin:alpha', aud: 'beta', iat: now(), exp: now() + 60 });
    await expectRefused(`Bearer ${header}.${payload}.`, /algorithm 'none' is not allowed/);
  });

  it('refuses HMAC signed with the public key as the secret', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ alg: 'HS256', typ: PLUGIN_TOKEN_TYPE, kid: key.keyId });
    const payload = encode({ iss: 'plugin:alpha', sub: 'plugin:alpha', aud: 'beta', iat: now(), exp: now() + 60 });
    const jwks = await readJson(await fetch(`${backend.baseUrl}/api/alpha/.trellis/auth/v1/jwks.json`));
    for (const secret of [key.publicPem, JSON.stringify(jwks.keys[0])]) {
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await expectRefused(`Bearer ${header}.${payload}.${signature}`, /algorithm 'HS256' is not allowed/);
    }
  });

  it('refuses a token signed with an unknown key that claims a known key ID', async () => {
    const other = await writeKeyFiles(['impostor']);
    try {
      const token = await new SignJWT({
        iss: 'plugin:alpha',
        sub: 'plugin:alpha',
        aud: 'beta',
        iat: now(),
        exp: now() + 60,
      })
        .setProtectedHeader({ alg: 'ES256', kid: key.keyId, typ: PLUGIN_TOKEN_TYPE })
        .sign(other.keys[0].privateKey);
      await expectRefused(`Bearer ${token}`, /signature verification failed/);
    } finally {
      await other.remove();
    }
  });

  it('refuses a token with an unknown key ID', async () => {
    await expectRefused(`Bearer ${await sign({}, { kid: 'nope' })}`, /unknown signing key/);
  });
});

function keyFilesOf(key: KeyFiles) {
  return { publicKeyFile: key.publicKeyFile, privateKeyFile: key.privateKeyFile };
}

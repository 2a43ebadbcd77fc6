import { generateKeyPair, SignJWT } from 'jose';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { BaseUrlHolder, createProbePlugin } from '../../testing/testPlugins';
import { PLUGIN_TOKEN_TYPE } from './types';
import { startUserTokenIssuer } from '../../testing/userTokens';
import { readJson } from '../../testing/readJson';

const STATIC_TOKEN = 'ci-token-0123456789-abcdefghijklmnop';

async function startPair(extraConfig: Record<string, unknown> = {}) {
  const holder: BaseUrlHolder = {};
  const backend = await startBackend({
    features: [
      createProbePlugin('alpha', holder),
      createProbePlugin('beta', holder),
      createProbePlugin('gamma', holder),
    ],
    config: {
      backend: {
        auth: { externalAccess: [{ type: 'static', options: { token: STATIC_TOKEN, subject: 'ci' } }], ...extraConfig },
      },
    },
  });
  holder.baseUrl = backend.baseUrl;
  return backend;
}

async function get(url: string, token = STATIC_TOKEN) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await readJson(response) };
}

describe('plugin to plugin calls with per-plugin keys', () => {
  let backend: StartedBackend;

  beforeAll(async () => {
    backend = await startPair();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('lets plugin alpha call plugin beta with a token it minted', async () => {
    const { status, body } = await get(`${backend.baseUrl}/api/alpha/call/beta`);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 200,
      body: { plugin: 'beta', principal: { type: 'service', subject: 'plugin:alpha' } },
    });
  });

  it('refuses a token minted for beta when it is used against gamma', async () => {
    const { body } = await get(`${backend.baseUrl}/api/alpha/token/beta`);
    const atGamma = await get(`${backend.baseUrl}/api/gamma/whoami`, body.token);
    expect(atGamma.status).toBe(401);
    expect(atGamma.body.error).toEqual({ name: 'AuthenticationError', message: expect.stringMatching(/"aud" claim/) });
    expect((await get(`${backend.baseUrl}/api/beta/whoami`, body.token)).status).toBe(200);
  });

  it('refuses a token of a plugin that is not installed, whatever key signed it', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: 'plugin:ghost', sub: 'plugin:ghost', aud: 'beta', iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: PLUGIN_TOKEN_TYPE })
      .sign(privateKey);
    const { status, body } = await get(`${backend.baseUrl}/api/beta/whoami`, token);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/unknown signing key of plugin 'ghost'/);
  });

  it("refuses a token that names alpha as issuer but carries another plugin's key ID", async () => {
    const { body } = await get(`${backend.baseUrl}/api/gamma/token/beta`);
    const gammaKid = JSON.parse(Buffer.from(body.token.split('.')[0], 'base64url').toString()).kid;
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ iss: 'plugin:alpha', sub: 'plugin:alpha', aud: 'beta', iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: gammaKid, typ: PLUGIN_TOKEN_TYPE })
      .sign(privateKey);
    const { status, body: error } = await get(`${backend.baseUrl}/api/beta/whoami`, forged);
    expect(status).toBe(401);
    expect(error.error.message).toMatch(/unknown signing key of plugin 'alpha'/);
  });

  it('publishes public keys only, without credentials', async () => {
    await get(`${backend.baseUrl}/api/alpha/call/beta`);
    const response = await fetch(`${backend.baseUrl}/api/alpha/.trellis/auth/v1/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = await readJson(response);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toEqual(
        expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) }),
      );
      expect(key).not.toHaveProperty('d');
    }
  });
});

describe('plugin to plugin calls on behalf of a user', () => {
  it('lets the target see the user and the plugin acting for them', async () => {
    const holder: BaseUrlHolder = {};
    const userToken = await startUserTokenIssuer();
    const backend = await startBackend({
      features: [createProbePlugin('alpha', holder), createProbePlugin('beta', holder)],
      config: { backend: { auth: { externalAccess: [userToken.accessEntry] } } },
    });
    holder.baseUrl = backend.baseUrl;
    try {
      const { status, body } = await get(`${backend.baseUrl}/api/alpha/call/beta`, await userToken.mint('jane'));
      expect(status).toBe(200);
      expect(body.body.principal).toEqual({
        type: 'user',
        userEntityRef: 'user:default/jane',
        actor: { subject: 'plugin:alpha' },
      });
    } finally {
      await backend.stop();
      await userToken.stop();
    }
  });
});

describe('key rotation', () => {
  it('never refuses a valid caller while keys rotate under load', async () => {
    const backend = await startPair({ pluginKeyStore: { keyDurationSeconds: 1 } });
    const kids = new Set<string>();
    const statuses: number[] = [];
    const deadline = Date.now() + 3_500;
    try {
      for (let round = 0; round < 400 && Date.now() < deadline; round++) {
        const results = await Promise.all(
          Array.from({ length: 4 }, () => get(`${backend.baseUrl}/api/alpha/call/beta`)),
        );
        statuses.push(...results.map((r) => r.status), ...results.map((r) => r.body.status));
        const { body } = await get(`${backend.baseUrl}/api/alpha/token/beta`);
        kids.add(JSON.parse(Buffer.from(body.token.split('.')[0], 'base64url').toString()).kid);
      }
      expect(kids.size).toBeGreaterThanOrEqual(3);
      expect(statuses.length).toBeGreaterThan(40);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      const { keys } = await readJson(await fetch(`${backend.baseUrl}/api/alpha/.trellis/auth/v1/jwks.json`));
      expect(keys.length).toBeGreaterThanOrEqual(kids.size);
    } finally {
      await backend.stop();
    }
  });
});

import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { KeyFiles, writeKeyFiles } from '../../testing/keyFiles';
import { createCookiePlugin } from '../../testing/cookiePlugin';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { startUserTokenIssuer } from '../../testing/userTokens';
import { LIMITED_USER_TOKEN_TYPE } from './types';

const SERVICE_TOKEN = 'cookie-test-service-token-0123456789';
const ALICE = 'user:default/alice';

type Issuer = Awaited<ReturnType<typeof startUserTokenIssuer>>;

async function call(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    setCookie: response.headers.getSetCookie(),
    cacheControl: response.headers.get('cache-control'),
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = (token: string) => ({ cookie: `other=1; trellis-auth=${token}` });

/** The token in a `Set-Cookie: trellis-auth=...` line. */
function cookieToken(setCookie: string[]): string {
  const line = setCookie.find((l) => l.startsWith('trellis-auth='));
  if (!line) {
    throw new Error(`No trellis-auth cookie in ${JSON.stringify(setCookie)}`);
  }
  return line.slice('trellis-auth='.length).split(';')[0];
}

describe('limited user tokens and the user cookie', () => {
  let issuer: Issuer;
  let keys: { keys: KeyFiles[]; remove(): Promise<void> };
  let backend: StartedBackend;
  let api: string;
  let aliceToken: string;

  beforeAll(async () => {
    issuer = await startUserTokenIssuer();
    keys = await writeKeyFiles(['cookie-key']);
    const [key] = keys.keys;
    backend = await startBackend({
      features: [createCookiePlugin('cookies'), createCookiePlugin('other')],
      config: {
        backend: {
          auth: {
            externalAccess: [issuer.accessEntry, { type: 'static', options: { token: SERVICE_TOKEN, subject: 'ops' } }],
            pluginKeyStore: {
              type: 'static',
              static: {
                keys: [{ keyId: key.keyId, publicKeyFile: key.publicKeyFile, privateKeyFile: key.privateKeyFile }],
              },
            },
          },
        },
      },
    });
    api = `${backend.baseUrl}/api/cookies`;
    const now = Math.floor(Date.now() / 1000);
    aliceToken = await issuer.mint('alice', { exp: now + 3600 });
  });

  afterAll(async () => {
    await backend?.stop();
    await issuer?.stop();
    await keys?.remove();
  });

  describe('auth.getLimitedUserToken', () => {
    it('issues a token that names only the user and expires with the user token', async () => {
      const shortLived = await issuer.mint('alice', { ent: ['group:default/team'] });
      const { status, body } = await call(`${api}/limited-token`, bearer(shortLived));
      expect(status).toBe(200);
      expect(decodeProtectedHeader(body.token)).toMatchObject({ typ: LIMITED_USER_TOKEN_TYPE, kid: 'cookie-key' });
      const claims = decodeJwt(body.token);
      expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub']);
      expect(claims).toMatchObject({ sub: ALICE, iss: 'plugin:cookies', aud: 'cookies' });
      expect(claims.exp).toBe(decodeJwt(shortLived).exp);
      expect(body.expiresAt).toBe(new Date(claims.exp! * 1000).toISOString());
    });

    it('is refused where a full user token is required, even as a Bearer token', async () => {
      const { body } = await call(`${api}/limited-token`, bearer(aliceToken));
      const refused = await call(`${api}/whoami`, bearer(body.token));
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(/Limited user tokens .* are not accepted here/);
      expect((await call(`${api}/static/strict`, bearer(body.token))).status).toBe(401);
    });

    it('is accepted with allowLimitedAccess on a user-cookie path', async () => {
      const { body } = await call(`${api}/limited-token`, bearer(aliceToken));
      const accepted = await call(`${api}/static/whoami`, bearer(body.token));
      expect(accepted.status).toBe(200);
      expect(accepted.body.principal).toEqual({ type: 'user', userEntityRef: ALICE });
    });

    it('refuses service credentials with a clear error', async () => {
      const { status, body } = await call(`${api}/own-limited-token`, bearer(SERVICE_TOKEN));
      expect(status).toBe(403);
      expect(body.error).toEqual({
        name: 'NotAllowedError',
        message: "Limited user tokens are issued for user credentials only, not for 'service' credentials",
      });
    });

    it('is valid only at the plugin that issued it', async () => {
      const { body } = await call(`${backend.baseUrl}/api/other/limited-token`, bearer(aliceToken));
      const elsewhere = await call(`${api}/static/whoami`, bearer(body.token));
      expect(elsewhere.status).toBe(401);
    });
  });

  describe('the cookie endpoint', () => {
    it('issues an HttpOnly, SameSite, path-scoped cookie for a signed-in user', async () => {
      const { status, body, setCookie, cacheControl } = await call(
        `${api}/.backstage/auth/v1/cookie`,
        bearer(aliceToken),
      );
      expect(status).toBe(200);
      expect(cacheControl).toBe('no-store');
      const token = cookieToken(setCookie);
      expect(body).toEqual({ expiresAt: new Date(decodeJwt(token).exp! * 1000).toISOString() });
      const attributes = setCookie[0].split('; ').slice(1);
      expect(attributes).toEqual(
        expect.arrayContaining([
          'Path=/api/cookies',
          'HttpOnly',
          'SameSite=Strict',
          expect.stringMatching(/^Expires=/),
        ]),
      );
      expect(attributes).not.toContain('Secure');
      expect(attributes.some((a) => a.startsWith('Domain='))).toBe(false);
    });

    it('makes the cookie count as credentials on user-cookie paths only', async () => {
      const token = cookieToken((await call(`${api}/.backstage/auth/v1/cookie`, bearer(aliceToken))).setCookie);
      const allowed = await call(`${api}/static/whoami`, cookie(token));
      expect(allowed.status).toBe(200);
      expect(allowed.body.principal).toEqual({ type: 'user', userEntityRef: ALICE });
      expect((await call(`${api}/whoami`, cookie(token))).status).toBe(401);
      expect((await call(`${api}/static/strict`, cookie(token))).status).toBe(401);
      expect((await call(`${backend.baseUrl}/api/other/static/whoami`, cookie(token))).status).toBe(401);
    });

    it('keeps a cookie of the same user that lives on, and replaces one of another user', async () => {
      const first = await call(`${api}/.backstage/auth/v1/cookie`, bearer(aliceToken));
      const token = cookieToken(first.setCookie);
      const again = await call(`${api}/.backstage/auth/v1/cookie`, { ...bearer(aliceToken), ...cookie(token) });
      expect(again.status).toBe(200);
      expect(again.setCookie).toEqual([]);
      expect(again.body).toEqual(first.body);
      const bob = await issuer.mint('bob', { exp: Math.floor(Date.now() / 1000) + 3600 });
      const switched = await call(`${api}/.backstage/auth/v1/cookie`, { ...bearer(bob), ...cookie(token) });
      expect(decodeJwt(cookieToken(switched.setCookie)).sub).toBe('user:default/bob');
    });

    it('cannot be renewed with the cookie alone', async () => {
      const token = cookieToken((await call(`${api}/.backstage/auth/v1/cookie`, bearer(aliceToken))).setCookie);
      const renewed = await call(`${api}/.backstage/auth/v1/cookie`, cookie(token));
      expect(renewed.status).toBe(401);
      expect(renewed.setCookie).toEqual([]);
    });

    it('refuses service callers', async () => {
      const { status, body } = await call(`${api}/.backstage/auth/v1/cookie`, bearer(SERVICE_TOKEN));
      expect(status).toBe(403);
      expect(body.error.name).toBe('NotAllowedError');
    });

    it('deletes the cookie on DELETE', async () => {
      const { status, setCookie } = await call(`${api}/.backstage/auth/v1/cookie`, bearer(aliceToken), 'DELETE');
      expect(status).toBe(204);
      expect(setCookie).toHaveLength(1);
      expect(setCookie[0]).toMatch(
        /^trellis-auth=; Path=\/api\/cookies; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/,
      );
    });
  });

  describe('cookies that are not valid', () => {
    async function signed(claims: Record<string, unknown>, privateKey = keys.keys[0].privateKey) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: 'plugin:cookies', sub: ALICE, aud: 'cookies', iat: now, exp: now + 600, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'cookie-key', typ: LIMITED_USER_TOKEN_TYPE })
        .sign(privateKey);
    }

    it('accepts a cookie signed with the plugin key (the control case)', async () => {
      expect((await call(`${api}/static/whoami`, cookie(await signed({})))).status).toBe(200);
    });

    it('refuses an expired cookie', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await call(`${api}/static/whoami`, cookie(await signed({ iat: now - 700, exp: now - 100 })));
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toMatch(/"exp" claim/);
    });

    it('refuses a cookie signed with another key', async () => {
      const other = (await writeKeyFiles(['forger'])).keys[0];
      const forged = await call(`${api}/static/whoami`, cookie(await signed({}, other.privateKey)));
      expect(forged.status).toBe(401);
      expect(forged.body.error.message).toMatch(/signature/);
    });

    it('refuses a cookie that is not a token, or outlives the longest lifetime', async () => {
      expect((await call(`${api}/static/whoami`, cookie('not-a-token'))).status).toBe(401);
      const now = Math.floor(Date.now() / 1000);
      expect((await call(`${api}/static/whoami`, cookie(await signed({ exp: now + 7200 })))).status).toBe(401);
      expect((await call(`${api}/static/whoami`, cookie(await signed({ sub: 'plugin:cookies' })))).status).toBe(401);
    });
  });
});

describe('the user cookie behind https', () => {
  it('is Secure and scoped to the external base path', async () => {
    const issuer = await startUserTokenIssuer();
    const backend = await startBackend({
      features: [createCookiePlugin('cookies')],
      config: {
        backend: {
          baseUrl: 'https://trellis.example.com/backend',
          auth: { externalAccess: [issuer.accessEntry] },
        },
      },
    });
    try {
      const { status, setCookie } = await call(
        `${backend.baseUrl}/api/cookies/.backstage/auth/v1/cookie`,
        bearer(await issuer.mint('alice')),
      );
      expect(status).toBe(200);
      expect(setCookie[0].split('; ')).toEqual(expect.arrayContaining(['Path=/backend/api/cookies', 'Secure']));
    } finally {
      await backend.stop();
      await issuer.stop();
    }
  });
});

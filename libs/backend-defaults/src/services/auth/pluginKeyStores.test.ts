import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthServiceFactory } from './authServiceFactory';
import { sqliteDatabaseFactory } from '../../testing/testDatabases';
import { KeyFiles, writeKeyFiles } from '../../testing/keyFiles';
import { startBackend } from '../../testing/startBackend';
import { BaseUrlHolder, createProbePlugin } from '../../testing/testPlugins';
import { readJson } from '../../testing/readJson';

const TOKEN = 'ops-token-0123456789-abcdefghijklmn';
const externalAccess = [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }];

function staticStore(keys: KeyFiles[], options: { privateFor?: number[] } = {}) {
  const privateFor = options.privateFor ?? [0];
  return {
    type: 'static',
    static: {
      keys: keys.map((key, i) => ({
        keyId: key.keyId,
        publicKeyFile: key.publicKeyFile,
        ...(privateFor.includes(i) ? { privateKeyFile: key.privateKeyFile } : {}),
      })),
    },
  };
}

async function get(url: string, token = TOKEN) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await readJson(response) };
}

describe('static plugin keys', () => {
  let files: Awaited<ReturnType<typeof writeKeyFiles>>;

  beforeAll(async () => {
    files = await writeKeyFiles(['new', 'old', 'other']);
  });

  afterAll(async () => {
    await files?.remove();
  });

  it('lets two instances given the same key files verify each other, without any database', async () => {
    const [newKey, oldKey] = files.keys;
    const config = { backend: { auth: { externalAccess, pluginKeyStore: staticStore([newKey, oldKey]) } } };
    const noDatabase = createAuthServiceFactory({ useDatabase: false });
    const first = await startBackend({ features: [noDatabase, createProbePlugin('alpha')], config });
    const second = await startBackend({ features: [noDatabase, createProbePlugin('beta')], config });
    try {
      const { body } = await get(`${first.baseUrl}/api/alpha/token/beta`);
      expect(JSON.parse(Buffer.from(body.token.split('.')[0], 'base64url').toString()).kid).toBe('new');
      expect(await get(`${second.baseUrl}/api/beta/whoami`, body.token)).toEqual({
        status: 200,
        body: { plugin: 'beta', principal: { type: 'service', subject: 'plugin:alpha' } },
      });
      const { keys } = await readJson(await fetch(`${first.baseUrl}/api/alpha/.trellis/auth/v1/jwks.json`));
      expect(keys.map((k: { kid: string }) => k.kid)).toEqual(['new', 'old']);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('keeps accepting tokens of the previous key during a rotation', async () => {
    const [newKey, oldKey] = files.keys;
    const holder: BaseUrlHolder = {};
    const before = await startBackend({
      features: [createProbePlugin('alpha', holder)],
      config: { backend: { auth: { externalAccess, pluginKeyStore: staticStore([oldKey]) } } },
    });
    const oldToken = (await get(`${before.baseUrl}/api/alpha/token/beta`)).body.token;
    await before.stop();
    const after = await startBackend({
      features: [createProbePlugin('beta')],
      config: { backend: { auth: { externalAccess, pluginKeyStore: staticStore([newKey, oldKey]) } } },
    });
    try {
      expect((await get(`${after.baseUrl}/api/beta/whoami`, oldToken)).status).toBe(200);
    } finally {
      await after.stop();
    }
  });

  it.each([
    [
      'a missing file',
      (k: KeyFiles[]) => ({
        ...staticStore([k[0]]),
        static: { keys: [{ keyId: 'x', publicKeyFile: '/nonexistent.pem', privateKeyFile: k[0].privateKeyFile }] },
      }),
      /Cannot read publicKeyFile/,
    ],
    [
      'a private key of another pair',
      (k: KeyFiles[]) => ({
        static: { keys: [{ keyId: 'x', publicKeyFile: k[0].publicKeyFile, privateKeyFile: k[2].privateKeyFile }] },
      }),
      /does not belong/,
    ],
    [
      'no private key for the first key',
      (k: KeyFiles[]) => staticStore([k[0]], { privateFor: [] }),
      /privateKeyFile is required/,
    ],
    [
      'an HMAC algorithm',
      (k: KeyFiles[]) => ({
        static: {
          keys: [
            { keyId: 'x', algorithm: 'HS256', publicKeyFile: k[0].publicKeyFile, privateKeyFile: k[0].privateKeyFile },
          ],
        },
      }),
      /not an asymmetric/,
    ],
    [
      'a public key that is not PEM',
      (k: KeyFiles[]) => ({
        static: { keys: [{ keyId: 'x', publicKeyFile: k[0].privateKeyFile, privateKeyFile: k[0].privateKeyFile }] },
      }),
      /not a valid PEM key/,
    ],
  ])('refuses to start with %s', async (_name, store, message) => {
    await expect(
      startBackend({
        features: [createProbePlugin('alpha')],
        config: { backend: { auth: { pluginKeyStore: store(files.keys) } } },
      }),
    ).rejects.toThrow(message);
  });
});

describe("plugin keys in each plugin's database", () => {
  it('lets two instances sharing the databases verify each other and publish both keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-auth-db-'));
    const features = [
      createAuthServiceFactory(),
      sqliteDatabaseFactory(dir),
      createProbePlugin('alpha'),
      createProbePlugin('beta'),
    ];
    const config = { backend: { auth: { externalAccess } } };
    const first = await startBackend({ features, config });
    const second = await startBackend({ features, config });
    try {
      const fromFirst = (await get(`${first.baseUrl}/api/alpha/token/beta`)).body.token;
      const fromSecond = (await get(`${second.baseUrl}/api/alpha/token/beta`)).body.token;
      expect((await get(`${second.baseUrl}/api/beta/whoami`, fromFirst)).status).toBe(200);
      expect((await get(`${first.baseUrl}/api/beta/whoami`, fromSecond)).status).toBe(200);
      const { keys } = await readJson(await fetch(`${first.baseUrl}/api/alpha/.trellis/auth/v1/jwks.json`));
      expect(keys).toHaveLength(2);
    } finally {
      await first.stop();
      await second.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('plugin keys in production', () => {
  const env = process.env.NODE_ENV;

  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('refuses to start with no keys configured and no key store', async () => {
    process.env.NODE_ENV = 'production';
    await expect(
      startBackend({ features: [createAuthServiceFactory({ useDatabase: false }), createProbePlugin('alpha')] }),
    ).rejects.toThrow(/No plugin key store in production/);
  });

  it('refuses keys kept in memory even when asked for them', async () => {
    process.env.NODE_ENV = 'production';
    await expect(
      startBackend({
        features: [createProbePlugin('alpha')],
        config: { backend: { auth: { pluginKeyStore: { type: 'memory' } } } },
      }),
    ).rejects.toThrow(/No plugin key store in production/);
  });

  it('starts with static key files', async () => {
    const files = await writeKeyFiles(['prod']);
    process.env.NODE_ENV = 'production';
    try {
      const backend = await startBackend({
        features: [createAuthServiceFactory({ useDatabase: false }), createProbePlugin('alpha')],
        config: { backend: { auth: { externalAccess, pluginKeyStore: staticStore(files.keys) } } },
      });
      expect((await get(`${backend.baseUrl}/api/alpha/whoami`)).status).toBe(200);
      await backend.stop();
    } finally {
      await files.remove();
    }
  });
});

import { startBackend, StartedBackend } from '../../testing/startBackend';
import { readJson } from '../../testing/readJson';
import { BaseUrlHolder, createProbePlugin } from '../../testing/testPlugins';

const STATIC_TOKEN = 'ci-token-0123456789-abcdefghijklmnop';
const externalAccess = [{ type: 'static', options: { token: STATIC_TOKEN, subject: 'ci' } }];

async function get(url: string, token = STATIC_TOKEN) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await readJson(response)) as any };
}

// Two backends with their own per-plugin keys (no shared static keys): alpha lives on one,
// beta on the other, and beta verifies alpha's tokens with the keys alpha's backend publishes.
describe('plugin tokens across backends', () => {
  const started: StartedBackend[] = [];
  const holder: BaseUrlHolder = {};
  let alphaBackend: StartedBackend;

  const startBeta = async (alphaBase: string | undefined) => {
    const backend = await startBackend({
      features: [createProbePlugin('beta')],
      config: {
        backend: { auth: { externalAccess } },
        ...(alphaBase
          ? { discovery: { endpoints: [{ target: `${alphaBase}/api/{{pluginId}}`, plugins: ['alpha'] }] } }
          : {}),
      },
    });
    started.push(backend);
    return backend;
  };

  beforeAll(async () => {
    alphaBackend = await startBackend({
      features: [createProbePlugin('alpha', holder)],
      config: { backend: { auth: { externalAccess } } },
    });
    started.push(alphaBackend);
  });

  afterAll(async () => {
    await Promise.all(started.map((b) => b.stop()));
  });

  it("verifies a token minted on another backend with that backend's published keys", async () => {
    holder.baseUrl = (await startBeta(alphaBackend.baseUrl)).baseUrl;
    const { status, body } = await get(`${alphaBackend.baseUrl}/api/alpha/call/beta`);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 200,
      body: { plugin: 'beta', principal: { type: 'service', subject: 'plugin:alpha' } },
    });
  });

  it('refuses a token of a plugin that discovery does not place anywhere', async () => {
    holder.baseUrl = (await startBeta(undefined)).baseUrl;
    const { body } = await get(`${alphaBackend.baseUrl}/api/alpha/call/beta`);
    expect(body.status).toBe(401);
    expect(body.body.error.message).toContain("unknown signing key of plugin 'alpha'");
  });

  it('refuses a token whose key the named backend does not publish', async () => {
    // Discovery places alpha on a backend that does host an 'alpha' plugin, but another one with
    // other keys: the token's key ID is not among them.
    const impostor = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { auth: { externalAccess } } },
    });
    started.push(impostor);
    holder.baseUrl = (await startBeta(impostor.baseUrl)).baseUrl;
    const { body } = await get(`${alphaBackend.baseUrl}/api/alpha/call/beta`);
    expect(body.status).toBe(401);
    expect(body.body.error.message).toContain("unknown signing key of plugin 'alpha'");
  });

  it('answers 503 while the backend that publishes the keys cannot be reached', async () => {
    holder.baseUrl = (await startBeta('http://127.0.0.1:9')).baseUrl;
    const { body } = await get(`${alphaBackend.baseUrl}/api/alpha/call/beta`);
    expect(body.status).toBe(503);
    expect(body.body.error.name).toBe('ServiceUnavailableError');
  });
});

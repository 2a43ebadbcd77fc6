import type { InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';
import { readJson } from '../../testing/readJson';
import { rootHttpRouterServiceFactory } from './rootHttpRouterServiceFactory';

const TOKEN = 'ops-token-0123456789-abcdefghijklmn';
const backendConfig = {
  backend: { auth: { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] } },
};
const headers = { authorization: `Bearer ${TOKEN}` };

describe('rootHttpRouter configure hook', () => {
  let backend: StartedBackend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it('runs user middleware before the default pipeline, which stays complete', async () => {
    const seen: string[] = [];
    backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: backendConfig,
      rootHttpRouter: {
        configure({ app, applyDefaults }) {
          app.use((req, res, next) => {
            seen.push(req.path);
            res.setHeader('x-site', 'acme');
            next();
          });
          applyDefaults();
        },
      },
    });
    const open = await fetch(`${backend.baseUrl}/api/alpha/whoami`, { headers });
    expect(open.status).toBe(200);
    expect(open.headers.get('x-site')).toBe('acme');
    expect(open.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(open.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await readJson(open)).toMatchObject({ plugin: 'alpha', principal: { subject: 'ops' } });
    expect((await fetch(`${backend.baseUrl}/api/alpha/whoami`)).status).toBe(401);
    const health = await fetch(`${backend.baseUrl}/.trellis/health/v1/liveness`);
    expect(health.status).toBe(200);
    const missing = await fetch(`${backend.baseUrl}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await readJson(missing)).toMatchObject({ error: { name: 'NotFoundError' } });
    expect(seen).toEqual(['/api/alpha/whoami', '/api/alpha/whoami', '/.trellis/health/v1/liveness', '/nothing-here']);
  });

  it('assembles a pipeline of its own from the pieces, with its own routes beside the plugins', async () => {
    backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: backendConfig,
      rootHttpRouter: {
        configure({ app, middleware, routes, healthRouter, server }) {
          expect(server.listening).toBe(false);
          app.use(middleware.logging(), middleware.helmet(), middleware.cors(), middleware.requestChecks());
          app.use(healthRouter);
          app.get('/site/version', (_req, res) => void res.json({ version: '1.2.3' }));
          app.use(middleware.rateLimit());
          app.use(routes);
          app.use(middleware.notFound());
          app.use(middleware.error());
        },
      },
    });
    const version = await fetch(`${backend.baseUrl}/site/version`);
    expect(await readJson(version)).toEqual({ version: '1.2.3' });
    expect(version.headers.get('x-content-type-options')).toBe('nosniff');
    const echo = await fetch(`${backend.baseUrl}/api/alpha/echo`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await readJson(echo)).toEqual({ body: { a: 1 } });
    const malformed = await fetch(`${backend.baseUrl}/api/alpha/echo`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(malformed.status).toBe(400);
    expect((await fetch(`${backend.baseUrl}/.trellis/health/v1/readiness`)).status).toBe(200);
    expect((await fetch(`${backend.baseUrl}/site/nothing`)).status).toBe(404);
  });

  it('is a factory as exported, and makes one with options when called, as in Backstage', () => {
    const plain = rootHttpRouterServiceFactory as unknown as InternalServiceFactory;
    const configured = rootHttpRouterServiceFactory({ configure: () => {} }) as unknown as InternalServiceFactory;
    expect(plain.service.id).toBe('core.rootHttpRouter');
    expect(configured.service.id).toBe('core.rootHttpRouter');
    expect(configured).not.toBe(plain);
  });
});

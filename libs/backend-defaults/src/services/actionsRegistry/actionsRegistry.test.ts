import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { actionsRegistryServiceRef } from '@trellis/backend-plugin-api/alpha';
import { createPermission } from '@trellis/plugin-permission-common';
import { z as ownZod } from 'zod/v3';
import { readJson } from '../../testing/readJson';
import { startBackend, StartedBackend } from '../../testing/startBackend';

const FULL_TOKEN = 'full-token-0123456789-abcdefghijklm';
const NARROW_TOKEN = 'narrow-token-0123456789-abcdefghij';
const SECRET_READ = createPermission({ name: 'probe.secret.read', attributes: { action: 'read' } });

// A schema the plugin builds with its own zod import and mixes into the registry's, as published
// plugins do.
const tags = ownZod.array(ownZod.string());

let duplicateError: unknown;

const probePlugin = createBackendPlugin({
  pluginId: 'probe',
  register(env) {
    env.registerInit({
      deps: { actionsRegistry: actionsRegistryServiceRef, auth: coreServices.auth },
      async init({ actionsRegistry, auth }) {
        actionsRegistry.register({
          name: 'echo',
          title: 'Echo',
          description: 'Answers with its input and who asked',
          attributes: { readOnly: true },
          schema: {
            input: (z) => z.object({ text: z.string().describe('What to echo'), tags: tags.optional() }),
            output: (z) => z.object({ text: z.string(), caller: z.string() }),
          },
          action: async ({ input, credentials }) => ({
            output: {
              text: input.text,
              caller: auth.isPrincipal(credentials, 'service') ? credentials.principal.subject : 'other',
            },
          }),
        });
        actionsRegistry.register({
          name: 'secret',
          title: 'Secret',
          description: 'Only for callers allowed to read secrets',
          visibilityPermission: SECRET_READ,
          schema: { input: (z) => z.object({}), output: (z) => z.object({ ok: z.boolean() }) },
          action: async () => ({ output: { ok: true } }),
        });
        try {
          actionsRegistry.register({
            name: 'echo',
            title: 'Echo again',
            description: '',
            schema: { input: (z) => z.object({}), output: (z) => z.object({}) },
            action: async () => ({ output: {} }),
          });
        } catch (error) {
          duplicateError = error;
        }
      },
    });
  },
});

describe('the actions registry', () => {
  let backend: StartedBackend;

  beforeAll(async () => {
    backend = await startBackend({
      features: [probePlugin],
      config: {
        permission: { enabled: true },
        backend: {
          auth: {
            externalAccess: [
              { type: 'static', options: { token: FULL_TOKEN, subject: 'full' } },
              {
                type: 'static',
                options: { token: NARROW_TOKEN, subject: 'narrow' },
                accessRestrictions: [{ plugin: 'probe', permission: 'probe.other' }],
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

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${backend.baseUrl}/api/probe/.backstage/actions${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await readJson(response)) as any };
  };

  it('lists the actions with their IDs, attributes and JSON schemas', async () => {
    const { status, body } = await call('GET', '/v1/actions', FULL_TOKEN);
    expect(status).toBe(200);
    expect(body.actions.map((a: { id: string }) => a.id)).toEqual(['probe:echo', 'probe:secret']);
    const echo = body.actions[0];
    expect(echo).toMatchObject({
      name: 'echo',
      title: 'Echo',
      pluginId: 'probe',
      attributes: { readOnly: true, destructive: false, idempotent: false },
    });
    expect(echo.schema.input).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string', description: 'What to echo' }, tags: { type: 'array' } },
      required: ['text'],
    });
    expect(body.actions[1].attributes).toEqual({ readOnly: false, destructive: true, idempotent: false });
  });

  it('invokes an action with validated input and the caller credentials', async () => {
    const v1 = await call('POST', '/v1/actions/probe:echo/invoke', FULL_TOKEN, { text: 'hi', tags: ['a'] });
    expect(v1).toEqual({ status: 200, body: { output: { text: 'hi', caller: 'full' } } });
    const v2 = await call('POST', '/v2/actions/probe:echo/invoke', FULL_TOKEN, { input: { text: 'yo' } });
    expect(v2.body).toEqual({ output: { text: 'yo', caller: 'full' } });
  });

  it('answers 400 for input the schema refuses and for secrets an action does not take', async () => {
    const bad = await call('POST', '/v1/actions/probe:echo/invoke', FULL_TOKEN, { text: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ name: 'InputError', message: expect.stringContaining('text') });
    const secrets = await call('POST', '/v2/actions/probe:echo/invoke', FULL_TOKEN, {
      input: { text: 'x' },
      secrets: { key: 'v' },
    });
    expect(secrets.status).toBe(400);
  });

  it('answers 404 for an unknown action and 401 without credentials', async () => {
    expect((await call('POST', '/v1/actions/probe:nope/invoke', FULL_TOKEN, {})).status).toBe(404);
    expect((await call('GET', '/v1/actions')).status).toBe(401);
    expect((await call('POST', '/v1/actions/probe:echo/invoke', undefined, { text: 'x' })).status).toBe(401);
  });

  it('hides an action from callers its visibility permission denies', async () => {
    const { body } = await call('GET', '/v1/actions', NARROW_TOKEN);
    expect(body.actions.map((a: { id: string }) => a.id)).toEqual(['probe:echo']);
    expect((await call('POST', '/v1/actions/probe:secret/invoke', NARROW_TOKEN, {})).status).toBe(404);
    expect((await call('POST', '/v1/actions/probe:secret/invoke', FULL_TOKEN, {})).body).toEqual({
      output: { ok: true },
    });
  });

  it('refuses a second action of the same name', () => {
    expect(String(duplicateError)).toMatch(/probe:echo.*already registered/);
  });
});

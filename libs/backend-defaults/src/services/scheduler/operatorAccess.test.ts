import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { readJson } from '../../testing/readJson';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';
import { startUserTokenIssuer } from '../../testing/userTokens';

const OPS = 'ops-operator-token-0123456789abcdef';
const CI = 'ci-pipeline-token-0123456789abcdef';

/** A plugin with one manual global task, so its operator endpoints have something to act on. */
const jobsPlugin = createBackendPlugin({
  pluginId: 'jobs',
  register(env) {
    env.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        await scheduler.scheduleTask({
          id: 'nightly',
          frequency: { trigger: 'manual' },
          timeout: { seconds: 5 },
          fn: async () => {},
        });
      },
    });
  },
});

async function call(url: string, token: string | undefined, method = 'GET') {
  const response = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await readJson(response) };
}

describe('scheduler operator endpoints', () => {
  let backend: StartedBackend;
  let idp: Awaited<ReturnType<typeof startUserTokenIssuer>>;
  let tasks: string;

  beforeAll(async () => {
    idp = await startUserTokenIssuer({ principal: 'user' });
    backend = await startBackend({
      features: [jobsPlugin, createProbePlugin('alpha')],
      config: {
        backend: {
          auth: {
            externalAccess: [
              { type: 'static', options: { token: OPS, subject: 'ops-bot' } },
              { type: 'static', options: { token: CI, subject: 'ci' } },
              idp.accessEntry,
            ],
          },
          scheduler: { operators: ['ops-bot', 'user:default/oncall'] },
        },
      },
    });
    tasks = `${backend.baseUrl}/api/jobs/.trellis/scheduler/tasks`;
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await idp?.stop();
  });

  it('refuses a user token on list, trigger and cancel with 403 and a clear message', async () => {
    const token = await idp.mint('alice');
    for (const [url, method] of [
      [tasks, 'GET'],
      [`${tasks}/nightly/trigger`, 'POST'],
      [`${tasks}/nightly/cancel`, 'POST'],
    ]) {
      const answer = await call(url, token, method);
      expect(answer.status).toBe(403);
      expect(answer.body.error).toEqual({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /operator endpoints are for operators only; user 'user:default\/alice' is not one.*backend\.scheduler\.operators/,
        ),
      });
    }
  });

  it('refuses an external service token that is not listed as an operator', async () => {
    const answer = await call(`${tasks}/nightly/trigger`, CI, 'POST');
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toMatch(/service 'ci' is not one/);
  });

  it('refuses a call without credentials with 401', async () => {
    expect((await call(tasks, undefined)).status).toBe(401);
  });

  it('lets a listed external token list and trigger tasks', async () => {
    const list = await call(tasks, OPS);
    expect(list.status).toBe(200);
    expect(list.body.tasks.map((t: { id: string }) => t.id)).toEqual(['nightly']);
    expect(await call(`${tasks}/nightly/trigger`, OPS, 'POST')).toEqual({
      status: 200,
      body: { triggered: 'nightly' },
    });
  });

  it('lets a listed user list tasks', async () => {
    expect((await call(tasks, await idp.mint('oncall'))).status).toBe(200);
  });

  it('lets another plugin, calling with its own service token, list tasks', async () => {
    // alpha mints a token for jobs on behalf of the 'ci' service; jobs sees the service 'plugin:alpha'.
    const minted = await call(`${backend.baseUrl}/api/alpha/token/jobs`, CI);
    expect(minted.status).toBe(200);
    expect((await call(tasks, minted.body.token)).status).toBe(200);
  });
});

describe('scheduler configuration', () => {
  it.each([
    [{ pollIntervalMs: 2.5 }, /backend\.scheduler\.pollIntervalMs: must be a whole number/],
    [{ leaseMs: -1 }, /backend\.scheduler\.leaseMs: must be a whole number/],
    [{ leaseMs: 'soon' }, /backend\.scheduler\.leaseMs/],
    [{ operators: 'ops-bot' }, /backend\.scheduler\.operators: must be a list of principal subjects/],
    [{ operators: [''] }, /backend\.scheduler\.operators/],
  ])('refuses to start with bad scheduler config %#', async (scheduler, message) => {
    await expect(startBackend({ features: [jobsPlugin], config: { backend: { scheduler } } })).rejects.toThrow(message);
  });
});

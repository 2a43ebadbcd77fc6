import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend } from '@trellis/backend-test-utils';
import todoPlugin from '@trellis/plugin-todo-backend';

const TOKEN = 'metrics-token-0123456789';

const busyPlugin = createBackendPlugin({
  pluginId: 'busy',
  register(env) {
    env.registerInit({
      deps: { cache: coreServices.cache, scheduler: coreServices.scheduler },
      async init({ cache, scheduler }) {
        await cache.set('present', 1);
        await cache.get('present');
        await cache.get('absent');
        await scheduler.scheduleTask({
          id: 'tick',
          scope: 'local',
          frequency: { milliseconds: 50 },
          timeout: { seconds: 1 },
          fn: async () => {},
        });
      },
    });
  },
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

describe('metrics', () => {
  it('exposes HTTP, start-up, database pool, scheduler, cache and process series after traffic', async () => {
    const backend = await startTestBackend({
      features: [todoPlugin, busyPlugin, import('@trellis/plugin-example-backend')],
      config: { backend: { metrics: { token: TOKEN } } },
    });
    for (let i = 0; i < 3; i++) {
      await fetch(`${backend.baseUrl}/api/todo/todos`, { headers: { authorization: mockCredentials.user.header() } });
    }
    await fetch(`${backend.baseUrl}/api/todo/todos`);
    expect((await fetch(`${backend.baseUrl}/.trellis/metrics`)).status).toBe(401);
    // Scrape until the busy plugin's task has run twice (its 50 ms ticks slow down on a loaded machine).
    let text = '';
    for (
      const deadline = Date.now() + 20_000;
      (sample(text, 'trellis_scheduler_task_runs_total', { plugin: 'busy', task: 'tick', result: 'success' }) ?? 0) < 2;
    ) {
      if (Date.now() > deadline) throw new Error(`the busy plugin's task did not run twice in 20 s:\n${text}`);
      const response = await fetch(`${backend.baseUrl}/.trellis/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      text = await response.text();
    }
    expect(
      sample(text, 'trellis_http_requests_total', {
        plugin: 'todo',
        route: '/api/todo/todos',
        status: '200',
        method: 'GET',
      }),
    ).toBe(3);
    expect(sample(text, 'trellis_http_requests_total', { plugin: 'todo', status: '401' })).toBe(1);
    expect(sample(text, 'trellis_http_request_duration_seconds_count', { plugin: 'todo', status: '200' })).toBe(3);
    expect(sample(text, 'trellis_plugin_startup_seconds', { plugin: 'todo', state: 'ready' })).toBeGreaterThan(0);
    expect(sample(text, 'trellis_database_pool_connections', { plugin: 'todo', state: 'free' })).toBeGreaterThanOrEqual(
      0,
    );
    expect(
      sample(text, 'trellis_scheduler_task_runs_total', { plugin: 'busy', task: 'tick', result: 'success' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'trellis_cache_operations_total', { plugin: 'busy', result: 'hit' })).toBe(1);
    expect(sample(text, 'trellis_cache_operations_total', { plugin: 'busy', result: 'miss' })).toBe(1);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+/m);
    await backend.stop();
  });

  it('is off without a configured token', async () => {
    const backend = await startTestBackend({ features: [import('@trellis/plugin-example-backend')] });
    expect((await fetch(`${backend.baseUrl}/.trellis/metrics`)).status).toBe(404);
    await backend.stop();
  });
});

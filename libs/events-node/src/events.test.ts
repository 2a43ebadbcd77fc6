import { waitFor } from '@trellis/test-kit';
import { createBackendPlugin, JsonObject } from '@trellis/backend-plugin-api';
import { CapturedLogLine, startTestBackend, TestBackend, TestDatabases } from '@trellis/backend-test-utils';
import { eventsServiceRef } from './eventsServiceRef';
import { EventParams, EventsService } from './types';

const databases = TestDatabases.create();
const engines = databases.eachSupportedId();

/** A plugin that hands its events service to `setup` during init. */
function pluginWithEvents(pluginId: string, setup: (events: EventsService) => Promise<void>) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({ deps: { events: eventsServiceRef }, init: ({ events }) => setup(events) });
    },
  });
}

const backends: TestBackend[] = [];
afterEach(async () => {
  await Promise.allSettled(backends.splice(0).map((backend) => backend.stop()));
});

async function start(
  database: JsonObject,
  plugins: ReturnType<typeof pluginWithEvents>[],
  options: { logLines?: CapturedLogLine[]; events?: JsonObject } = {},
) {
  const events = { pollIntervalMs: 200, retryDelayMs: 10, leaseMs: 5000, ...options.events };
  const backend = await startTestBackend({
    features: plugins,
    config: { backend: { database, events } },
    logLines: options.logLines,
  });
  backends.push(backend);
  return backend;
}

describe.each(engines)('events service on %s', (engine) => {
  it('delivers each event to every subscriber of its topic, in publish order, with its metadata', async () => {
    const one: EventParams[] = [];
    const two: EventParams[] = [];
    let publisher!: EventsService;
    await start(await databases.backendConfig(engine), [
      pluginWithEvents('alpha', async (events) => {
        await events.subscribe({ id: 'one', topics: ['builds'], onEvent: async (e) => void one.push(e) });
      }),
      pluginWithEvents('beta', async (events) => {
        publisher = events;
        await events.subscribe({ id: 'two', topics: ['builds', 'deploys'], onEvent: async (e) => void two.push(e) });
      }),
    ]);
    await publisher.publish({ topic: 'builds', eventPayload: { n: 1 }, metadata: { 'x-source': 'ci' } });
    await publisher.publish({ topic: 'deploys', eventPayload: { n: 2 } });
    await publisher.publish({ topic: 'builds', eventPayload: { n: 3 } });
    await waitFor(() => two.length === 3, { what: 'three events for beta.two' });
    await waitFor(() => one.length === 2, { what: 'two events for alpha.one' });
    expect(one).toEqual([
      { topic: 'builds', eventPayload: { n: 1 }, metadata: { 'x-source': 'ci' } },
      { topic: 'builds', eventPayload: { n: 3 } },
    ]);
    expect(two.map((e) => e.eventPayload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('retries a throwing handler, then logs and skips the event, and goes on with the next', async () => {
    const lines: CapturedLogLine[] = [];
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    let publisher!: EventsService;
    await start(
      await databases.backendConfig(engine),
      [
        pluginWithEvents('gamma', async (events) => {
          publisher = events;
          await events.subscribe({
            id: 'picky',
            topics: ['jobs'],
            onEvent: async ({ eventPayload }) => {
              const name = String(eventPayload);
              attempts.set(name, (attempts.get(name) ?? 0) + 1);
              if (name === 'bad' || (name === 'flaky' && attempts.get(name) === 1)) {
                throw new Error(`cannot handle ${name}`);
              }
              handled.push(name);
            },
          });
        }),
      ],
      { logLines: lines },
    );
    for (const name of ['flaky', 'bad', 'after']) {
      await publisher.publish({ topic: 'jobs', eventPayload: name });
    }
    await waitFor(() => handled.includes('after'), { what: 'the event after the bad one' });
    expect(handled).toEqual(['flaky', 'after']);
    expect(Object.fromEntries(attempts)).toEqual({ flaky: 2, bad: 3, after: 1 });
    const given = lines.filter((line) => line.level === 'error' && line.subscriberId === 'gamma.picky');
    expect(given).toHaveLength(1);
    expect(given[0]).toMatchObject({ topic: 'jobs', attempt: 3 });
    expect(given[0].message).toContain("Subscriber 'gamma.picky' failed to handle an event of topic 'jobs' 3 time(s)");
  });

  it('refuses bad input with an InputError that says what is wrong', async () => {
    let events!: EventsService;
    await start(await databases.backendConfig(engine), [pluginWithEvents('delta', async (e) => void (events = e))]);
    await expect(events.publish({ topic: '', eventPayload: 1 })).rejects.toMatchObject({
      name: 'InputError',
      message: 'Invalid event topic "": must be a string of 1 to 255 characters',
    });
    await expect(events.publish({ topic: 't', eventPayload: undefined })).rejects.toMatchObject({
      name: 'InputError',
      message: 'Invalid event eventPayload: it must be a JSON value, got undefined',
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(events.publish({ topic: 't', eventPayload: cyclic })).rejects.toMatchObject({ name: 'InputError' });
    await expect(events.subscribe({ id: 'no spaces', topics: ['t'], onEvent: async () => {} })).rejects.toMatchObject({
      name: 'InputError',
    });
    await expect(events.subscribe({ id: 'ok', topics: [], onEvent: async () => {} })).rejects.toMatchObject({
      message: "Subscriber 'ok' needs at least one topic",
    });
  });
});

const onPostgres = engines.includes('POSTGRES') ? describe : describe.skip;

onPostgres('events service across instances on PostgreSQL', () => {
  it('wakes the other instance at once and reaches its subscribers, and a subscriber ID on both exactly once in total', async () => {
    const database = await databases.backendConfig('POSTGRES');
    const seen = { onA: [] as number[], onB: [] as number[], sharedA: [] as number[], sharedB: [] as number[] };
    let publisherA!: EventsService;
    const instance = (side: 'A' | 'B') =>
      pluginWithEvents('listener', async (events) => {
        if (side === 'A') {
          publisherA = events;
        }
        const record = (list: number[]) => async (e: EventParams) => void list.push(e.eventPayload as number);
        await events.subscribe({
          id: `on-${side}`,
          topics: ['ticks'],
          onEvent: record(side === 'A' ? seen.onA : seen.onB),
        });
        await events.subscribe({
          id: 'shared',
          topics: ['ticks'],
          onEvent: record(side === 'A' ? seen.sharedA : seen.sharedB),
        });
      });
    // No polling: only PostgreSQL's notifications can wake instance B.
    const noPolling = { events: { pollIntervalMs: 3_600_000 } };
    await start(database, [instance('A')], noPolling);
    await start(database, [instance('B')], noPolling);
    const count = 40;
    for (let i = 0; i < count; i++) {
      await publisherA.publish({ topic: 'ticks', eventPayload: i });
    }
    const all = Array.from({ length: count }, (_, i) => i);
    await waitFor(() => seen.onA.length === count, { what: 'every event on instance A' });
    await waitFor(() => seen.onB.length === count, { what: 'every event on instance B' });
    await waitFor(() => seen.sharedA.length + seen.sharedB.length >= count, {
      what: 'every event once for the shared subscriber',
    });
    expect(seen.onA).toEqual(all);
    expect(seen.onB).toEqual(all);
    // A last event, delivered after the others: by then any duplicate of an earlier one would show.
    await publisherA.publish({ topic: 'ticks', eventPayload: count });
    await waitFor(() => seen.onA.length > count && seen.onB.length > count, {
      what: 'the last event on both instances',
    });
    await waitFor(() => [...seen.sharedA, ...seen.sharedB].includes(count), {
      what: 'the last event for the shared subscriber',
    });
    expect([...seen.sharedA, ...seen.sharedB].sort((a, b) => a - b)).toEqual([...all, count]);
  });

  it('delivers the events published while a subscriber was down once its instance is back', async () => {
    const database = await databases.backendConfig('POSTGRES');
    const received: unknown[] = [];
    const subscriber = pluginWithEvents('archive', async (events) => {
      await events.subscribe({
        id: 'store',
        topics: ['orders'],
        onEvent: async (e) => void received.push(e.eventPayload),
      });
    });
    let publisher!: EventsService;
    await start(database, [pluginWithEvents('shop', async (events) => void (publisher = events))]);
    const first = await start(database, [subscriber]);
    await publisher.publish({ topic: 'orders', eventPayload: 'before' });
    await waitFor(() => received.length === 1, { what: 'the event published while the subscriber ran' });
    await first.stop();
    await publisher.publish({ topic: 'orders', eventPayload: 'while-down-1' });
    await publisher.publish({ topic: 'orders', eventPayload: 'while-down-2' });
    await start(database, [subscriber]);
    await waitFor(() => received.length === 3, { what: 'the events published while it was down' });
    expect(received).toEqual(['before', 'while-down-1', 'while-down-2']);
  });
});

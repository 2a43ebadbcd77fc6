import { LoggerService } from '@trellis/backend-plugin-api';
import { requirePostgres, waitFor } from '@trellis/test-kit';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { ConfigReader } from '../rootConfig';
import { DatabaseManager } from '../database';
import { readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@trellis/backend-plugin-api';
import { DefaultSchedulerService } from './DefaultSchedulerService';
import { parseDuration, parseFrequency } from './schedule';

const logger: LoggerService = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => logger };
const pgUp = requirePostgres('the PostgreSQL scheduler tests');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    // Bounded like the backend's own shutdown hooks, so one slow stop cannot stall the suite; the
    // timer is cleared after, so it cannot keep Jest waiting either.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([cleanup(), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
  }
}, 60_000);

async function databaseConfig(engine: string): Promise<object> {
  if (engine === 'sqlite') {
    return {
      client: 'better-sqlite3',
      connection: { directory: fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-sched-')) },
    };
  }
  const name = `trellis_test_${Math.random().toString(36).slice(2, 10)}`;
  const admin = knexFactory({
    client: 'pg',
    connection: { host: '127.0.0.1', user: 'postgres', database: 'postgres' },
  });
  await admin.raw('create database ??', [name]);
  cleanups.push(async () => {
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });
  return {
    client: 'pg',
    pluginDivisionMode: 'schema',
    connection: { host: '127.0.0.1', user: 'postgres', database: name },
  };
}

/** One "instance": its own database manager and scheduler for plugin 'jobs'. */
function instance(database: object, settings = { pollIntervalMs: 50, leaseMs: 1000 }) {
  const manager = DatabaseManager.fromConfig(ConfigReader.fromData({ backend: { database } } as never), { logger });
  const scheduler = DefaultSchedulerService.create({ database: manager.forPlugin('jobs', logger), logger, settings });
  cleanups.push(async () => {
    await scheduler.shutdown();
    await manager.destroy();
  });
  return scheduler;
}

/** A task function that never finishes and ignores its abort signal. */
const hangForever = (onStart: () => void) => () => {
  onStart();
  return new Promise<void>(() => {});
};

describe('schedules', () => {
  it('parses cron, durations, ISO durations and manual triggers', () => {
    expect(parseFrequency({ minutes: 10 })(0)).toBe(600_000);
    expect(parseFrequency('PT1H30M')(0)).toBe(5_400_000);
    expect(parseFrequency({ cron: '0 * * * *' })(Date.parse('2026-01-01T10:15:00Z'))).toBe(
      Date.parse('2026-01-01T11:00:00Z'),
    );
    expect(parseFrequency({ trigger: 'manual' })(0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseDuration({ seconds: 30 }, 'timeout')).toBe(30_000);
    // luxon's Duration, as Backstage plugins pass it: an object that converts itself.
    const luxonLike = { values: { minutes: 5 }, toMillis: () => 300_000, toJSON: () => 'PT5M' };
    expect(parseDuration(luxonLike, 'timeout')).toBe(300_000);
    expect(parseFrequency(luxonLike)(1_000)).toBe(301_000);
    expect(() => parseDuration({ toMillis: () => Number.NaN }, 'timeout')).toThrow(/Invalid timeout/);
    expect(() => parseFrequency('every hour')).toThrow(/ISO 8601/);
    expect(() => parseFrequency({ cron: 'not cron' })).toThrow();
  });

  it('reads a schedule from config', () => {
    const config = ConfigReader.fromData({ refresh: { frequency: 'PT10M', timeout: { minutes: 2 }, scope: 'local' } });
    const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('refresh'));
    expect(schedule).toEqual({ frequency: 'PT10M', timeout: { minutes: 2 }, scope: 'local' });
    expect(parseFrequency(schedule.frequency)(0)).toBe(600_000);
    expect(() =>
      readSchedulerServiceTaskScheduleDefinitionFromConfig(ConfigReader.fromData({ timeout: 'PT1M' })),
    ).toThrow(/frequency/);
  });
});

describe.each(pgUp ? ['postgres', 'sqlite'] : ['sqlite'])('scheduler on %s', (engine) => {
  it('runs a global task once per interval across two instances, never at the same time', async () => {
    const db = await databaseConfig(engine);
    const starts: Array<{ who: string; at: number }> = [];
    let concurrent = 0;
    let overlap = false;
    const fn = (who: string) => async () => {
      if (++concurrent > 1) overlap = true;
      starts.push({ who, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 20));
      concurrent--;
    };
    const schedule = { frequency: { milliseconds: 300 }, timeout: { seconds: 5 } };
    await instance(db).scheduleTask({ id: 'sync', ...schedule, fn: fn('a') });
    await instance(db).scheduleTask({ id: 'sync', ...schedule, fn: fn('b') });
    await waitFor(() => starts.length >= 6, { what: 'six runs of the global task' });
    expect(overlap).toBe(false);
    // Once per interval between the two instances, not at every 50 ms poll: a slow machine only
    // widens the gaps. The interval counts from the claim, a database round trip before the
    // function starts, so a gap between two starts may fall short of it by that round trip.
    const gaps = starts.slice(1, 6).map((start, i) => start.at - starts[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
  });

  it('runs a local task on every instance', async () => {
    const db = await databaseConfig(engine);
    const runs = { a: 0, b: 0 };
    await instance(db).scheduleTask({
      id: 'warm',
      scope: 'local',
      frequency: { milliseconds: 100 },
      timeout: { seconds: 1 },
      fn: async () => void runs.a++,
    });
    await instance(db).scheduleTask({
      id: 'warm',
      scope: 'local',
      frequency: { milliseconds: 100 },
      timeout: { seconds: 1 },
      fn: async () => void runs.b++,
    });
    await waitFor(() => runs.a >= 3 && runs.b >= 3, { what: 'three runs of the local task on each instance' });
  });

  it('aborts a run past its timeout and records it as failed', async () => {
    const scheduler = instance(await databaseConfig(engine));
    let aborted: unknown;
    await scheduler.scheduleTask({
      id: 'slow',
      frequency: { minutes: 10 },
      timeout: { milliseconds: 100 },
      fn: (signal) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve((aborted = signal.reason)))),
    });
    await waitFor(() => aborted !== undefined, { what: 'the slow run to be aborted' });
    expect(String(aborted)).toMatch(/timed out after 100ms/);
    await waitFor(
      async () => {
        const tasks = await scheduler.describeTasks();
        return tasks.find((t) => t.id === 'slow')?.lastRunError !== undefined;
      },
      { what: 'the aborted run to be recorded' },
    );
  });

  it.each(['global', 'local'] as const)(
    'runs a failing %s task again at its next regular slot, not sooner and not never',
    async (scope) => {
      const scheduler = instance(await databaseConfig(engine));
      const startedAt: number[] = [];
      await scheduler.scheduleTask({
        id: 'broken',
        scope,
        frequency: { seconds: 2 },
        timeout: { seconds: 1 },
        fn: async () => {
          startedAt.push(Date.now());
          throw new Error('upstream down');
        },
      });
      await waitFor(() => startedAt.length >= 2, { what: 'a second run of the failing task' });
      // The next slot is 2 s after the failed run started; Backstage's rule, no retry in between.
      expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(1900);
      if (scope === 'global') {
        const tasks = await scheduler.describeTasks();
        expect(tasks.find((t) => t.id === 'broken')).toMatchObject({ lastRunError: { message: 'upstream down' } });
      }
    },
  );

  it('retries a failing task with backoff, well before its next slot, when the task opts in', async () => {
    const scheduler = instance(await databaseConfig(engine));
    const startedAt: number[] = [];
    await scheduler.scheduleTask({
      id: 'backoff',
      frequency: { minutes: 10 },
      timeout: { seconds: 1 },
      failureBackoff: { maxDelay: { seconds: 2 } },
      fn: async () => {
        startedAt.push(Date.now());
        throw new Error('upstream down');
      },
    });
    await waitFor(() => startedAt.length >= 3, { what: 'three runs of the failing task within seconds' });
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(950);
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(1900);
  });

  it('runs manual tasks only when triggered, and cancels a running task', async () => {
    const db = await databaseConfig(engine);
    const scheduler = instance(db);
    let runs = 0;
    let cancelled = false;
    await scheduler.scheduleTask({
      id: 'manual',
      frequency: { trigger: 'manual' },
      timeout: { seconds: 5 },
      fn: (signal) =>
        new Promise<void>((resolve) => {
          runs++;
          signal.addEventListener('abort', () => {
            cancelled = true;
            resolve();
          });
        }),
    });
    // A manual task is stored with no next run, so no poll can ever pick it up on its own.
    const [stored] = await scheduler.describeTasks();
    expect(stored).toMatchObject({ id: 'manual', state: 'idle', nextRunAt: undefined, lastRunStartedAt: undefined });
    expect(runs).toBe(0);
    await scheduler.triggerTask('manual');
    await waitFor(() => runs === 1, { what: 'the triggered run to start' });
    await expect(scheduler.triggerTask('manual')).rejects.toThrow(/is running/);
    await scheduler.cancelTask('manual');
    await waitFor(() => cancelled, { what: 'the running task to see its cancellation' });
    expect(runs).toBe(1);
    await expect(scheduler.triggerTask('nope')).rejects.toThrow(/No task 'nope'/);
  });

  it('aborts running tasks at shutdown and releases their lease for another instance', async () => {
    const db = await databaseConfig(engine);
    const first = instance(db);
    let firstSignal: AbortSignal | undefined;
    await first.scheduleTask({
      id: 'long',
      frequency: { minutes: 10 },
      timeout: { minutes: 1 },
      fn: (signal) =>
        new Promise<void>((resolve) => ((firstSignal = signal), signal.addEventListener('abort', () => resolve()))),
    });
    await waitFor(() => firstSignal, { what: 'the long run to start on the first instance' });
    let secondRan = false;
    const second = instance(db);
    await second.scheduleTask({
      id: 'long',
      frequency: { minutes: 10 },
      timeout: { minutes: 1 },
      fn: async () => void (secondRan = true),
    });
    await first.shutdown();
    expect(firstSignal!.aborted).toBe(true);
    // The lease is released by the time shutdown resolves, not some time after.
    const [released] = await second.describeTasks();
    expect(released).toMatchObject({ id: 'long', state: 'idle' });
    await waitFor(() => secondRan, { what: 'the second instance to take the task over' });
  });

  it('ends a run past its timeout and releases its lease even when the task ignores its signal', async () => {
    const db = await databaseConfig(engine);
    const scheduler = instance(db);
    let runs = 0;
    await scheduler.scheduleTask({
      id: 'stuck',
      frequency: { milliseconds: 100 },
      timeout: { milliseconds: 200 },
      fn: hangForever(() => runs++),
    });
    await waitFor(() => runs === 1, { what: 'the first run to start' });
    await waitFor(
      async () => {
        const task = (await scheduler.describeTasks()).find((t) => t.id === 'stuck');
        return /timed out after 200ms/.test(String((task?.lastRunError as { message?: string } | undefined)?.message));
      },
      { what: 'the timed-out run to be recorded as failed' },
    );
    await waitFor(() => runs >= 2, { what: 'a second run after the first one timed out' });
  }, 60_000);

  it('lets another instance trigger and run a global task once a run that ignores its signal timed out', async () => {
    const db = await databaseConfig(engine);
    const first = instance(db);
    let firstRuns = 0;
    const schedule = { frequency: { trigger: 'manual' as const }, timeout: { milliseconds: 300 } };
    await first.scheduleTask({ id: 'shared', ...schedule, fn: hangForever(() => firstRuns++) });
    await first.triggerTask('shared');
    await waitFor(() => firstRuns === 1, { what: 'the first instance to start its run' });
    await waitFor(
      async () => {
        const task = (await first.describeTasks()).find((t) => t.id === 'shared');
        return (
          task?.state === 'idle' &&
          /timed out/.test(String((task.lastRunError as { message?: string } | undefined)?.message))
        );
      },
      { what: 'the run to be recorded as timed out' },
    );
    let secondRuns = 0;
    const second = instance(db);
    await second.scheduleTask({ id: 'shared', ...schedule, fn: async () => void secondRuns++ });
    await second.triggerTask('shared');
    await waitFor(() => firstRuns + secondRuns >= 2, { what: 'a new run on either instance after the trigger' });
  }, 60_000);
});

import { SchedulerServiceDuration, SchedulerServiceTaskFrequency } from '@trellis/backend-plugin-api';
import { CronExpressionParser } from 'cron-parser';
import { durationToMs } from '../cache/durations';

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Milliseconds of a duration as units, an ISO 8601 duration (`PT10M`), a duration object with
 * `toMillis()` (luxon's, as Backstage plugins pass) or a number of ms.
 */
export function parseDuration(value: SchedulerServiceDuration | number, what: string): number {
  if (typeof value !== 'string') {
    const ms = isMillisecondsDuration(value) ? value.toMillis() : durationToMs(value);
    if (!Number.isFinite(ms) || ms < 0) {
      throw new Error(`Invalid ${what}: ${JSON.stringify(value)}`);
    }
    return ms;
  }
  const match = ISO_DURATION.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) {
    throw new Error(
      `Invalid ${what} '${value}': use an ISO 8601 duration such as 'PT10M' or an object such as { minutes: 10 }`,
    );
  }
  const [, y, mo, w, d, h, mi, s] = match.map((v) => Number(v ?? 0));
  return durationToMs({ years: y, months: mo, weeks: w, days: d, hours: h, minutes: mi, seconds: s });
}

function isMillisecondsDuration(value: unknown): value is { toMillis(): number } {
  return typeof (value as { toMillis?: unknown } | null)?.toMillis === 'function';
}

/** When a task runs next after `from`: cron, fixed interval, or never (manual only). */
export type NextRun = (from: number) => number;

/** Never: manual tasks run only when triggered. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** Turns a frequency into a function computing the next run time. */
export function parseFrequency(frequency: SchedulerServiceTaskFrequency): NextRun {
  if (typeof frequency === 'object' && 'cron' in frequency) {
    const expression = frequency.cron;
    CronExpressionParser.parse(expression);
    return (from) =>
      CronExpressionParser.parse(expression, { currentDate: new Date(from) })
        .next()
        .getTime();
  }
  if (typeof frequency === 'object' && 'trigger' in frequency) {
    if (frequency.trigger !== 'manual') {
      throw new Error(`Invalid frequency trigger '${frequency.trigger}'; only 'manual' exists`);
    }
    return () => NEVER;
  }
  const ms = parseDuration(frequency as SchedulerServiceDuration, 'frequency');
  if (ms <= 0) {
    throw new Error('A task frequency must be longer than zero');
  }
  return (from) => from + ms;
}

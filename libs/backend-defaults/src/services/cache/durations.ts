import { HumanDuration } from '@trellis/backend-plugin-api';

const UNIT_MS: Record<keyof HumanDuration, number> = {
  years: 365 * 24 * 3600_000,
  months: 30 * 24 * 3600_000,
  weeks: 7 * 24 * 3600_000,
  days: 24 * 3600_000,
  hours: 3600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

/** Milliseconds of a duration given as a number of milliseconds or as units. @public */
export function durationToMs(duration: number | HumanDuration): number {
  if (typeof duration === 'number') {
    return duration;
  }
  return Object.entries(duration).reduce(
    (total, [unit, value]) => total + (value ?? 0) * (UNIT_MS[unit as keyof HumanDuration] ?? Number.NaN),
    0,
  );
}

import { Config } from '@trellis/backend-plugin-api';

/** Settings of the events service, from `backend.events`. @public */
export interface EventsSettings {
  /** How long stored events stay deliverable to a subscriber that was away (PostgreSQL). */
  retentionMs: number;
  /** How often each instance looks for events it was not woken for, and for abandoned work. */
  pollIntervalMs: number;
  /** How long an instance may work on a subscriber's events before another may take over. */
  leaseMs: number;
  /** Deliveries of one event to a handler before it is given up and logged. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled for each further one. */
  retryDelayMs: number;
}

const LIMITS: Record<keyof EventsSettings, { min: number; max: number; default: number }> = {
  retentionMs: { min: 1000, max: 365 * 86_400_000, default: 7 * 86_400_000 },
  pollIntervalMs: { min: 10, max: 3_600_000, default: 1000 },
  leaseMs: { min: 100, max: 86_400_000, default: 30_000 },
  maxAttempts: { min: 1, max: 100, default: 3 },
  retryDelayMs: { min: 0, max: 3_600_000, default: 200 },
};

/** Reads and checks `backend.events`; a bad value throws with the key named. @public */
export function readEventsConfig(config: Config): EventsSettings {
  const settings = {} as EventsSettings;
  for (const [key, limit] of Object.entries(LIMITS) as Array<[keyof EventsSettings, (typeof LIMITS)['leaseMs']]>) {
    const value = config.getOptional(`backend.events.${key}`) ?? limit.default;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < limit.min || value > limit.max) {
      throw new Error(
        `Invalid config backend.events.${key}: must be a whole number from ${limit.min} to ${limit.max}, got ${JSON.stringify(value)}`,
      );
    }
    settings[key] = value;
  }
  return settings;
}

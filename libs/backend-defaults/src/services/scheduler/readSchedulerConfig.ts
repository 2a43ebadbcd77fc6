import { Config } from '@trellis/backend-plugin-api';
import { readIntegerConfig } from '../database/readIntegerConfig';
import { SchedulerSettings } from './DefaultSchedulerService';

const KEY = 'backend.scheduler';
const OPERATOR = /^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,254}$/;

/** The scheduler's settings and who may use its operator endpoints. */
export interface SchedulerConfig {
  settings: SchedulerSettings;
  /** Subjects of external service tokens and user entity refs granted the operator endpoints. */
  operators: ReadonlySet<string>;
}

/**
 * Reads `backend.scheduler`, refusing bad values at start with the key named: `pollIntervalMs`
 * (1000), `leaseMs` (30000) and `operators` (a list of principal subjects).
 */
export function readSchedulerConfig(config: Config): SchedulerConfig {
  const own = config.getOptionalConfig(KEY);
  const pollIntervalMs =
    (own && readIntegerConfig(own, 'pollIntervalMs', { path: KEY, min: 10, max: 3_600_000 })) ?? 1000;
  const leaseMs = (own && readIntegerConfig(own, 'leaseMs', { path: KEY, min: 100, max: 86_400_000 })) ?? 30_000;
  return { settings: { pollIntervalMs, leaseMs }, operators: readOperators(own) };
}

function readOperators(own: Config | undefined): ReadonlySet<string> {
  const raw = own?.getOptional('operators');
  if (raw === undefined) {
    return new Set();
  }
  if (!Array.isArray(raw) || raw.some((entry) => typeof entry !== 'string' || !OPERATOR.test(entry))) {
    throw new Error(
      `Invalid config ${KEY}.operators: must be a list of principal subjects, such as the subject of an external access token ('ops-bot', 'external:idp:deploy-job') or a user entity ref ('user:default/alice'); got ${JSON.stringify(raw)}`,
    );
  }
  return new Set(raw as string[]);
}

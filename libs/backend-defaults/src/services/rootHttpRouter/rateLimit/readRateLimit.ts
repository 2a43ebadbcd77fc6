import { Config } from '@trellis/backend-plugin-api';

/** Rate limit settings, from `backend.rateLimit`. @public */
export interface RateLimitOptions {
  windowMs: number;
  /** Requests one client may make per window. */
  limit: number;
  /** Client addresses that are never limited. */
  ipAllowList: string[];
  /** Let requests through when the store fails (true), or answer 500 (false). */
  passOnStoreError: boolean;
  store: { type: 'memory' } | { type: 'redis'; connection: string; prefix: string };
}

const KEY = 'backend.rateLimit';

/** Reads `backend.rateLimit`: absent or false is off, true is on with the defaults. */
export function readRateLimit(config: Config): RateLimitOptions | undefined {
  const raw = config.getOptional(KEY);
  if (raw === undefined || raw === false) {
    return undefined;
  }
  const section = raw === true ? undefined : config.getConfig(KEY);
  const windowMs = section?.getOptionalNumber('windowMs') ?? 60_000;
  const limit = section?.getOptionalNumber('limit') ?? 600;
  if (!(windowMs >= 1000) || !(limit >= 1) || !Number.isInteger(limit)) {
    throw new Error(`${KEY}: windowMs must be at least 1000 and limit a whole number of at least 1`);
  }
  return {
    windowMs,
    limit,
    ipAllowList: section?.getOptionalStringArray('ipAllowList') ?? [],
    passOnStoreError: section?.getOptionalBoolean('passOnStoreError') ?? true,
    store: readStore(section),
  };
}

function readStore(section: Config | undefined): RateLimitOptions['store'] {
  const type = section?.getOptionalString('store.type') ?? 'memory';
  if (type === 'memory') {
    return { type };
  }
  if (type === 'redis') {
    return {
      type,
      connection: section!.getString('store.connection'),
      prefix: section!.getOptionalString('store.prefix') ?? 'trellis:rate-limit:',
    };
  }
  throw new Error(`${KEY}.store.type is '${type}'; use 'memory' or 'redis'`);
}

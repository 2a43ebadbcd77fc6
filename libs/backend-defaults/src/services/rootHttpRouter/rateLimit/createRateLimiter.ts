import { LoggerService } from '@trellis/backend-plugin-api';
import { TooManyRequestsError } from '@trellis/errors';
import type { RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import { RateLimitOptions } from './readRateLimit';
import { RedisRateLimitStore } from './RedisRateLimitStore';

/** A rate limit middleware and the means to release its store. */
export interface RateLimiter {
  handler: RequestHandler;
  close(): Promise<void>;
}

/**
 * Limits requests per client address (per /56 for IPv6) within a window, answering 429 in the
 * standard error shape with `RateLimit` and `Retry-After` headers. express-rate-limit loads only
 * when a limit is configured (its module set-up is a few milliseconds of every start otherwise),
 * the Redis driver only when the Redis store is.
 */
export async function createRateLimiter(options: RateLimitOptions, logger: LoggerService): Promise<RateLimiter> {
  const { MemoryStore, rateLimit } = await import('express-rate-limit');
  const store = await createStore(options, logger, () => new MemoryStore());
  const allowed = new Set(options.ipAllowList);
  const handler = rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store,
    passOnStoreError: options.passOnStoreError,
    skip: (req) => req.ip !== undefined && allowed.has(req.ip),
    handler: (_req, _res, next) => next(new TooManyRequestsError('Too many requests; retry later')),
    logger: {
      error: (error, message) => logger.error(message ?? 'Rate limiter error', { error: error as Error }),
      warn: (error, message) => logger.warn(message ?? 'Rate limiter warning', { error: error as Error }),
    },
  });
  return { handler, close: async () => store.shutdown?.() };
}

async function createStore(options: RateLimitOptions, logger: LoggerService, memoryStore: () => Store): Promise<Store> {
  if (options.store.type === 'memory') {
    return memoryStore();
  }
  const { Redis } = await import('ioredis');
  const client = new Redis(options.store.connection, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
  });
  // One warning per outage; the requests during it are let through or refused per passOnStoreError.
  let down = false;
  client.on('error', (error) => {
    if (!down) {
      down = true;
      logger.warn('Rate limit store (Redis) is unreachable', { error });
    }
  });
  client.on('ready', () => {
    down = false;
  });
  await firstConnectionAttempt(client, 5_000);
  return RedisRateLimitStore.create({ client, prefix: options.store.prefix });
}

/** Waits until the client connected or failed once (it keeps retrying in the background). */
function firstConnectionAttempt(
  client: { status: string; once(event: string, fn: () => void): unknown },
  timeoutMs: number,
) {
  if (client.status === 'ready') {
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', done);
    client.once('error', done);
  });
}

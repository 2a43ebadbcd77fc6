import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { startBackend } from '../../../testing/startBackend';
import { createProbePlugin } from '../../../testing/testPlugins';
import { readJson } from '../../../testing/readJson';

async function statuses(url: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push((await fetch(url)).status);
  }
  return out;
}

function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

describe('rate limit', () => {
  it('answers 429 in the standard shape once a client used up its window, sparing health probes', async () => {
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { rateLimit: { windowMs: 60_000, limit: 5 } } },
    });
    try {
      expect(await statuses(`${backend.baseUrl}/api/alpha/open`, 5)).toEqual([200, 200, 200, 200, 200]);
      const limited = await fetch(`${backend.baseUrl}/api/alpha/open`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.headers.get('ratelimit-policy')).toContain('q=5');
      expect(await readJson(limited)).toEqual({
        error: { name: 'TooManyRequestsError', message: 'Too many requests; retry later' },
        request: { method: 'GET', url: '/api/alpha/open' },
        response: { statusCode: 429 },
      });
      expect((await fetch(`${backend.baseUrl}/.trellis/health/v1/liveness`)).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('never limits addresses on the allow list', async () => {
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: {
        backend: { rateLimit: { windowMs: 60_000, limit: 2, ipAllowList: ['127.0.0.1', '::ffff:127.0.0.1'] } },
      },
    });
    try {
      expect(await statuses(`${backend.baseUrl}/api/alpha/open`, 4)).toEqual([200, 200, 200, 200]);
    } finally {
      await backend.stop();
    }
  });

  it('shares one limit across instances through Redis', async () => {
    if (!(await redisReachable())) {
      if (process.env.CI === 'true') {
        throw new Error('Redis at 127.0.0.1:6379 is required when CI=true');
      }
      console.warn('Skipping the Redis rate limit test: no Redis at 127.0.0.1:6379');
      return;
    }
    const store = { type: 'redis', connection: 'redis://127.0.0.1:6379', prefix: `trellis-test:${randomUUID()}:` };
    const config = { backend: { rateLimit: { windowMs: 60_000, limit: 4, store } } };
    const first = await startBackend({ features: [createProbePlugin('alpha')], config });
    const second = await startBackend({ features: [createProbePlugin('alpha')], config });
    try {
      expect(await statuses(`${first.baseUrl}/api/alpha/open`, 2)).toEqual([200, 200]);
      expect(await statuses(`${second.baseUrl}/api/alpha/open`, 2)).toEqual([200, 200]);
      expect(await statuses(`${first.baseUrl}/api/alpha/open`, 1)).toEqual([429]);
      expect(await statuses(`${second.baseUrl}/api/alpha/open`, 1)).toEqual([429]);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('lets requests through when Redis is down and passOnStoreError is on', async () => {
    const store = { type: 'redis', connection: 'redis://127.0.0.1:1', prefix: 'x:' };
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { rateLimit: { windowMs: 60_000, limit: 1, store } } },
    });
    try {
      expect(await statuses(`${backend.baseUrl}/api/alpha/open`, 3)).toEqual([200, 200, 200]);
    } finally {
      await backend.stop();
    }
  });
});

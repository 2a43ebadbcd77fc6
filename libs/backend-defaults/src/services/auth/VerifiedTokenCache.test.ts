import { VerifiedTokenCache } from './VerifiedTokenCache';

describe('VerifiedTokenCache', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('trusts a verified token until its expiry when that comes before the TTL', () => {
    const cache = new VerifiedTokenCache<string>({ ttlMs: 10_000, maxEntries: 10 });
    cache.set('token', 'claims', Date.now() + 3000);
    jest.advanceTimersByTime(2999);
    expect(cache.get('token')).toBe('claims');
    jest.advanceTimersByTime(1);
    expect(cache.get('token')).toBeUndefined();
  });

  it('trusts a verified token no longer than the TTL, however long it lives', () => {
    const cache = new VerifiedTokenCache<string>({ ttlMs: 10_000, maxEntries: 10 });
    cache.set('token', 'claims', Date.now() + 3_600_000);
    jest.advanceTimersByTime(9999);
    expect(cache.get('token')).toBe('claims');
    jest.advanceTimersByTime(1);
    expect(cache.get('token')).toBeUndefined();
  });

  it('knows only the exact tokens it was given and drops the oldest beyond its bound', () => {
    const cache = new VerifiedTokenCache<number>({ ttlMs: 10_000, maxEntries: 2 });
    const expiry = Date.now() + 60_000;
    cache.set('a', 1, expiry);
    cache.set('b', 2, expiry);
    expect(cache.get('a ')).toBeUndefined();
    cache.set('c', 3, expiry);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });
});

import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';

// One round trip, atomic: count the hit and start the window on the first one.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

/**
 * A rate limit store in Redis, shared by every instance of the backend: the limit holds for a
 * client however the load balancer spreads its requests.
 */
export class RedisRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #client: Redis;
  #windowMs = 60_000;

  private constructor(client: Redis, prefix: string) {
    this.#client = client;
    this.prefix = prefix;
  }

  static create(options: { client: Redis; prefix: string }): RedisRateLimitStore {
    return new RedisRateLimitStore(options.client, options.prefix);
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [hits, ttl] = await Promise.all([this.#client.get(this.#key(key)), this.#client.pttl(this.#key(key))]);
    if (hits === null) {
      return undefined;
    }
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const [hits, ttl] = (await this.#client.eval(INCREMENT, 1, this.#key(key), this.#windowMs)) as [number, number];
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Number(ttl)) };
  }

  async decrement(key: string): Promise<void> {
    await this.#client.decr(this.#key(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.#client.del(this.#key(key));
  }

  async shutdown(): Promise<void> {
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #key(key: string): string {
    return `${this.prefix}${key}`;
  }
}

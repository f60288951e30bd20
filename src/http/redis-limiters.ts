// Rate-limit windows in Redis, shared by every node. The only file that imports ioredis.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimiterFactory, WindowLimiter } from './rate-limiter.js';

export interface RedisLimiters {
  factory: LimiterFactory;
  /** Throws when Redis does not answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A sliding window log: one sorted-set entry per accepted call, scored with Redis' own clock, so
 * every node counts on one clock and no interval of `window` ms ever holds more than `limit`
 * accepted calls (a fixed window would let up to twice the limit through around its edge).
 * Returns [accepted 0|1, remaining, ms until the oldest entry leaves the window].
 */
const SLIDING_WINDOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now}
`;

type WindowClient = Redis & {
  sysstatusWindow(key: string, windowMs: number, limit: number, member: string): Promise<[number, number, number]>;
};

class RedisWindowLimiter implements WindowLimiter {
  private sequence = 0;

  constructor(
    private readonly client: WindowClient,
    private readonly node: string,
    private readonly points: number,
    private readonly windowMs: number,
    private readonly keyPrefix: string,
    private readonly insurance: RateLimiterMemory,
  ) {}

  async consume(key: string): Promise<unknown> {
    let answer: [number, number, number];
    try {
      answer = await this.client.sysstatusWindow(`${this.keyPrefix}:${key}`, this.windowMs, this.points, `${this.node}:${++this.sequence}`);
    } catch {
      // Redis unreachable or slow: this node limits on its own until Redis answers again.
      return this.insurance.consume(key);
    }
    const [accepted, remaining, msBeforeNext] = answer.map(Number);
    if (accepted === 1) return new RateLimiterRes(remaining, 0, this.points - remaining, false);
    throw new RateLimiterRes(0, Math.max(1, msBeforeNext), this.points, false);
  }
}

/**
 * Limiters whose windows live in Redis, so the platform's limits hold across all nodes together.
 *
 * When Redis is unreachable or slow (no answer within 500 ms), each window falls back to an
 * in-memory window with the same limit on this node: no call is refused or failed because Redis
 * is down, and each node enforces the limits on its own until Redis answers again (so N nodes
 * admit at most N × the limit meanwhile). The client reconnects by itself.
 */
export function createRedisLimiters(url: string, options: { keyPrefix?: string } = {}): RedisLimiters {
  const client = new Redis(url, {
    // Fail fast instead of queueing while disconnected: the in-memory window takes over.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  }) as WindowClient;
  client.defineCommand('sysstatusWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  // Connection errors are expected while Redis is away; the client keeps reconnecting.
  client.on('error', () => {});
  const prefix = options.keyPrefix ?? 'sysstatus';
  const node = randomBytes(6).toString('hex');
  return {
    factory: (points, duration, keyPrefix) =>
      new RedisWindowLimiter(
        client,
        node,
        points,
        duration * 1000,
        `${prefix}:${keyPrefix}`,
        new RateLimiterMemory({ points, duration, keyPrefix }),
      ),
    async ping() {
      if (client.status !== 'ready') throw new Error(`redis is ${client.status}`);
      await client.ping();
    },
    async close() {
      client.disconnect();
    },
  };
}

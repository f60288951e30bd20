// Rate-limit counters in Redis, shared by every node. The only file that imports ioredis.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from './rate-limiter.js';

export interface RedisLimiters {
  factory: LimiterFactory;
  /** Throws when Redis does not answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Limiters whose windows live in Redis, so the platform's limits hold across all nodes together.
 *
 * When Redis is unreachable or slow (no answer within 500 ms), each limiter falls back to an
 * in-memory limiter with the same limits on this node (rate-limiter-flexible's insuranceLimiter):
 * requests are never refused or failed because Redis is down, and each node enforces the limits
 * on its own until Redis answers again, so a cluster of N nodes admits at most N × the limit.
 * The client reconnects by itself; counting returns to Redis as soon as it is ready.
 */
export function createRedisLimiters(url: string, options: { keyPrefix?: string } = {}): RedisLimiters {
  const client = new Redis(url, {
    // Fail fast instead of queueing while disconnected: the insurance limiter takes over.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors are expected while Redis is away; the client keeps reconnecting.
  client.on('error', () => {});
  const prefix = options.keyPrefix ?? 'sysstatus';
  return {
    factory: (points, duration, keyPrefix) =>
      new RateLimiterRedis({
        storeClient: client,
        points,
        duration,
        keyPrefix: `${prefix}:${keyPrefix}`,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points, duration, keyPrefix }),
      }),
    async ping() {
      if (client.status !== 'ready') throw new Error(`redis is ${client.status}`);
      await client.ping();
    },
    async close() {
      client.disconnect();
    },
  };
}

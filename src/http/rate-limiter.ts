import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ApiSpec } from '../domain/apis.js';
import { PlatformError } from '../domain/errors.js';

export interface Throttle {
  /** The window's limit that was exceeded (x-ogw-ratelimit-limit). */
  limit: number;
  /** Whole seconds until that window lets the next call through (x-ogw-ratelimit-reset). */
  reset: number;
}

/** One window of one API: resolves when the call may pass, rejects with a RateLimiterRes when not. */
export interface WindowLimiter {
  consume(key: string): Promise<unknown>;
}

/** A limiter store: in memory on one node, in Redis across nodes (see redis-limiters.ts). */
export type LimiterFactory = (points: number, durationSeconds: number, keyPrefix: string) => WindowLimiter;

export const memoryLimiters: LimiterFactory = (points, duration, keyPrefix) =>
  new RateLimiterMemory({ points, duration, keyPrefix });

/**
 * The platform's limits, counted per API × app × tenant in a per-second and a per-minute window;
 * exceeding either refuses the call.
 */
export class PlatformRateLimiter {
  private readonly windows = new Map<string, { limiter: WindowLimiter; points: number }[]>();

  constructor(private readonly factory: LimiterFactory = memoryLimiters) {}

  private windowsFor(api: ApiSpec) {
    let windows = this.windows.get(api.id);
    if (!windows) {
      windows = [];
      const { per_second, per_minute } = api.rate_limit;
      if (per_second) windows.push({ limiter: this.factory(per_second, 1, `ogw:${api.id}:s`), points: per_second });
      if (per_minute) windows.push({ limiter: this.factory(per_minute, 60, `ogw:${api.id}:m`), points: per_minute });
      this.windows.set(api.id, windows);
    }
    return windows;
  }

  async consume(api: ApiSpec, appId: string, tenantKey: string): Promise<Throttle | undefined> {
    const key = `${appId}:${tenantKey}`;
    for (const { limiter, points } of this.windowsFor(api)) {
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { limit: points, reset: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        throw rejection;
      }
    }
    return undefined;
  }

  async check(api: ApiSpec, appId: string, tenantKey: string): Promise<void> {
    const throttle = await this.consume(api, appId, tenantKey);
    if (throttle) {
      throw new PlatformError('rate_limited', {
        headers: { 'x-ogw-ratelimit-limit': String(throttle.limit), 'x-ogw-ratelimit-reset': String(throttle.reset) },
      });
    }
  }
}

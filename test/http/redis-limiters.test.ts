// Limits kept in Redis hold across nodes; with Redis away, each node limits on its own.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { APIS, type ApiSpec } from '../../src/domain/apis.js';
import { PlatformRateLimiter } from '../../src/http/rate-limiter.js';
import { createRedisLimiters, type RedisLimiters } from '../../src/http/redis-limiters.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { mostCertainlyWithin, timed } from '../helpers/windows.js';

const url = process.env.TEST_REDIS_URL;
const skip = url ? false : 'TEST_REDIS_URL is not set: no Redis in this run';

async function waitUntilReady(redis: RedisLimiters) {
  for (let i = 0; i < 200; i++) {
    if (await redis.ping().then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('redis never became ready');
}

/** Offers `calls` calls at once, spread over the limiters; what passed, with when. */
async function offer(limiters: PlatformRateLimiter[], calls: number, api: ApiSpec = APIS.batch_open, app = 'cli_a') {
  const results = await Promise.all(
    Array.from({ length: calls }, (_, i) => timed(async () => ({ throttle: await limiters[i % limiters.length].consume(api, app, 'tenant1') }))),
  );
  return results.filter((result) => result.throttle === undefined);
}

describe('redis limiters', { skip }, () => {
  const clients: RedisLimiters[] = [];
  after(async () => {
    for (const client of clients) await client.close();
  });

  test('two nodes share one per-second window and one per-minute window', async () => {
    const keyPrefix = `test-${randomBytes(4).toString('hex')}`;
    const nodes = [createRedisLimiters(url!, { keyPrefix }), createRedisLimiters(url!, { keyPrefix })];
    clients.push(...nodes);
    for (const node of nodes) await waitUntilReady(node);
    const limiters = nodes.map((node) => new PlatformRateLimiter(node.factory));
    // 50/s for batch_open, counted once for both nodes (each alone would accept 50 at once).
    const passed = await offer(limiters, 120);
    assert.ok(passed.length >= 50);
    assert.ok(mostCertainlyWithin(passed, 1_000) <= 50);
    // list: 100/min and no per-second window.
    const listed = await offer(limiters, 150, APIS.list);
    assert.ok(listed.length >= 100);
    assert.ok(mostCertainlyWithin(listed, 60_000) <= 100);
    const throttle = await limiters[0].consume(APIS.list, 'cli_a', 'tenant1');
    assert.equal(throttle?.limit, 100);
    assert.ok(throttle!.reset >= 1 && throttle!.reset <= 60);
  });

  test('with Redis unreachable, each node falls back to its own limits instead of failing', async () => {
    const proxy = await startTcpProxy({ host: new URL(url!).hostname, port: Number(new URL(url!).port || 6379) });
    const proxied = new URL(url!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const node = createRedisLimiters(proxied.toString(), { keyPrefix: `test-${randomBytes(4).toString('hex')}` });
    clients.push(node);
    await waitUntilReady(node);
    const limiter = new PlatformRateLimiter(node.factory);
    proxy.cut();
    await assert.rejects(node.ping());
    // Nothing throws; the node still holds the platform's limit on its own.
    const alone = await offer([limiter], 80, APIS.batch_open, 'cli_b');
    assert.ok(alone.length >= 50 && mostCertainlyWithin(alone, 1_000) <= 50);
    proxy.restore();
    await waitUntilReady(node);
    const back = await offer([limiter], 60, APIS.batch_open, 'cli_c');
    assert.ok(back.length >= 50 && mostCertainlyWithin(back, 1_000) <= 50);
    await proxy.close();
  });
});

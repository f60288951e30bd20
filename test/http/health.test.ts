import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { makeConfig } from '../../src/config.js';
import type { App } from '../../src/http/types.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-store.js';

describeEachEngine('health probes', (engine) => {
  let t: TestApp;
  let failing: App;
  before(async () => {
    t = await startTestApp({ engine });
    failing = await buildApp({
      config: makeConfig({ rate_limits: false }),
      services: t.services,
      readinessChecks: { redis: async () => Promise.reject(new Error('redis is reconnecting')) },
    });
  });
  after(async () => {
    await failing.close();
    await t.close();
  });

  test('/healthz answers while the process is up', async () => {
    const response = await t.request({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  test('/readyz answers 200 when the database answers', async () => {
    const response = await t.request({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ready', checks: { database: 'ok' } });
  });

  test('/readyz answers 503 and names what is down', async () => {
    const response = await failing.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), {
      status: 'unavailable',
      checks: { database: 'ok', redis: 'unavailable: redis is reconnecting' },
    });
  });
});

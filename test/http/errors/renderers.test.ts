import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreUnavailableError } from '../../../src/store/store.js';
import { STATUSES_URL, startTestApp, type TestApp } from '../../helpers/test-app.js';
import { ACME_APP } from '../../helpers/test-seed.js';

/** Each surface answers an unexpected failure as a logged 500 in its own format, and a store outage as 503. */
describe('error renderers per surface', () => {
  let t: TestApp;
  const logged: { msg: string; err?: { message: string } }[] = [];
  before(async () => {
    t = await startTestApp({ app: { logger: { level: 'error', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } } } });
  });
  after(() => t.close());

  /** Makes one store method fail with `error` until `restore()`. */
  function failStore(method: 'listTenants' | 'listSystemStatuses', error: Error) {
    const store = t.services.store as unknown as Record<string, unknown>;
    const original = store[method];
    store[method] = async () => {
      throw error;
    };
    return () => void (store[method] = original);
  }

  const loggedFailure = (message: string) => logged.some((line) => line.err?.message === message);

  it('GET /metrics that throws is a logged 500 in plain text (was a silent 404)', async () => {
    const registry = t.app.emulator.metrics.registry;
    const original = registry.metrics;
    registry.metrics = async () => {
      throw new Error('metrics broke');
    };
    try {
      const answer = await t.request({ url: '/metrics' });
      assert.equal(answer.statusCode, 500);
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(answer.body, 'internal server error');
      assert.ok(loggedFailure('metrics broke'), 'logged with its error');
    } finally {
      registry.metrics = original;
    }
  });

  it('/readyz reports a failing check as a 503 answer, not an error', async () => {
    const restore = (t.services.store as unknown as { ping: () => Promise<void> }).ping;
    (t.services.store as unknown as { ping: () => Promise<void> }).ping = async () => Promise.reject(new Error('db down'));
    try {
      const answer = await t.request({ url: '/readyz' });
      assert.equal(answer.statusCode, 503);
      assert.deepEqual(answer.json(), { status: 'unavailable', checks: { database: 'unavailable: db down' } });
    } finally {
      (t.services.store as unknown as { ping: () => Promise<void> }).ping = restore;
    }
  });

  it('the control API: a store outage is 503 unavailable, a bug a logged 500 internal', async () => {
    let restore = failStore('listTenants', new StoreUnavailableError('pool exhausted'));
    try {
      const answer = await t.request({ url: '/_sysstatus/tenants' });
      assert.equal(answer.statusCode, 503);
      assert.equal(answer.json().code, 'unavailable');
    } finally {
      restore();
    }
    restore = failStore('listTenants', new TypeError('control broke'));
    try {
      const answer = await t.request({ url: '/_sysstatus/tenants' });
      assert.deepEqual([answer.statusCode, answer.json()], [500, { code: 'internal', message: 'internal error' }]);
      assert.ok(loggedFailure('control broke'));
    } finally {
      restore();
    }
  });

  it('the platform: a store outage is 503 / 99991504, a bug a logged 500 / 99991500, both in the envelope', async () => {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    let restore = failStore('listSystemStatuses', new StoreUnavailableError('pool exhausted'));
    try {
      const answer = await t.request({ url: STATUSES_URL, token });
      assert.deepEqual([answer.statusCode, answer.json().code, answer.json().error.log_id], [503, 99991504, answer.headers['x-tt-logid']]);
    } finally {
      restore();
    }
    restore = failStore('listSystemStatuses', new TypeError('platform broke'));
    try {
      const answer = await t.request({ url: STATUSES_URL, token });
      assert.deepEqual([answer.statusCode, answer.json().code, answer.json().msg], [500, 99991500, 'internal server error']);
      assert.ok(loggedFailure('platform broke'));
    } finally {
      restore();
    }
  });

  it('unknown paths outside the surfaces stay the gateway 404, a body it cannot read included', async () => {
    for (const request of [
      { url: '/nothing' },
      { method: 'POST' as const, url: '/open-apis/nothing', payload: 'x', headers: { 'content-type': 'text/weird' } },
    ]) {
      const answer = await t.request(request);
      assert.deepEqual([answer.statusCode, answer.body], [404, '404 page not found'], request.url);
    }
  });
});

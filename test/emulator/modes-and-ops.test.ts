import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCommand } from '../../src/cli/parse-args.js';
import { makeConfig } from '../../src/config.js';
import { instrumentStore } from '../../src/emulator/instrument-store.js';
import { Metrics } from '../../src/emulator/metrics.js';
import { createStore } from '../../src/store/create-store.js';
import { STATUSES_URL, startTestApp, type TestApp } from '../helpers/test-app.js';
import { ACME, ACME_APP } from '../helpers/test-seed.js';

const ADMIN = 'an-admin-token-of-some-length';

describe('production mode', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ config: { mode: 'production', admin_token: ADMIN } });
  });
  after(() => t.close());
  const admin = { authorization: `Bearer ${ADMIN}` };

  it('every control endpoint needs the admin token', async () => {
    assert.equal((await t.request({ url: '/_sysstatus/tenants' })).statusCode, 401);
    assert.equal((await t.request({ url: '/_sysstatus/tenants', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).statusCode, 401);
    const ok = await t.request({ url: '/_sysstatus/tenants', headers: admin });
    assert.equal(ok.statusCode, 200);
    assert.equal((await t.request({ url: `/_sysstatus/tenants/${ACME}/users/u001/status` })).statusCode, 401);
  });

  it('the clock, faults, reset and secret-less tokens are off; secrets are not shown again', async () => {
    for (const [method, url, payload] of [
      ['POST', '/_sysstatus/clock', { action: 'advance', ms: 1 }],
      ['POST', '/_sysstatus/faults', { api: 'list', delay_ms: 1 }],
      ['GET', '/_sysstatus/faults', undefined],
      ['POST', '/_sysstatus/reset', undefined],
      ['POST', `/_sysstatus/apps/${ACME_APP.app_id}/token`, undefined],
    ] as const) {
      const answer = await t.request({ method, url, headers: admin, ...(payload ? { payload } : {}) });
      assert.deepEqual([answer.statusCode, answer.json().code], [403, 'disabled_in_production'], url);
    }
    // Without a reset there is no start state to keep: no copy of the whole store in memory.
    await assert.rejects(t.app.emulator.reset(), /production/);
    assert.equal((await t.request({ url: `/_sysstatus/apps/${ACME_APP.app_id}`, headers: admin })).json().app_secret, undefined);
    const created = (await t.request({ method: 'POST', url: `/_sysstatus/tenants/${ACME}/apps`, headers: admin, payload: {} })).json();
    assert.ok(created.app_secret, 'shown once, at creation');
    assert.equal((await t.request({ url: `/_sysstatus/apps/${created.app_id}`, headers: admin })).json().app_secret, undefined);
    // The platform API is unchanged.
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    assert.equal((await t.request({ url: STATUSES_URL, token })).json().code, 0);
  });

  it('needs an admin token to start, of 16 characters or more', () => {
    assert.throws(() => makeConfig({ mode: 'production' }), /admin token/);
    assert.throws(() => makeConfig({ mode: 'production', admin_token: 'short' }), /16 characters/);
    const command = parseCommand(['--mode', 'production'], { SYSSTATUS_ADMIN_TOKEN: ADMIN });
    assert.deepEqual([command.config.mode, command.config.admin_token], ['production', ADMIN]);
    assert.throws(() => parseCommand(['--mode', 'staging'], {}), /emulator or production/);
    const exported = parseCommand(['export', 'out.json', '--url', 'http://127.0.0.1:3000'], {});
    assert.deepEqual([exported.name, 'file' in exported && exported.file], ['export', 'out.json']);
  });
});

describe('emulator mode', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('answers loopback clients without credentials, and nobody else', async () => {
    assert.equal((await t.request({ url: '/_sysstatus/tenants' })).statusCode, 200);
    assert.equal((await t.request({ url: '/_sysstatus/tenants', remoteAddress: '10.1.2.3' })).statusCode, 403);
    assert.equal((await t.request({ url: '/_sysstatus/nothing' })).statusCode, 404);
  });

  it('serves the OpenAPI document of platform and control routes, and the Swagger UI with its own assets', async () => {
    const document = (await t.request({ url: '/_sysstatus/openapi.json' })).json();
    assert.equal(document.openapi, '3.0.3');
    for (const path of [
      '/open-apis/personal_settings/v1/system_statuses/{system_status_id}/batch_open',
      '/open-apis/auth/v3/tenant_access_token/internal',
      '/open-apis/contact/v3/users/{user_id}',
      '/_sysstatus/tenants',
      '/_sysstatus/clock',
      '/_sysstatus/faults',
      '/_sysstatus/journal',
      '/_sysstatus/reset',
      '/_sysstatus/snapshot',
      '/_sysstatus/tenants/{tenant_key}/events',
    ]) {
      assert.ok(document.paths[path], `${path} documented`);
    }
    assert.deepEqual(document.paths['/_sysstatus/clock'].post.tags, ['emulator: clock']);
    assert.deepEqual(document.paths['/open-apis/personal_settings/v1/system_statuses'].post.tags, ['system_status']);
    const ui = await t.request({ url: '/_sysstatus/docs' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger-ui/);
    const asset = await t.request({ url: '/_sysstatus/docs/static/swagger-ui-bundle.js' });
    assert.equal(asset.statusCode, 200);
  });

  it('exposes Prometheus metrics: requests by API and code, latencies, limiter rejections', async () => {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    await t.request({ url: STATUSES_URL, token });
    const text = (await t.request({ url: '/metrics' })).body;
    assert.match(text, /sysstatus_requests_total\{api="list",status="200",code="0"\} 1/);
    assert.match(text, /sysstatus_request_duration_seconds_count\{api="list"\} 1/);
    assert.match(text, /# TYPE sysstatus_rate_limit_rejections_total counter/);
    assert.match(text, /# TYPE sysstatus_store_operation_duration_seconds histogram/);
  });
});

describe('store timings', () => {
  it('times each store operation by name', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const store = instrumentStore(await createStore({ memory: true }), metrics);
    try {
      await store.listTenants();
      await store.listTenants();
      await store.transaction((tx) => tx.listTenants());
      const text = await metrics.registry.metrics();
      assert.match(text, /sysstatus_store_operation_duration_seconds_count\{operation="listTenants"\} 2/);
      assert.match(text, /sysstatus_store_operation_duration_seconds_count\{operation="transaction"\} 1/);
    } finally {
      await store.close();
    }
  });
});

import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ACME_APP } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { startTestApp, STATUSES_URL, type TestApp } from '../helpers/test-app.js';

const TENANT_URL = '/open-apis/auth/v3/tenant_access_token/internal';
const APP_URL = '/open-apis/auth/v3/app_access_token/internal';

describeEachEngine('auth/v3 internal tokens', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url, payload: payload as object, headers });

  test('issues t- tokens for 7200 s, in the platform field order', async () => {
    const response = await post(TENANT_URL, ACME_APP);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['x-tt-logid']), /^\d{14}[0-9A-F]{20}$/);
    assert.match(response.body, /^\{"code":0,"msg":"ok","tenant_access_token":"t-[0-9a-f]{40}","expire":7200\}$/);
  });

  test('hands out the same token while 30 minutes or more remain, then a new one; the old stays valid', async () => {
    const fresh = await startTestApp({ engine });
    try {
      const first = (await fresh.request({ method: 'POST', url: TENANT_URL, payload: ACME_APP })).json();
      fresh.clock.advance(1000_000);
      const again = (await fresh.request({ method: 'POST', url: TENANT_URL, payload: ACME_APP })).json();
      assert.equal(again.tenant_access_token, first.tenant_access_token);
      assert.equal(again.expire, 6200);
      fresh.clock.advance(5400_000 - 1000_000); // exactly 30 minutes left
      const edge = (await fresh.request({ method: 'POST', url: TENANT_URL, payload: ACME_APP })).json();
      assert.equal(edge.tenant_access_token, first.tenant_access_token);
      assert.equal(edge.expire, 1800);
      fresh.clock.advance(1000);
      const renewed = (await fresh.request({ method: 'POST', url: TENANT_URL, payload: ACME_APP })).json();
      assert.notEqual(renewed.tenant_access_token, first.tenant_access_token);
      assert.equal(renewed.expire, 7200);
      for (const token of [first.tenant_access_token, renewed.tenant_access_token]) {
        assert.equal((await fresh.request({ method: 'GET', url: STATUSES_URL, token })).statusCode, 200);
      }
      fresh.clock.advance(1799_000);
      assert.equal((await fresh.request({ method: 'GET', url: STATUSES_URL, token: first.tenant_access_token })).json().code, 99991663);
      assert.equal((await fresh.request({ method: 'GET', url: STATUSES_URL, token: renewed.tenant_access_token })).statusCode, 200);
    } finally {
      await fresh.close();
    }
  });

  test('a token stored by an earlier release (an HMAC of its nonce) is handed out again unchanged, and works', async () => {
    const fresh = await startTestApp({ engine });
    try {
      const nonce = '0123456789abcdef0123456789abcdef';
      // How releases before the SHA-256 derivation made a token: a client may still hold this one.
      const held = `t-${createHmac('sha256', ACME_APP.app_secret).update(nonce).digest('hex').slice(0, 40)}`;
      const app = await fresh.services.store.getApp(ACME_APP.app_id);
      await fresh.services.store.insertAccessToken({
        token_digest: createHash('sha256').update(held).digest('hex'),
        kind: 'tenant',
        app_id: ACME_APP.app_id,
        tenant_key: app!.tenant_key,
        nonce,
        issued_at: fresh.clock.now(),
        expires_at: fresh.clock.now() + 7200_000,
      });
      const answer = (await fresh.request({ method: 'POST', url: TENANT_URL, payload: ACME_APP })).json();
      assert.equal(answer.tenant_access_token, held);
      assert.equal((await fresh.request({ method: 'GET', url: STATUSES_URL, token: held })).statusCode, 200);
      // A new one is of the new kind and works as well.
      fresh.clock.advance(5401_000);
      const renewed = (await fresh.request({ method: 'POST', url: TENANT_URL, payload: ACME_APP })).json().tenant_access_token;
      assert.notEqual(renewed, held);
      assert.match(renewed, /^t-[0-9a-f]{40}$/);
      assert.equal((await fresh.request({ method: 'GET', url: STATUSES_URL, token: renewed })).statusCode, 200);
      assert.equal((await fresh.services.store.latestAccessToken(ACME_APP.app_id, 'tenant', fresh.clock.now()))?.nonce.startsWith('sha256:'), true);
    } finally {
      await fresh.close();
    }
  });

  test('expire stays within 0..7200 whatever the clock did, and the token answered works', async () => {
    const fresh = await startTestApp({ engine });
    const issue = async () => (await fresh.request({ method: 'POST', url: TENANT_URL, payload: ACME_APP })).json();
    try {
      const early = await issue();
      fresh.clock.advance(86_400_000);
      const late = await issue();
      assert.notEqual(late.tenant_access_token, early.tenant_access_token);
      // Back to the start: the early token is the current one again; the late one lies in the future.
      fresh.clock.advance(-86_400_000 + 60_000);
      const back = await issue();
      assert.deepEqual([back.tenant_access_token, back.expire], [early.tenant_access_token, 7140]);
      // Further back than any token: a new one, never one with more than two hours left.
      fresh.clock.advance(-2 * 86_400_000);
      const before = await issue();
      assert.ok(![early.tenant_access_token, late.tenant_access_token].includes(before.tenant_access_token));
      assert.equal(before.expire, 7200);
      for (const answer of [back, before]) {
        assert.equal((await fresh.request({ method: 'GET', url: STATUSES_URL, token: answer.tenant_access_token })).json().code, 0);
      }
    } finally {
      await fresh.close();
    }
  });

  test('app_access_token also carries a tenant token', async () => {
    const response = await post(APP_URL, ACME_APP);
    const body = response.json();
    assert.deepEqual(Object.keys(body), ['code', 'msg', 'app_access_token', 'expire', 'tenant_access_token']);
    assert.match(body.app_access_token, /^t-/);
    assert.notEqual(body.app_access_token, body.tenant_access_token);
    assert.equal((await t.request({ method: 'GET', url: STATUSES_URL, token: body.tenant_access_token })).statusCode, 200);
  });

  test('a trailing slash and a charset are accepted', async () => {
    const response = await post(`${TENANT_URL}/`, ACME_APP, { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(response.json().code, 0);
  });

  test('unknown app or missing fields: HTTP 200, 10003 invalid param', async () => {
    for (const payload of [
      { app_id: 'cli_nobody', app_secret: 'x' },
      { app_id: ACME_APP.app_id },
      { app_secret: 'x' },
      { app_id: 5, app_secret: 'x' },
      // Text no engine can store names no app (PostgreSQL refuses U+0000 outright).
      { app_id: 'cli_\u0000', app_secret: 'x' },
      { app_id: 'cli_\ud800', app_secret: 'x' },
      {},
    ]) {
      for (const url of [TENANT_URL, APP_URL]) {
        const response = await post(url, payload);
        assert.equal(response.statusCode, 200);
        assert.equal(response.body, '{"code":10003,"data":{},"msg":"invalid param"}');
      }
    }
    const garbage = await post(TENANT_URL, '{oops', { 'content-type': 'application/json' });
    assert.equal(garbage.statusCode, 200);
    assert.equal(garbage.json().code, 10003);
  });

  test('a wrong secret: HTTP 200, 10014 app secret invalid', async () => {
    for (const url of [TENANT_URL, APP_URL]) {
      const response = await post(url, { app_id: ACME_APP.app_id, app_secret: 'wrong' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"code":10014,"msg":"app secret invalid"}');
    }
  });

  test('tokens and secrets are stored only as digests', async () => {
    const token = (await post(TENANT_URL, ACME_APP)).json().tenant_access_token;
    const app = await t.services.store.getApp(ACME_APP.app_id);
    assert.ok(app);
    assert.ok(!JSON.stringify(app).includes(ACME_APP.app_secret));
    const stored = await t.services.store.latestAccessToken(ACME_APP.app_id, 'tenant', t.clock.now());
    assert.ok(stored);
    assert.ok(!JSON.stringify(stored).includes(token.slice(2)));
  });
});

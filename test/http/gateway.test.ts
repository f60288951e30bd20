import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { APIS } from '../../src/domain/apis.js';
import { ACME_APP } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { startTestApp, STATUSES_URL, type TestApp } from '../helpers/test-app.js';

const LOG_ID = /^\d{14}[0-9A-F]{20}$/;
const GATEWAY_DOC = 'Refer to the documentation to fix the error: https://open.feishu.cn/document/uAjLw4CM/ugTN1YjL4UTN24CO1UjN/trouble-shooting/how-to-fix-';

describeEachEngine('gateway', (engine) => {
  let t: TestApp;
  let token: string;
  before(async () => {
    t = await startTestApp({ engine });
    token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
  });
  after(() => t.close());

  const expectError = async (
    response: Awaited<ReturnType<TestApp['request']>>,
    status: number,
    code: number,
    msg: string,
    methodId?: string,
  ) => {
    assert.equal(response.statusCode, status, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const body = response.json();
    assert.equal(body.code, code);
    assert.equal(body.msg, msg);
    const logId = response.headers['x-tt-logid'];
    assert.match(String(logId), LOG_ID);
    assert.equal(body.error.log_id, logId);
    assert.equal(
      body.error.troubleshooter,
      `排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${code}${methodId ? `&method_id=${methodId}` : ''}`,
    );
    assert.equal(body.data, undefined);
    return body;
  };

  test('no Authorization, or not Bearer: 400 / 99991661', async () => {
    for (const authorization of [undefined, '', 'Bearer ', token, `Basic ${token}`, `bearer ${token}`]) {
      const response = await t.request({ method: 'GET', url: STATUSES_URL, headers: authorization === undefined ? {} : { authorization } });
      const body = await expectError(response, 400, 99991661, 'Missing access token for authorization. Please make a request with token attached.', '7161608966368755715');
      assert.equal(body.error.message, `${GATEWAY_DOC}99991661-error`);
    }
  });

  test('unknown or app token: 400 / 99991663', async () => {
    const response = await t.request({ method: 'GET', url: STATUSES_URL, token: 't-0000000000000000000000000000000000000000' });
    const body = await expectError(response, 400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.', '7161608966368755715');
    assert.equal(body.error.message, `${GATEWAY_DOC}99991663-error`);

    const appToken = (
      await t.request({ method: 'POST', url: '/open-apis/auth/v3/app_access_token/internal', payload: ACME_APP })
    ).json().app_access_token;
    await expectError(await t.request({ method: 'GET', url: STATUSES_URL, token: appToken }), 400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.', '7161608966368755715');
  });

  test('an expired token: 99991663', async () => {
    const fresh = await startTestApp({ engine });
    try {
      const old = await fresh.token(ACME_APP.app_id, ACME_APP.app_secret);
      assert.equal((await fresh.request({ method: 'GET', url: STATUSES_URL, token: old })).statusCode, 200);
      fresh.clock.advance(7200_000);
      const response = await fresh.request({ method: 'GET', url: STATUSES_URL, token: old });
      assert.equal(response.json().code, 99991663);
    } finally {
      await fresh.close();
    }
  });

  test('user tokens: 400 / 99991668; other prefixes: 400 / 99991671', async () => {
    for (const user of ['u-abc', 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      const body = await expectError(await t.request({ method: 'GET', url: STATUSES_URL, token: user }), 400, 99991668, 'user access token not support', '7161608966368755715');
      assert.equal(body.error.message, `${GATEWAY_DOC}99991668-error`);
    }
    const body = await expectError(await t.request({ method: 'GET', url: STATUSES_URL, token: 'abc' }), 400, 99991671, 'Invalid token: must start with t-/u-', '7161608966368755715');
    assert.equal(body.error.message, `${GATEWAY_DOC}99991671-error`);
  });

  test('missing scope: 400 / 99991672 with the scope list and permission_violations', async () => {
    const noScope = await t.token('cli_acmenoscope000001', 'no-scope');
    const update = 'personal_settings:status:system_status_update';
    const body = await expectError(
      await t.request({ method: 'GET', url: STATUSES_URL, token: noScope }),
      400,
      99991672,
      `Access denied. One of the following scopes is required: [${update}].应用尚未开通所需的应用身份权限：[${update}]，点击链接申请并开通任一权限即可：https://open.feishu.cn/app/cli_acmenoscope000001/auth?q=${update}&op_from=openapi&token_type=tenant`,
      '7161608966368755715',
    );
    assert.deepEqual(body.error.permission_violations, [{ type: 'action_scope_required', subject: update }]);
    assert.equal(body.error.message, `${GATEWAY_DOC}the-99991672-error`);

    const operate = 'personal_settings:status:system_status_operate';
    const open = await t.request({ method: 'POST', url: `${STATUSES_URL}/1/batch_open`, token: noScope, payload: {} });
    assert.deepEqual(open.json().error.permission_violations, [{ type: 'action_scope_required', subject: operate }]);
  });

  test('user_id_type=user_id needs contact:user.employee_id:readonly', async () => {
    const noEmployee = await t.token('cli_acmenoemployee001', 'no-employee');
    const response = await t.request({
      method: 'POST',
      url: `${STATUSES_URL}/1/batch_close?user_id_type=user_id`,
      token: noEmployee,
      payload: { user_list: ['u001'] },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().code, 99991672);
    assert.deepEqual(response.json().error.permission_violations, [{ type: 'action_scope_required', subject: 'contact:user.employee_id:readonly' }]);
    const withOpenId = await t.request({ method: 'POST', url: `${STATUSES_URL}/1/batch_close`, token: noEmployee, payload: { user_list: ['x'] } });
    assert.notEqual(withOpenId.json().code, 99991672);
  });

  test('a store app: 400 / 99991676', async () => {
    const storeToken = await t.token('cli_acmestore00000001', 'store-app');
    await expectError(await t.request({ method: 'GET', url: STATUSES_URL, token: storeToken }), 400, 99991676, 'token no permission', '7161608966368755715');
  });

  test('a tenant without permission: 400 / 2005007 on every endpoint', async () => {
    const initech = await t.token('cli_initech000000001', 'initech-secret');
    const calls = [
      [APIS.list, { method: 'GET', url: STATUSES_URL }],
      [APIS.create, { method: 'POST', url: STATUSES_URL, payload: { title: 'x', icon_key: 'Coffee' } }],
      [APIS.patch, { method: 'PATCH', url: `${STATUSES_URL}/1`, payload: { system_status: {}, update_fields: ['TITLE'] } }],
      [APIS.delete, { method: 'DELETE', url: `${STATUSES_URL}/1` }],
      [APIS.batch_open, { method: 'POST', url: `${STATUSES_URL}/1/batch_open`, payload: { user_list: [] } }],
      [APIS.batch_close, { method: 'POST', url: `${STATUSES_URL}/1/batch_close`, payload: { user_list: [] } }],
    ] as const;
    for (const [api, call] of calls) {
      const response = await t.request({ ...call, token: initech });
      await expectError(response, 400, 2005007, 'Tenant does not have permission to api.', api.method_id);
    }
  });

  test('token is checked before the body, scope before the body', async () => {
    const bad = await t.request({ method: 'POST', url: STATUSES_URL, payload: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.json().code, 99991661);
    const noScope = await t.token('cli_acmenoscope000001', 'no-scope');
    const scoped = await t.request({ method: 'POST', url: STATUSES_URL, token: noScope, payload: { title: 5 } });
    assert.equal(scoped.json().code, 99991672);
  });

  test('unknown paths and methods: plain-text 404, with a log id', async () => {
    for (const [method, url] of [
      ['GET', '/open-apis/personal_settings/v1/nothing'],
      ['PUT', STATUSES_URL],
      ['GET', `${STATUSES_URL}/1`],
      ['GET', '/'],
    ] as const) {
      const response = await t.request({ method, url, token });
      assert.equal(response.statusCode, 404);
      assert.equal(response.body, '404 page not found');
      assert.match(String(response.headers['content-type']), /^text\/plain/);
      assert.match(String(response.headers['x-tt-logid']), LOG_ID);
    }
  });

  test('a body on GET and DELETE, charset or not, a trailing or doubled slash', async () => {
    const list = await t.request({ method: 'GET', url: `${STATUSES_URL}?page_size=50`, token, payload: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(list.json().code, 0);
    const charset = await t.request({ method: 'GET', url: `/${STATUSES_URL}/`, token, payload: '{}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(charset.json().code, 0);
    const empty = await t.request({ method: 'GET', url: STATUSES_URL, token, headers: { 'content-type': 'application/json' } });
    assert.equal(empty.json().code, 0);
  });

  test('malformed bodies: 400 / 2005001', async () => {
    for (const [payload, type] of [
      ['{not json', 'application/json'],
      ['title=x', 'application/x-www-form-urlencoded'],
      ['[]', 'application/json'],
      ['null', 'application/json'],
    ] as const) {
      const response = await t.request({ method: 'POST', url: STATUSES_URL, token, payload, headers: { 'content-type': type } });
      await expectError(response, 400, 2005001, 'Your request contains an invalid request parameter.', '7161608966368821251');
    }
  });

  test('a body over the size limit: 400 / 2005001 without storing anything', async () => {
    const response = await t.request({ method: 'POST', url: STATUSES_URL, token, payload: { title: 'x'.repeat(300 * 1024), icon_key: 'Coffee' } });
    const body = await expectError(response, 400, 2005001, 'Your request contains an invalid request parameter.', '7161608966368821251');
    assert.match(body.error.field_violations[0].description, /larger than/);
  });
});

describeEachEngine('rate limits', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine, config: { rate_limits: true } });
  });
  after(() => t.close());

  test('list allows 100 a minute per app and tenant, then 429 / 99991400 with x-ogw headers', async () => {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    for (let i = 0; i < 100; i++) {
      assert.equal((await t.request({ method: 'GET', url: STATUSES_URL, token })).statusCode, 200);
    }
    const limited = await t.request({ method: 'GET', url: STATUSES_URL, token });
    assert.equal(limited.statusCode, 429);
    const body = limited.json();
    assert.equal(body.code, 99991400);
    assert.equal(body.msg, 'request trigger frequency limit');
    assert.equal(body.error.log_id, limited.headers['x-tt-logid']);
    assert.equal(limited.headers['x-ogw-ratelimit-limit'], '100');
    const reset = Number(limited.headers['x-ogw-ratelimit-reset']);
    assert.ok(reset >= 1 && reset <= 60, `reset ${reset}`);

    // Other APIs and other apps have their own counters.
    const other = await t.token('cli_acme0000000000002', 'acme-secret-2');
    assert.equal((await t.request({ method: 'GET', url: STATUSES_URL, token: other })).statusCode, 200);
    assert.equal((await t.request({ method: 'DELETE', url: `${STATUSES_URL}/1`, token })).statusCode, 400);
  });

  test('batch_open allows 50 a second, and the limit is checked before parameters', async () => {
    const token = await t.token('cli_acme0000000000003', 'other-dev');
    const url = `${STATUSES_URL}/1/batch_open`;
    const answers = await Promise.all(Array.from({ length: 60 }, () => t.request({ method: 'POST', url, token, payload: {} })));
    const limited = answers.filter((answer) => answer.statusCode === 429);
    // 50 pass the limiter (and fail validation); the rest are throttled, unless a second boundary passed.
    assert.ok(limited.length >= 1 && limited.length <= 10, `throttled ${limited.length}`);
    assert.equal(limited[0].headers['x-ogw-ratelimit-limit'], '50');
    assert.ok(answers.filter((answer) => answer.statusCode === 400).every((answer) => answer.json().code === 2005001));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STATUSES_URL, startTestApp, T0, type TestApp } from '../helpers/test-app.js';
import { ACME, ACME_APP } from '../helpers/test-seed.js';
import { control } from './helpers.js';

describe('journal', () => {
  let t: TestApp;
  let token: string;
  before(async () => {
    t = await startTestApp({ config: { journal_limit: 5 } });
  });
  after(() => t.close());

  it('records every Open API request with its API, app, tenant, code and log id; secrets redacted', async () => {
    token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    await control(t, 'POST', '/clock', { action: 'advance', ms: 1000 });
    const listed = await t.request({ url: `${STATUSES_URL}?page_size=2`, token });
    const entries = (await control(t, 'GET', '/journal')).json().entries;
    assert.equal(entries.length, 2);
    const [list, issued] = entries;
    assert.deepEqual(
      [list.api, list.app_id, list.tenant_key, list.method, list.status, list.code, list.time],
      ['list', ACME_APP.app_id, ACME, 'GET', 200, 0, T0 + 1000],
    );
    assert.equal(list.log_id, listed.headers['x-tt-logid']);
    assert.deepEqual(list.request.query, { page_size: '2' });
    assert.equal(list.request.headers.authorization, 'Bearer t-[redacted]');
    assert.equal(list.response.body.code, 0);
    assert.ok(typeof list.latency_ms === 'number' && list.latency_ms >= 0);
    assert.deepEqual([issued.api, issued.app_id, issued.tenant_key, issued.time], ['tenant_access_token', ACME_APP.app_id, ACME, T0]);
    assert.equal(issued.request.body.app_secret, '[redacted]');
    assert.equal(issued.response.body.tenant_access_token, '[redacted]');
    assert.ok(!JSON.stringify(entries).includes(token), 'the token appears nowhere');
    assert.ok(!JSON.stringify(entries).includes(ACME_APP.app_secret), 'the secret appears nowhere');
  });

  it('filters by api, app, code and time, and counts', async () => {
    await t.request({ url: '/open-apis/personal_settings/v1/nothing-here', token });
    await t.request({ url: STATUSES_URL, token: 't-unknown' });
    const newest = (await control(t, 'GET', '/journal?limit=2')).json().entries;
    assert.deepEqual(
      newest.map((entry: { api: string | null; status: number; code: number | null }) => [entry.api, entry.status, entry.code]),
      [
        ['list', 400, 99991663],
        [null, 404, null],
      ],
    );
    assert.equal((await control(t, 'GET', '/journal/count?code=99991663')).json().count, 1);
    assert.equal((await control(t, 'GET', '/journal/count?api=list')).json().count, 2);
    assert.equal((await control(t, 'GET', '/journal/count?status=404')).json().count, 1);
    assert.equal((await control(t, 'GET', `/journal/count?since=${T0 + 1000}`)).json().count, 3);
    assert.equal((await control(t, 'GET', `/journal/count?until=${new Date(T0).toISOString()}`)).json().count, 1);
    assert.equal((await control(t, 'GET', `/journal/count?app_id=${ACME_APP.app_id}&api=list`)).json().count, 1);
    assert.equal((await control(t, 'GET', '/journal/count?since=yesterday')).statusCode, 400);
  });

  it('keeps only the newest journal_limit requests, and clears', async () => {
    for (let i = 0; i < 4; i++) await t.request({ url: STATUSES_URL, token });
    assert.equal((await control(t, 'GET', '/journal/count')).json().count, 5);
    const ids = (await control(t, 'GET', '/journal')).json().entries.map((entry: { id: number }) => entry.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    assert.equal((await control(t, 'DELETE', '/journal')).statusCode, 204);
    assert.equal((await control(t, 'GET', '/journal/count')).json().count, 0);
  });

  it('does not record control requests', async () => {
    await control(t, 'GET', '/tenants');
    assert.equal((await control(t, 'GET', '/journal/count')).json().count, 0);
  });

  it('redacts secrets by key in every journalled field: query, body and headers of request and response', async () => {
    const secret = ACME_APP.app_secret;
    await t.request({
      method: 'POST',
      url: `/open-apis/auth/v3/tenant_access_token/internal?app_id=${ACME_APP.app_id}&app_secret=${secret}&refresh_token=${secret}-r`,
      headers: { 'x-app-secret': `${secret}-h`, app_ticket: `${secret}-k`, cookie: `session=${secret}-c` },
      payload: { app_id: ACME_APP.app_id, app_secret: secret, nested: [{ user_access_token: `${secret}-u` }] },
    });
    const [entry] = (await control(t, 'GET', '/journal?limit=1')).json().entries;
    assert.deepEqual(entry.request.query, { app_id: ACME_APP.app_id, app_secret: '[redacted]', refresh_token: '[redacted]' });
    assert.equal(entry.request.headers['x-app-secret'], '[redacted]');
    assert.equal(entry.request.headers.app_ticket, '[redacted]');
    assert.equal(entry.request.headers.cookie, '[redacted]');
    assert.deepEqual(entry.request.body, { app_id: ACME_APP.app_id, app_secret: '[redacted]', nested: [{ user_access_token: '[redacted]' }] });
    assert.equal(entry.response.body.tenant_access_token, '[redacted]');
    const issued = (await t.request({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: { app_id: ACME_APP.app_id, app_secret: secret } })).json().tenant_access_token;
    const text = JSON.stringify((await control(t, 'GET', '/journal')).json().entries);
    assert.ok(!text.includes(secret), 'the secret appears in no field');
    assert.ok(!text.includes(issued), 'the token appears in no field');
  });

  it('judges each part alone: a bodiless GET keeps its answer, a percent-encoded secret key in the query is redacted', async () => {
    const listed = await t.request({ method: 'GET', url: `${STATUSES_URL}?page_size=2&app%5Fsecret=s3cr3t-q`, token });
    const [entry] = (await control(t, 'GET', '/journal?limit=1')).json().entries;
    assert.equal(entry.request.body, null);
    assert.deepEqual(entry.request.query, { page_size: '2', app_secret: '[redacted]' });
    assert.deepEqual(entry.response.body, listed.json());
    assert.equal(entry.code, listed.json().code);
    assert.equal(entry.path, STATUSES_URL);
    assert.ok(!JSON.stringify(entry).includes('s3cr3t-q'));
  });

  it('shows a request body exactly as sent and the answer as given, and redacts a secret key spelt with escapes', async () => {
    const body = { user_list: [{ user_id: 'ou_nobody', end_time: '1893456000' }] };
    const answered = await t.request({ method: 'POST', url: `${STATUSES_URL}/7000000000000000001/batch_open?user_id_type=open_id`, token, payload: body });
    const [entry] = (await control(t, 'GET', '/journal?limit=1')).json().entries;
    assert.deepEqual(entry.request.body, body, 'end_time stays the string it was sent as');
    assert.deepEqual(entry.response.body, answered.json());
    assert.equal(entry.code, answered.json().code);

    const secret = ACME_APP.app_secret;
    await t.request({
      method: 'POST',
      url: '/open-apis/auth/v3/tenant_access_token/internal',
      headers: { 'content-type': 'application/json' },
      payload: `{"app_id":"${ACME_APP.app_id}","app\\u005fsecret":"${secret}"}`,
    });
    const [escaped] = (await control(t, 'GET', '/journal?limit=1')).json().entries;
    assert.equal(escaped.request.body.app_secret, '[redacted]');
    assert.equal(escaped.code, 0);
    assert.ok(!JSON.stringify(escaped).includes(secret));
  });

  it('shows headers and queries as sent and answered, whichever form the journal kept them in', async () => {
    const wanted = (headers: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(headers).filter(([name]) => !['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)));
    // A plain query (kept as sent), a repeated user_id_type, and a header value JSON must escape.
    const note = 'say "hi" \\ back';
    const listed = await t.request({ url: `${STATUSES_URL}?page_size=2&user_id_type=open_id&user_id_type=union_id&flag`, token, headers: { 'x-note': note } });
    const [plain] = (await control(t, 'GET', '/journal?limit=1')).json().entries;
    assert.deepEqual(plain.request.query, { page_size: '2', user_id_type: ['open_id', 'union_id'], flag: '' });
    assert.equal(plain.user_id_type, null);
    assert.equal(plain.request.headers['x-note'], note);
    assert.deepEqual(plain.response.headers, wanted(listed.headers));
    assert.equal(plain.response.headers['x-tt-logid'], plain.log_id);

    // A query that needs decoding is parsed and judged at once; user_id_type given once is the entry's.
    await t.request({ url: `${STATUSES_URL}?page_size=2&user_id_type=open_id&note=a+b%21`, token });
    const [decoded] = (await control(t, 'GET', '/journal?limit=1')).json().entries;
    assert.deepEqual(decoded.request.query, { page_size: '2', user_id_type: 'open_id', note: 'a b!' });
    assert.equal(decoded.user_id_type, 'open_id');

    // An answer whose headers name a secret (a fault rule's) is redacted field by field.
    await control(t, 'POST', '/faults', { api: 'list', times: 1, response: { status: 500, code: 1000, msg: 'x', headers: { 'x-app-secret': 's3cr3t-h', 'x-other': 'kept' } } });
    const faulted = await t.request({ url: `${STATUSES_URL}?page_size=2`, token });
    assert.equal(faulted.statusCode, 500);
    const [redacted] = (await control(t, 'GET', '/journal?limit=1')).json().entries;
    assert.equal(redacted.response.headers['x-app-secret'], '[redacted]');
    assert.deepEqual(redacted.response.headers, { ...wanted(faulted.headers), 'x-app-secret': '[redacted]' });
    assert.ok(!JSON.stringify(redacted).includes('s3cr3t-h'));
  });
});

describe('journal_limit 0', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ config: { journal_limit: 0 } });
  });
  after(() => t.close());

  it('keeps nothing, while the metrics still count every request by its code', async () => {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    assert.equal((await t.request({ url: STATUSES_URL, token })).statusCode, 200);
    assert.equal((await t.request({ url: STATUSES_URL, token: 't-unknown' })).statusCode, 400);
    assert.equal((await control(t, 'GET', '/journal/count')).json().count, 0);
    assert.deepEqual((await control(t, 'GET', '/journal')).json().entries, []);
    const metrics = (await t.request({ url: '/metrics' })).body;
    assert.match(metrics, /sysstatus_requests_total\{[^}]*api="list"[^}]*code="0"[^}]*\} 1/);
    assert.match(metrics, /sysstatus_requests_total\{[^}]*api="list"[^}]*code="99991663"[^}]*\} 1/);
    assert.match(metrics, /sysstatus_requests_total\{[^}]*api="tenant_access_token"[^}]*code="0"[^}]*\} 1/);
  });
});

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
});

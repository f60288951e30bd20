import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { STATUSES_URL, T0, type TestApp } from '../helpers/test-app.js';
import { ACME_APP } from '../helpers/test-seed.js';
import { batchOpen, control, startAcme } from './helpers.js';

const OTHER_APP = { app_id: 'cli_acme0000000000002', app_secret: 'acme-secret-2' };

describe('fault rules', () => {
  let t: TestApp;
  let token: string;
  let ids: Record<string, string>;
  before(async () => ({ t, token, ids } = await startAcme()));
  after(() => t.close());
  beforeEach(async () => {
    await control(t, 'DELETE', '/faults');
    await control(t, 'DELETE', '/journal');
  });

  const open = (userId = 'u001', as = token) => batchOpen(t, as, ids['请假'], [{ user_id: userId, end_time: T0 / 1000 + 3600 }]);

  it('a rule for 3 calls fails exactly 3, in the platform envelope with the headers asked for', async () => {
    const created = await control(t, 'POST', '/faults', {
      api: 'batch_open',
      times: 3,
      response: { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-reset': '7' } },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().remaining, 3);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await open());
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [429, 429, 429, 200, 200],
    );
    const first = answers[0];
    assert.equal(first.headers['x-ogw-ratelimit-reset'], '7');
    const body = first.json();
    assert.equal(body.code, 99991400);
    assert.equal(body.msg, 'request trigger frequency limit');
    assert.equal(body.error.log_id, first.headers['x-tt-logid']);
    assert.match(body.error.troubleshooter, /method_id=7161608966368772099/);
    const rule = (await control(t, 'GET', '/faults')).json().rules[0];
    assert.deepEqual([rule.remaining, rule.fired], [0, 3]);
    assert.equal((await control(t, 'GET', '/journal/count?api=batch_open&code=99991400')).json().count, 3);
    const faulted = (await control(t, 'GET', '/journal?api=batch_open&code=99991400')).json().entries;
    assert.ok(faulted.every((entry: { fault_id: string }) => entry.fault_id === rule.id));
  });

  it('fires only for the app and the user it names', async () => {
    await control(t, 'POST', '/faults', {
      api: 'batch_open',
      app_id: ACME_APP.app_id,
      match: { user_id: 'u002' },
      response: { status: 500, code: 99991500, msg: 'internal server error' },
    });
    const otherToken = await t.token(OTHER_APP.app_id, OTHER_APP.app_secret);
    assert.equal((await open('u001')).statusCode, 200);
    assert.equal((await open('u002', otherToken)).statusCode, 200);
    assert.equal((await open('u002')).statusCode, 500);
    assert.equal((await open('u002')).statusCode, 500, 'a rule without times fires until deleted');
    const [rule] = (await control(t, 'GET', '/faults')).json().rules;
    assert.equal((await control(t, 'DELETE', `/faults/${rule.id}`)).statusCode, 204);
    assert.equal((await open('u002')).statusCode, 200);
    assert.equal((await control(t, 'DELETE', `/faults/${rule.id}`)).statusCode, 404);
  });

  it('a bad token still wins over a fault: the gateway answers first', async () => {
    await control(t, 'POST', '/faults', { api: 'list', response: { status: 503, code: 99991504, msg: 'service unavailable, please retry later' } });
    const answer = await t.request({ url: STATUSES_URL, token: 't-nonsense' });
    assert.equal(answer.json().code, 99991663);
    assert.equal((await t.request({ url: STATUSES_URL, token })).json().code, 99991504);
  });

  it('token endpoints fail the way the auth service does: {code, msg}', async () => {
    await control(t, 'POST', '/faults', { api: 'tenant_access_token', times: 1, response: { status: 200, code: 10014, msg: 'app secret invalid' } });
    const payload = { app_id: ACME_APP.app_id, app_secret: ACME_APP.app_secret };
    const failed = await t.request({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload });
    assert.deepEqual(failed.json(), { code: 10014, msg: 'app secret invalid' });
    const next = await t.request({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload });
    assert.equal(next.json().code, 0);
  });

  it('delays without failing when a rule only has delay_ms, and says so in the journal', async () => {
    await control(t, 'POST', '/faults', { api: 'list', times: 1, delay_ms: 20 });
    const answer = await t.request({ url: STATUSES_URL, token });
    assert.equal(answer.json().code, 0);
    const [entry] = (await control(t, 'GET', '/journal?api=list')).json().entries;
    assert.match(entry.fault_id, /^fault_/);
  });

  it('randomness only with a seed, and the same seed fires on the same calls', async () => {
    const refused = await control(t, 'POST', '/faults', { api: 'list', probability: 0.5, response: { status: 500, code: 99991500, msg: 'x' } });
    assert.equal(refused.statusCode, 400);
    const pattern = async () => {
      await control(t, 'DELETE', '/faults');
      await control(t, 'POST', '/faults', { api: 'list', probability: 0.5, seed: 42, response: { status: 500, code: 99991500, msg: 'internal server error' } });
      const codes = [];
      for (let i = 0; i < 12; i++) codes.push((await t.request({ url: STATUSES_URL, token })).json().code);
      return codes;
    };
    const first = await pattern();
    assert.deepEqual(await pattern(), first);
    assert.ok(first.includes(0) && first.includes(99991500), `a 50% rule over 12 calls both fires and passes: ${first}`);
  });

  it('refuses a rule that neither answers nor delays, and an unknown api', async () => {
    assert.equal((await control(t, 'POST', '/faults', { api: 'list' })).statusCode, 400);
    assert.equal((await control(t, 'POST', '/faults', { api: 'teleport', delay_ms: 1 })).statusCode, 400);
  });
});

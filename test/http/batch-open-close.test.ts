import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { applySeed } from '../../src/operations/provisioning.js';
import { ACME, ACME_APP, GLOBEX, TEST_SEED } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { openIdOf, startTestApp, STATUSES_URL, T0, type TestApp, unionIdOf } from '../helpers/test-app.js';

const NOW = T0 / 1000;
const open = (id: string) => openIdOf(ACME_APP.app_id, ACME, id);

describeEachEngine('batch_open and batch_close', (engine) => {
  let t: TestApp;
  let token: string;
  let ids: Record<string, string>;
  before(async () => {
    t = await startTestApp({ engine, seed: { tenants: [] } });
  });
  beforeEach(async () => {
    await t.services.store.clear();
    t.clock.freeze(T0);
    await applySeed(t.services, TEST_SEED);
    token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    const items = (await t.request({ method: 'GET', url: STATUSES_URL, token })).json().data.items;
    ids = Object.fromEntries(items.map((item: { title: string; system_status_id: string }) => [item.title, item.system_status_id]));
  });
  after(() => t.close());

  const batchOpen = (statusId: string, user_list: object[], query = '', as = token) =>
    t.request({ method: 'POST', url: `${STATUSES_URL}/${statusId}/batch_open${query}`, token: as, payload: { user_list } });
  const batchClose = (statusId: string, user_list: unknown[], query = '', as = token) =>
    t.request({ method: 'POST', url: `${STATUSES_URL}/${statusId}/batch_close${query}`, token: as, payload: { user_list } });
  /** A batch answer's text: the envelope and the result list, in this key order exactly. */
  const answersText = (response: { body: string }, result_list: object[]) =>
    assert.equal(response.body, JSON.stringify({ code: 0, msg: 'success', data: { result_list } }));
  const shown = async (userId: string, tenant = ACME) =>
    (await t.request({ method: 'GET', url: `/_sysstatus/tenants/${tenant}/users/${userId}/status` })).json();

  test('opens and answers every user, echoing end_time as sent', async () => {
    const response = await batchOpen(ids['出差'], [
      { user_id: open('u001'), end_time: String(NOW + 3600) },
      { user_id: open('u002'), end_time: NOW + 7200 },
    ]);
    assert.equal(response.statusCode, 200);
    // The text itself: the platform's key order, each end_time echoed as the type it was sent.
    answersText(response, [
      { user_id: open('u001'), end_time: String(NOW + 3600), result: 'success_show' },
      { user_id: open('u002'), end_time: NOW + 7200, result: 'success_show' },
    ]);
    const view = await shown('u001');
    assert.equal(view.shown.title, '出差');
    assert.equal(view.shown.end_time, NOW + 3600);
    assert.deepEqual(view.shown.i18n_title, { zh_cn: '出差', en_us: 'On business trip' });
  });

  test('every result of the enum, from the rules that produce it', async () => {
    await batchOpen(ids['请假'], [{ user_id: open('u002'), end_time: NOW + 600 }]);
    const response = await batchOpen(ids['出差'], [
      { user_id: open('u001'), end_time: NOW + 600 }, // shown
      { user_id: open('u002'), end_time: NOW + 600 }, // 请假 (priority 0) is shown
      { user_id: open('u003'), end_time: NOW + 600 }, // turned sync off for 出差
      { user_id: open('u004'), end_time: NOW + 600 }, // resigned
      { user_id: open('u005'), end_time: NOW + 600 }, // outside the contact scope
      { user_id: 'ou_00000000000000000000000000000000', end_time: NOW + 600 },
      { user_id: openIdOf('cli_acme0000000000002', ACME, 'u001'), end_time: NOW + 600 }, // another app's open_id
    ]);
    assert.deepEqual(
      response.json().data.result_list.map((r: { result: string }) => r.result),
      ['success_show', 'success_user_in_higher_priority_system_status', 'success_user_close_syn', 'resign_user_id', 'invisible_user_id', 'invalid_user_id', 'invalid_user_id'],
    );
    assert.equal((await shown('u002')).shown.title, '请假');
    assert.equal((await shown('u003')).shown, null);
    assert.equal((await shown('u003')).open.length, 1);
    assert.equal((await shown('u004')).open.length, 0);
  });

  test('a status whose sync is off by default answers success_user_close_syn', async () => {
    const response = await batchOpen(ids['会议中'], [{ user_id: open('u001'), end_time: NOW + 600 }]);
    assert.equal(response.json().data.result_list[0].result, 'success_user_close_syn');
  });

  test('user_id and union_id types', async () => {
    const byUserId = await batchOpen(ids['出差'], [{ user_id: 'u001', end_time: NOW + 600 }, { user_id: 'nobody', end_time: NOW + 600 }], '?user_id_type=user_id');
    assert.deepEqual(byUserId.json().data.result_list.map((r: { result: string }) => r.result), ['success_show', 'invalid_user_id']);
    const byUnion = await batchOpen(
      ids['请假'],
      [
        { user_id: unionIdOf('acme', ACME, 'u002'), end_time: NOW + 600 },
        { user_id: unionIdOf('someone-else', ACME, 'u002'), end_time: NOW + 600 },
      ],
      '?user_id_type=union_id',
    );
    assert.deepEqual(byUnion.json().data.result_list.map((r: { result: string }) => r.result), ['success_show', 'invalid_user_id']);
    // An open_id passed as a union_id names nobody.
    const mixed = await batchOpen(ids['请假'], [{ user_id: open('u001'), end_time: NOW + 600 }], '?user_id_type=union_id');
    assert.equal(mixed.json().data.result_list[0].result, 'invalid_user_id');
    const badType = await batchOpen(ids['请假'], [{ user_id: 'u001', end_time: NOW + 600 }], '?user_id_type=email');
    assert.equal(badType.json().code, 2005001);
  });

  test("another tenant's user fails the whole request with 2005006 and changes nothing", async () => {
    for (const [query, foreign] of [
      ['', openIdOf('cli_globex0000000001', GLOBEX, 'g002')],
      ['?user_id_type=union_id', unionIdOf('acme', GLOBEX, 'g002')],
    ] as const) {
      const response = await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 600 }, { user_id: foreign, end_time: NOW + 600 }], query);
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().code, 2005006);
      assert.equal(response.json().msg, 'Request contains other tenant user.');
      const close = await batchClose(ids['出差'], [foreign], query);
      assert.equal(close.json().code, 2005006);
    }
    assert.equal((await shown('u001')).open.length, 0);
    // A user_id is a tenant's own name: Globex's u001 is Acme's u001 here, g002 is nobody.
    const byUserId = await batchOpen(ids['出差'], [{ user_id: 'g002', end_time: NOW + 600 }], '?user_id_type=user_id');
    assert.equal(byUserId.json().data.result_list[0].result, 'invalid_user_id');
  });

  test('parameter errors: 2005001 and nothing stored', async () => {
    const good = { user_id: open('u001'), end_time: NOW + 600 };
    for (const user_list of [
      [],
      Array.from({ length: 51 }, () => good),
      [{ user_id: open('u001') }],
      [{ end_time: NOW + 600 }],
      [{ user_id: 5, end_time: NOW + 600 }],
      [good, { user_id: open('u002'), end_time: NOW }],
      [good, { user_id: open('u002'), end_time: NOW - 1 }],
      [good, { user_id: open('u002'), end_time: NOW + 365 * 86400 + 1 }],
      [good, { user_id: open('u002'), end_time: 'soon' }],
      [good, { user_id: open('u002'), end_time: NOW + 0.5 }],
      [good, { user_id: open('u002'), end_time: null }],
    ]) {
      const response = await batchOpen(ids['出差'], user_list);
      assert.equal(response.statusCode, 400, JSON.stringify(user_list).slice(0, 200));
      assert.equal(response.json().code, 2005001);
    }
    for (const missing of ['1', '9999999999999999999', 'abc', ids['出差'] + '0']) {
      assert.equal((await batchOpen(missing, [good])).json().code, 2005001);
      assert.equal((await batchClose(missing, [open('u001')])).json().code, 2005001);
    }
    const globexStatus = (await t.request({ method: 'GET', url: STATUSES_URL, token: await t.token('cli_globex0000000001', 'globex-secret') })).json().data.items[0];
    assert.equal((await batchOpen(globexStatus.system_status_id, [good])).json().code, 2005001);
    assert.equal((await shown('u001')).open.length, 0);
    assert.equal((await batchOpen(ids['出差'], [{ ...good, end_time: NOW + 365 * 86400 }])).json().code, 0);
  });

  test('batch_close parameter errors', async () => {
    for (const user_list of [[], Array.from({ length: 51 }, () => 'x'), [5], [{ user_id: 'x' }]]) {
      const response = await batchClose(ids['出差'], user_list);
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().code, 2005001);
    }
  });

  test('re-opening replaces end_time and keeps the definition it was opened with', async () => {
    await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 600 }]);
    await t.request({
      method: 'PATCH',
      url: `${STATUSES_URL}/${ids['出差']}`,
      token,
      payload: { system_status: { title: '外勤', color: 'RED' }, update_fields: ['TITLE', 'COLOR'] },
    });
    const again = await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 900 }]);
    assert.equal(again.json().data.result_list[0].result, 'success_show');
    let view = await shown('u001');
    assert.equal(view.shown.title, '出差');
    assert.equal(view.shown.color, 'BLUE');
    assert.equal(view.shown.end_time, NOW + 900);
    // After it ends, the next open takes the new definition.
    t.clock.advance(900_000);
    assert.equal((await shown('u001')).shown, null);
    await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 2000 }]);
    view = await shown('u001');
    assert.equal(view.shown.title, '外勤');
    assert.equal(view.shown.color, 'RED');
  });

  test('expiry follows the clock to the second', async () => {
    await batchOpen(ids['请假'], [{ user_id: open('u001'), end_time: NOW + 60 }]);
    await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 120 }]);
    assert.equal((await shown('u001')).shown.title, '请假');
    t.clock.advance(59_999);
    assert.equal((await shown('u001')).shown.title, '请假');
    t.clock.advance(1);
    assert.equal((await shown('u001')).shown.title, '出差');
    t.clock.advance(60_000);
    assert.equal((await shown('u001')).shown, null);
  });

  test('deleting a status does not change what users show', async () => {
    await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 600 }]);
    await t.request({ method: 'DELETE', url: `${STATUSES_URL}/${ids['出差']}`, token });
    assert.equal((await shown('u001')).shown.title, '出差');
  });

  test('batch_close closes, reveals the next status, and succeeds when nothing was open', async () => {
    await batchOpen(ids['请假'], [{ user_id: open('u001'), end_time: NOW + 600 }]);
    await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 600 }]);
    const response = await batchClose(ids['请假'], [open('u001'), open('u002'), open('u004'), open('u005'), 'nobody']);
    answersText(response, [
      { user_id: open('u001'), result: 'success' },
      { user_id: open('u002'), result: 'success' },
      { user_id: open('u004'), result: 'resign_user_id' },
      { user_id: open('u005'), result: 'invisible_user_id' },
      { user_id: 'nobody', result: 'invalid_user_id' },
    ]);
    assert.equal((await shown('u001')).shown.title, '出差');
    const byUserId = await batchClose(ids['出差'], ['u001'], '?user_id_type=user_id');
    assert.equal(byUserId.json().data.result_list[0].result, 'success');
    assert.equal((await shown('u001')).shown, null);
  });

  test('a user named twice: answered twice, stored once with the last end_time', async () => {
    const response = await batchOpen(ids['出差'], [
      { user_id: open('u001'), end_time: NOW + 100 },
      { user_id: 'u001', end_time: NOW + 50 },
      { user_id: open('u001'), end_time: NOW + 300 },
    ]);
    // One result per entry, in order, each echoing what it was sent; the last end_time wins.
    assert.deepEqual(response.json().data.result_list, [
      { user_id: open('u001'), end_time: NOW + 100, result: 'success_show' },
      { user_id: 'u001', end_time: NOW + 50, result: 'invalid_user_id' }, // a user_id where open_ids are expected
      { user_id: open('u001'), end_time: NOW + 300, result: 'success_show' },
    ]);
    assert.equal((await shown('u001')).shown.end_time, NOW + 300);
    assert.equal((await shown('u001')).open.length, 1, 'stored once');
    const close = await batchClose(ids['出差'], [open('u001'), open('u001')]);
    assert.deepEqual(close.json().data.result_list.map((r: { result: string }) => r.result), ['success', 'success']);
  });

  test('a failing batch changes nothing (one transaction)', async () => {
    const before = await shown('u001');
    const store = t.services.store;
    const original = store.transaction.bind(store);
    store.transaction = (work) =>
      original(async (tx) => {
        const result = await work(tx);
        throw Object.assign(new Error('disk on fire'), { result });
      });
    try {
      const response = await batchOpen(ids['出差'], [{ user_id: open('u001'), end_time: NOW + 600 }, { user_id: open('u002'), end_time: NOW + 600 }]);
      assert.equal(response.statusCode, 500);
      assert.equal(response.json().error.log_id, response.headers['x-tt-logid']);
    } finally {
      store.transaction = original;
    }
    assert.deepEqual(await shown('u001'), before);
    assert.deepEqual((await shown('u002')).open, []);
  });
});

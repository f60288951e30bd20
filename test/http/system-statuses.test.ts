import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ACME_APP } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { startTestApp, STATUSES_URL, type TestApp } from '../helpers/test-app.js';

describeEachEngine('system_status create, list, patch, delete', (engine) => {
  let t: TestApp;
  let token: string;
  let globexToken: string;
  before(async () => {
    t = await startTestApp({ engine, seed: { tenants: [] } });
  });
  beforeEach(async () => {
    await t.services.store.clear();
    const { applySeed } = await import('../../src/operations/provisioning.js');
    const { TEST_SEED } = await import('../helpers/test-seed.js');
    await applySeed(t.services, TEST_SEED);
    token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    globexToken = await t.token('cli_globex0000000001', 'globex-secret');
  });
  after(() => t.close());

  const create = (payload: object, as = token) => t.request({ method: 'POST', url: STATUSES_URL, token: as, payload });
  const list = (query = '', as = token) => t.request({ method: 'GET', url: `${STATUSES_URL}${query}`, token: as });
  const patch = (id: string, payload: object, as = token) => t.request({ method: 'PATCH', url: `${STATUSES_URL}/${id}`, token: as, payload });
  const remove = (id: string, as = token) => t.request({ method: 'DELETE', url: `${STATUSES_URL}/${id}`, token: as, payload: {} });
  const codeOf = async (response: Promise<Awaited<ReturnType<TestApp['request']>>>) => {
    const answer = await response;
    return [answer.statusCode, answer.json().code];
  };

  test('create answers the full system_status with defaults', async () => {
    const response = await create({ title: '外出', icon_key: 'Coffee', priority: 5 });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.code, 0);
    assert.equal(body.msg, 'success');
    const status = body.data.system_status;
    assert.match(status.system_status_id, /^\d{19}$/);
    assert.deepEqual({ ...status, system_status_id: undefined }, {
      system_status_id: undefined,
      title: '外出',
      icon_key: 'Coffee',
      color: 'BLUE',
      priority: 5,
      sync_setting: { is_open_by_default: true, title: '自动开启', explain: '从相关系统进行信息同步，同步后将自动开启并优先展示该状态。' },
    });
  });

  test('create keeps i18n titles and a full sync_setting', async () => {
    const payload = {
      title: '出差2',
      i18n_title: { zh_cn: '出差2', en_us: 'Trip 2', ja_jp: '出張2' },
      icon_key: 'GeneralBusinessTrip',
      color: 'WATHET',
      priority: 7,
      sync_setting: {
        is_open_by_default: false,
        title: '自动开启',
        i18n_title: { en_us: 'Auto open' },
        explain: '说明',
        i18n_explain: { en_us: 'Explanation' },
      },
    };
    const status = (await create(payload)).json().data.system_status;
    const { system_status_id, ...rest } = status;
    assert.deepEqual(rest, payload);
    const listed = (await list()).json().data.items.find((item: { system_status_id: string }) => item.system_status_id === system_status_id);
    assert.deepEqual(listed, status);
  });

  test('create validation: 2005001 for every bad field', async () => {
    for (const payload of [
      {},
      { icon_key: 'Coffee' },
      { title: 'x' },
      { title: 'x', icon_key: 'Nope' },
      { title: 'x', icon_key: 'Coffee', color: 'PINK' },
      { title: 'x', icon_key: 'Coffee', priority: 10 },
      { title: 'x', icon_key: 'Coffee', priority: -1 },
      { title: 'x', icon_key: 'Coffee', priority: 1.5 },
      { title: 'x', icon_key: 'Coffee', priority: '5' },
      { title: 5, icon_key: 'Coffee' },
      { title: '', icon_key: 'Coffee' },
      { title: '一二三四五六七八九十一', icon_key: 'Coffee' },
      { title: 'x', icon_key: 'Coffee', i18n_title: { en_us: 'a'.repeat(21) } },
      { title: 'x', icon_key: 'Coffee', sync_setting: { is_open_by_default: 'yes' } },
      { title: 'x', icon_key: 'Coffee', sync_setting: { explain: '说'.repeat(31) } },
    ]) {
      assert.deepEqual(await codeOf(create(payload)), [400, 2005001], JSON.stringify(payload));
    }
    assert.equal((await list()).json().data.items.length, 3);
  });

  test('create: duplicate names 2005002, sensitive words 2005003, duplicate priority 2005005', async () => {
    assert.deepEqual(await codeOf(create({ title: '出差', icon_key: 'Coffee', priority: 8 })), [400, 2005002]);
    assert.deepEqual(await codeOf(create({ title: 'On business trip', icon_key: 'Coffee', priority: 8 })), [400, 2005002]);
    assert.deepEqual(await codeOf(create({ title: 'x', i18n_title: { ja_jp: '请假' }, icon_key: 'Coffee', priority: 8 })), [400, 2005002]);
    assert.deepEqual(await codeOf(create({ title: '含敏感词', icon_key: 'Coffee', priority: 8 })), [400, 2005003]);
    assert.deepEqual(await codeOf(create({ title: '新的', icon_key: 'Coffee', priority: 1 })), [400, 2005005]);
    assert.deepEqual(await codeOf(create({ title: '新的', icon_key: 'Coffee' })), [400, 2005005]);
    // Another tenant's names and priorities are no obstacle.
    assert.deepEqual(await codeOf(create({ title: '请假', icon_key: 'Coffee', priority: 0 }, globexToken)), [200, 0]);
  });

  test('at most 10 statuses per tenant: 2005004', async () => {
    for (let priority = 3; priority <= 9; priority++) {
      assert.deepEqual(await codeOf(create({ title: `s${priority}`, icon_key: 'Coffee', priority })), [200, 0]);
    }
    const eleventh = await create({ title: 'eleven', icon_key: 'Coffee', priority: 9 });
    assert.equal(eleventh.statusCode, 400);
    assert.equal(eleventh.json().code, 2005004);
    assert.equal(eleventh.json().msg, 'The number of tenant system status exceeds limit');
  });

  test('list pages with an opaque page_token and has_more', async () => {
    const first = (await list('?page_size=2')).json().data;
    assert.equal(first.items.length, 2);
    assert.equal(first.has_more, true);
    assert.equal(typeof first.page_token, 'string');
    const second = (await list(`?page_size=2&page_token=${encodeURIComponent(first.page_token)}`)).json().data;
    assert.equal(second.items.length, 1);
    assert.equal(second.has_more, false);
    assert.equal('page_token' in second, false);
    const all = (await list()).json().data;
    assert.deepEqual([...first.items, ...second.items], all.items);
    assert.deepEqual(all.items.map((item: { title: string }) => item.title), ['请假', '出差', '会议中']);
  });

  test('list validation: page_size 1-50, page_token must be ours', async () => {
    for (const query of ['?page_size=0', '?page_size=51', '?page_size=abc', '?page_size=1.5', '?page_token=bogus']) {
      assert.deepEqual(await codeOf(list(query)), [400, 2005001], query);
    }
    assert.deepEqual(await codeOf(list('?page_size=50')), [200, 0]);
    assert.deepEqual(await codeOf(list('?page_size=1')), [200, 0]);
  });

  test('a tenant sees only its own statuses, even with a page_token from another', async () => {
    const acmeFirst = (await list('?page_size=1')).json().data;
    const globex = (await list(`?page_token=${encodeURIComponent(acmeFirst.page_token)}`, globexToken)).json().data;
    const acmeIds = (await list()).json().data.items.map((item: { system_status_id: string }) => item.system_status_id);
    assert.ok(globex.items.every((item: { system_status_id: string }) => !acmeIds.includes(item.system_status_id)));
  });

  test('patch changes only the listed fields', async () => {
    const [leave] = (await list()).json().data.items;
    const response = await patch(leave.system_status_id, {
      system_status: { title: '休假', color: 'RED', priority: 8, icon_key: 'Coffee' },
      update_fields: ['TITLE', 'COLOR'],
    });
    assert.equal(response.statusCode, 200);
    const updated = response.json().data.system_status;
    assert.deepEqual(updated, { ...leave, title: '休假', color: 'RED' });
    assert.deepEqual((await list()).json().data.items[0], updated);
    // The old name is free again; the new one is taken.
    assert.deepEqual(await codeOf(create({ title: '请假', icon_key: 'Coffee', priority: 8 })), [200, 0]);
    assert.deepEqual(await codeOf(create({ title: '休假', icon_key: 'Coffee', priority: 9 })), [400, 2005002]);
  });

  test('patch without title or icon_key when they are not listed', async () => {
    const [leave] = (await list()).json().data.items;
    const response = await patch(leave.system_status_id, { system_status: { priority: 6 }, update_fields: ['PRIORITY'] });
    assert.equal(response.json().data.system_status.priority, 6);
  });

  test('patch errors: 2005001, 2005002, 2005003, 2005005', async () => {
    const [leave, trip] = (await list()).json().data.items;
    const cases: [string, object, number][] = [
      [leave.system_status_id, { system_status: {}, update_fields: [] }, 2005001],
      [leave.system_status_id, { system_status: {}, update_fields: ['TITLE'] }, 2005001],
      [leave.system_status_id, { system_status: { title: 'x' }, update_fields: ['NAME'] }, 2005001],
      [leave.system_status_id, { update_fields: ['TITLE'] }, 2005001],
      [leave.system_status_id, { system_status: { title: 'x' } }, 2005001],
      ['123', { system_status: { title: 'x' }, update_fields: ['TITLE'] }, 2005001],
      ['not-a-number', { system_status: { title: 'x' }, update_fields: ['TITLE'] }, 2005001],
      [leave.system_status_id, { system_status: { title: '出差' }, update_fields: ['TITLE'] }, 2005002],
      [leave.system_status_id, { system_status: { i18n_title: { en_us: 'On business trip' } }, update_fields: ['I18N_TITLE'] }, 2005002],
      [leave.system_status_id, { system_status: { title: 'sensitive-word' }, update_fields: ['TITLE'] }, 2005003],
      [leave.system_status_id, { system_status: { priority: trip.priority }, update_fields: ['PRIORITY'] }, 2005005],
    ];
    for (const [id, payload, code] of cases) {
      assert.deepEqual(await codeOf(patch(id, payload)), [400, code], JSON.stringify(payload));
    }
    // Its own title and priority are not a conflict.
    assert.deepEqual(await codeOf(patch(leave.system_status_id, { system_status: { title: '请假', priority: 0 }, update_fields: ['TITLE', 'PRIORITY'] })), [200, 0]);
    assert.deepEqual((await list()).json().data.items[0], leave);
  });

  test("delete removes the status; deleting again, or another tenant's id, is 2005001", async () => {
    const [leave] = (await list()).json().data.items;
    const globexStatus = (await list('', globexToken)).json().data.items[0];
    assert.deepEqual(await codeOf(remove(globexStatus.system_status_id)), [400, 2005001]);
    assert.deepEqual(await codeOf(patch(globexStatus.system_status_id, { system_status: { title: 'mine' }, update_fields: ['TITLE'] })), [400, 2005001]);
    const response = await remove(leave.system_status_id);
    assert.equal(response.body, '{"code":0,"msg":"success","data":{}}');
    assert.deepEqual(await codeOf(remove(leave.system_status_id)), [400, 2005001]);
    assert.equal((await list()).json().data.items.length, 2);
    assert.equal((await list('', globexToken)).json().data.items.length, 1);
    // Its name and priority are free again.
    assert.deepEqual(await codeOf(create({ title: '请假', icon_key: 'Coffee', priority: 0 })), [200, 0]);
  });
});

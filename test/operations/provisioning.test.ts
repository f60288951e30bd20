import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ControlledClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import { applySeed } from '../../src/operations/provisioning.js';
import { createSystemStatus } from '../../src/operations/system-statuses/create-system-status.js';
import { createServices } from '../../src/services.js';
import { createStore } from '../../src/store/create-store.js';
import { parseSeed } from '../../src/seed/load-seed.js';
import { DEMO_APP_ID, DEMO_SEED, DEMO_TENANT_KEY } from '../../src/seed/demo-seed.js';
import { STATUSES_URL, startTestApp, T0, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-store.js';

const YAML_SEED = `
tenants:
  - tenant_key: 736588c9260f175d
    name: Acme
    api_permission: true
    apps:
      - app_id: cli_a1b2c3d4e5f60718
        app_secret: s3cret
        type: custom
        developer: acme
        scopes: [personal_settings:status:system_status_update, personal_settings:status:system_status_operate, contact:user.employee_id:readonly]
        contact_scope: all
    users:
      - { user_id: u001, name: 张三 }
      - { user_id: u002, name: Li Si, resigned: true }
      - { user_id: u003, name: Wang Wu, sync_off: [出差] }
    system_statuses:
      - { title: 出差, icon_key: GeneralBusinessTrip, priority: 1 }
`;

test('the seed file of the README parses, in YAML and in JSON', () => {
  const seed = parseSeed(YAML_SEED);
  assert.equal(seed.tenants[0].users?.[2].sync_off?.[0], '出差');
  assert.deepEqual(parseSeed(JSON.stringify(seed)), seed);
});

test('bad seeds say what is wrong', () => {
  assert.throws(() => parseSeed('tenants: [{ name: X, apps: [{ app_secret: 1 }] }]'), /app_secret/);
  assert.throws(() => parseSeed('tenants: [{ name: X, nonsense: 1 }]'), /seed/);
  assert.throws(() => parseSeed('{{'), /not valid YAML/);
});

describeEachEngine('sync_off for a status the app under test will create', (engine) => {
  const KEY = '736588c9260f175d';
  const APP = { app_id: 'cli_a1b2c3d4e5f60718', app_secret: 's3cret' };
  // The app under test creates its statuses at install time; the seed names one it will create.
  const seed = () => parseSeed(YAML_SEED.replace('sync_off: [出差]', 'sync_off: [外出, Out]').replace(/ {4}system_statuses:\n.*\n/, ''));
  const create = (t: TestApp, token: string, payload: object) =>
    t.request({ method: 'POST', url: STATUSES_URL, token, payload });
  const openFor = async (t: TestApp, token: string, statusId: string) =>
    (
      await t.request({
        method: 'POST',
        url: `${STATUSES_URL}/${statusId}/batch_open?user_id_type=user_id`,
        token,
        payload: { user_list: [{ user_id: 'u003', end_time: T0 / 1000 + 600 }, { user_id: 'u001', end_time: T0 / 1000 + 600 }] },
      })
    ).json().data.result_list.map((r: { result: string }) => r.result);

  test('starts, lists the titles as pending (control API view), and applies one when the API creates its status', async () => {
    const t = await startTestApp({ engine, seed: seed() });
    try {
      const pending = [{ user_id: 'u003', title: 'Out' }, { user_id: 'u003', title: '外出' }];
      assert.deepEqual((await t.request({ url: `/_sysstatus/tenants/${KEY}` })).json().pending_sync_off, pending);
      const token = await t.token(APP.app_id, APP.app_secret);
      const created = await create(t, token, { title: '外出', icon_key: 'GeneralBusinessTrip', priority: 1 });
      assert.equal(created.json().code, 0);
      assert.deepEqual(await openFor(t, token, created.json().data.system_status.system_status_id), ['success_user_close_syn', 'success_show']);
      assert.deepEqual((await t.request({ url: `/_sysstatus/tenants/${KEY}` })).json().pending_sync_off, [{ user_id: 'u003', title: 'Out' }]);
      // An i18n title names the status just as well.
      const other = await create(t, token, { title: '休假', i18n_title: { en_us: 'Out' }, icon_key: 'GeneralVacation', priority: 2 });
      assert.deepEqual(await openFor(t, token, other.json().data.system_status.system_status_id), [
        'success_user_close_syn',
        'success_user_in_higher_priority_system_status', // u001 shows 外出 (priority 1)
      ]);
      assert.deepEqual((await t.request({ url: `/_sysstatus/tenants/${KEY}` })).json().pending_sync_off, []);
      // The same seed applied again (a restart) leaves the user's own choice alone.
      const statusId = created.json().data.system_status.system_status_id;
      await t.request({ method: 'PUT', url: `/_sysstatus/tenants/${KEY}/users/u003/sync/${statusId}`, payload: { sync_on: true } });
      const [again] = await applySeed(t.services, seed());
      assert.deepEqual(again.pending_sync_off, []);
      assert.deepEqual(await t.services.store.syncPreferences(KEY, statusId, ['u003']), new Map([['u003', true]]));
    } finally {
      await t.close();
    }
  });

  test('a pending title applies when a seed or a snapshot import creates its status, and reset brings it back', async () => {
    const t = await startTestApp({ engine, seed: seed() });
    try {
      const withStatus = seed();
      withStatus.tenants[0].system_statuses = [{ title: 'Away', i18n_title: { ja_jp: '外出' }, icon_key: 'GeneralBusinessTrip', priority: 3 }];
      const [tenant] = await applySeed(t.services, withStatus);
      assert.deepEqual(tenant.pending_sync_off, [{ user_id: 'u003', title: 'Out' }]);
      const [away] = await t.services.store.listSystemStatuses(KEY);
      assert.deepEqual(await t.services.store.syncPreferences(KEY, away.system_status_id, ['u003']), new Map([['u003', false]]));

      // A snapshot whose pending title meets a status of its own: the import creates it, so it applies.
      const snapshot = (await t.request({ url: '/_sysstatus/snapshot' })).json();
      const [exported] = snapshot.tenants;
      assert.deepEqual(exported.pending_sync_off, [{ user_id: 'u003', title: 'Out' }]);
      exported.system_statuses.push({ ...away, system_status_id: '7000000000000000009', title: 'Out', i18n_title: undefined, priority: 4 });
      assert.equal((await t.request({ method: 'POST', url: '/_sysstatus/snapshot', payload: snapshot })).statusCode, 200);
      assert.deepEqual(await t.services.store.listPendingSyncOff(KEY), []);
      assert.deepEqual(await t.services.store.syncPreferences(KEY, '7000000000000000009', ['u003']), new Map([['u003', false]]));

      assert.equal((await t.request({ method: 'POST', url: '/_sysstatus/reset' })).statusCode, 200);
      assert.deepEqual(await t.services.store.listPendingSyncOff(KEY), [{ user_id: 'u003', title: 'Out' }, { user_id: 'u003', title: '外出' }]);
    } finally {
      await t.close();
    }
  });
});

test('pending sync_off titles survive a restart: they are stored, not re-read from the seed', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sysstatus-pending-'));
  const boot = async (withSeed: boolean) => {
    const store = await createStore({ dataDir });
    const clock = new ControlledClock();
    clock.freeze(T0);
    const config = makeConfig({ rate_limits: false });
    const services = createServices(store, config, clock);
    const provisioned = withSeed ? await applySeed(services, parseSeed(YAML_SEED.replace('sync_off: [出差]', 'sync_off: [外出]'))) : [];
    return { services, provisioned, close: () => store.close() };
  };
  try {
    const first = await boot(true);
    assert.deepEqual(first.provisioned[0].pending_sync_off, [{ user_id: 'u003', title: '外出' }]);
    await first.close();
    const second = await boot(false);
    const status = await createSystemStatus(second.services, '736588c9260f175d', { title: '外出', icon_key: 'Coffee', priority: 5 });
    assert.deepEqual(await second.services.store.syncPreferences('736588c9260f175d', status.system_status_id, ['u003']), new Map([['u003', false]]));
    assert.deepEqual(await second.services.store.listPendingSyncOff('736588c9260f175d'), []);
    await second.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

describeEachEngine('seeding', (engine) => {
  test('seeding adds what is missing and leaves the rest alone', async () => {
    const t = await startTestApp({ engine, seed: parseSeed(YAML_SEED) });
    try {
      const extended = parseSeed(YAML_SEED.replace('    system_statuses:', '      - { user_id: u004 }\n    system_statuses:'));
      extended.tenants[0].name = 'Renamed';
      const [tenant] = await applySeed(t.services, extended);
      assert.equal(tenant.created, false);
      assert.equal((await t.services.store.getTenant('736588c9260f175d'))?.name, 'Acme');
      assert.equal((await t.services.store.listUsers('736588c9260f175d')).length, 4);
    } finally {
      await t.close();
    }
  });

  test('the demo tenant has one custom app with both scopes, a dozen users and a few statuses', async () => {
    const t = await startTestApp({ engine, seed: DEMO_SEED });
    try {
      const app = await t.services.store.getApp(DEMO_APP_ID);
      assert.equal(app?.type, 'custom');
      assert.ok(app?.scopes.includes('personal_settings:status:system_status_operate'));
      assert.ok(app?.scopes.includes('personal_settings:status:system_status_update'));
      assert.equal((await t.services.store.listUsers(DEMO_TENANT_KEY)).length, 12);
      assert.ok((await t.services.store.listSystemStatuses(DEMO_TENANT_KEY)).length >= 3);
    } finally {
      await t.close();
    }
  });
});

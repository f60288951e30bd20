import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySeed } from '../../src/operations/provisioning.js';
import { parseSeed } from '../../src/seed/load-seed.js';
import { DEMO_APP_ID, DEMO_SEED, DEMO_TENANT_KEY } from '../../src/seed/demo-seed.js';
import { startTestApp } from '../helpers/test-app.js';
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

describeEachEngine('seeding', (engine) => {
  test('a seed that names a status a user turns sync off for must define it', async () => {
    const t = await startTestApp({ engine, seed: { tenants: [] } });
    try {
      const seed = parseSeed(YAML_SEED.replace('sync_off: [出差]', 'sync_off: [请假]'));
      await assert.rejects(applySeed(t.services, seed), /请假/);
    } finally {
      await t.close();
    }
  });

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

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { exportSnapshot } from '../../src/emulator/snapshot.js';
import { buildApp } from '../../src/app.js';
import { makeConfig } from '../../src/config.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { startTestApp, T0, type TestApp } from '../helpers/test-app.js';
import { ACME } from '../helpers/test-seed.js';

// More users than one statement may bind as parameters on SQLite (32766) or PostgreSQL (65535).
const USERS = 70_000;

describeEachEngine('a tenant larger than a statement can bind', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
    const users = Array.from({ length: USERS }, (_, i) => ({
      tenant_key: ACME,
      user_id: `bulk${String(i).padStart(6, '0')}`,
      name: 'bulk',
      resigned: false,
      created_at: T0,
    }));
    await t.services.store.insertUsers(users);
    const [status] = await t.services.store.listSystemStatuses(ACME);
    await t.services.store.setSyncPreference(ACME, 'bulk069999', status.system_status_id, false);
  });
  after(() => t.close());

  test('whole-tenant look-ups, snapshots and a new server on the same data all work', async () => {
    const userIds = (await t.services.store.listUsers(ACME)).map((user) => user.user_id);
    assert.ok(userIds.length > USERS);
    const [status] = await t.services.store.listSystemStatuses(ACME);
    const preferences = await t.services.store.syncPreferences(ACME, status.system_status_id, userIds);
    assert.equal(preferences.get('bulk069999'), false);
    assert.ok((await t.services.store.userOpens(ACME, userIds)) instanceof Map);
    const snapshot = await exportSnapshot(t.services);
    const acme = snapshot.tenants.find((tenant) => tenant.tenant_key === ACME)!;
    assert.equal(acme.users.length, userIds.length);
    // What the server does at start (its reset point) over this data.
    const again = await buildApp({ config: makeConfig({ rate_limits: false }), services: t.services });
    await again.close();
  });
});

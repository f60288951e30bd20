import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { SystemStatus } from '../../src/domain/system-status.js';
import { ConflictError, type Store, type StoredOpen } from '../../src/store/store.js';
import { createTestStore, describeEachEngine } from '../helpers/test-store.js';

const TENANT = 'tenant00000000001';
const T0 = Date.UTC(2026, 0, 1);

const status = (id: string, title: string, priority: number): SystemStatus => ({
  system_status_id: id,
  title,
  icon_key: 'GeneralBusinessTrip',
  color: 'BLUE',
  priority,
  sync_setting: { is_open_by_default: true, title: '自动开启', explain: 'x' },
});

const open = (userId: string, statusId: string, endTime: number): StoredOpen => ({
  user_id: userId,
  system_status_id: statusId,
  end_time: endTime,
  opened_at: T0,
  title: 'Trip',
  icon_key: 'GeneralBusinessTrip',
  color: 'BLUE',
  priority: 1,
  open_by_default: true,
  sync_on: true,
});

describeEachEngine('store', (engine) => {
  let store: Store;

  before(async () => {
    store = await createTestStore(engine);
    await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
    await store.insertUsers(
      ['u1', 'u2', 'u3'].map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })),
    );
    await store.insertSystemStatus(TENANT, status('7000000000000000001', 'Trip', 1), T0);
  });
  after(() => store.close());

  it('reports its engine and answers a ping', async () => {
    assert.equal(store.engine, engine);
    await store.ping();
  });

  it('gives times back as numbers, booleans as booleans', async () => {
    const tenant = await store.getTenant(TENANT);
    assert.deepEqual(tenant, { tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
    const far = 4_102_444_800; // 2100-01-01 in seconds: past int4
    await store.writeOpens(TENANT, [open('u1', '7000000000000000001', far)]);
    const opens = await store.userOpens(TENANT, ['u1']);
    assert.equal(opens.get('u1')?.[0].end_time, far);
    assert.equal(typeof opens.get('u1')?.[0].opened_at, 'number');
    await store.deleteOpens(TENANT, '7000000000000000001', ['u1']);
  });

  it('refuses a second status with a taken title', async () => {
    const refusal = await store
      .transaction((tx) => tx.insertSystemStatus(TENANT, status('7000000000000000002', 'Trip', 2), T0))
      .catch((error) => error);
    assert.ok(refusal instanceof ConflictError);
    assert.equal(refusal.rule, 'name');
    // Nothing of the refused transaction stays.
    assert.deepEqual((await store.listSystemStatuses(TENANT)).map((s) => s.system_status_id), ['7000000000000000001']);
  });

  it('refuses a taken priority, and the transaction can still read afterwards', async () => {
    const outcome = await store.transaction(async (tx) => {
      const refusal = await tx.insertSystemStatus(TENANT, status('7000000000000000003', 'Other', 1), T0).catch((e) => e);
      // On PostgreSQL this read needs the savepoint the store took around the insert.
      return { refusal, count: (await tx.listSystemStatuses(TENANT)).length };
    });
    assert.ok(outcome.refusal instanceof ConflictError);
    assert.equal(outcome.refusal.rule, 'priority');
    assert.equal(outcome.count, 1);
  });

  it('keeps a tenant at ten statuses whatever is inserted', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        store.transaction((tx) => tx.insertSystemStatus(TENANT, status(`71000000000000000${10 + i}`, `S${i}`, i % 10), T0)),
      ),
    );
    const statuses = await store.listSystemStatuses(TENANT);
    assert.ok(statuses.length <= 10);
    assert.equal(new Set(statuses.map((s) => s.priority)).size, statuses.length);
    for (const result of results) {
      if (result.status === 'rejected') assert.ok(result.reason instanceof ConflictError, String(result.reason));
    }
    for (const s of statuses) if (s.system_status_id !== '7000000000000000001') await store.deleteSystemStatus(TENANT, s.system_status_id);
  });

  it('writes all of a transaction or nothing', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.writeOpens(TENANT, [open('u1', '7000000000000000001', 2_000_000_000)]);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal((await store.userOpens(TENANT, ['u1'])).size, 0);
  });

  it('upserts opens: a second write replaces the first', async () => {
    await store.transaction((tx) => tx.writeOpens(TENANT, [open('u2', '7000000000000000001', 1_900_000_000)]));
    await store.transaction((tx) => tx.writeOpens(TENANT, [open('u2', '7000000000000000001', 1_950_000_000)]));
    assert.equal((await store.userOpens(TENANT, ['u2'])).get('u2')?.[0].end_time, 1_950_000_000);
    await store.deleteOpens(TENANT, '7000000000000000001', ['u2']);
  });

  it("reads a whole tenant's opens and toggles, and nothing of another tenant", async () => {
    const OTHER = 'tenant00000000002';
    await store.insertTenant({ tenant_key: OTHER, name: 'Other', api_permission: true, created_at: T0 });
    await store.insertUsers([{ tenant_key: OTHER, user_id: 'u1', name: 'u1', resigned: false, created_at: T0 }]);
    await store.insertSystemStatus(OTHER, status('7000000000000000009', 'Trip', 1), T0);
    await store.writeOpens(TENANT, [open('u1', '7000000000000000001', 1_900_000_000), open('u3', '7000000000000000001', 1_800_000_000)]);
    await store.writeOpens(OTHER, [open('u1', '7000000000000000009', 1_700_000_000)]);
    await store.setSyncPreference(TENANT, 'u3', '7000000000000000001', false);
    await store.setSyncPreference(OTHER, 'u1', '7000000000000000009', false);
    try {
      const opens = (await store.tenantOpens(TENANT)).sort((a, b) => a.user_id.localeCompare(b.user_id));
      assert.deepEqual(
        opens.map((o) => [o.user_id, o.system_status_id, o.end_time, o.sync_on]),
        [
          ['u1', '7000000000000000001', 1_900_000_000, true],
          ['u3', '7000000000000000001', 1_800_000_000, false],
        ],
      );
      assert.deepEqual(await store.tenantSyncPreferences(TENANT), [{ user_id: 'u3', system_status_id: '7000000000000000001', sync_on: false }]);
      // The expiry index's light read: only what ends after the given second.
      assert.deepEqual(await store.tenantOpenEnds(TENANT, 1_800_000_000), [{ system_status_id: '7000000000000000001', user_ids: ['u1'], end_times: [1_900_000_000] }]);
      const later = await store.tenantOpenEnds(TENANT, 1_799_999_999);
      assert.deepEqual(
        later.map((ends) => [ends.system_status_id, ends.user_ids.map((user, i) => [user, ends.end_times[i]]).sort()]),
        [['7000000000000000001', [['u1', 1_900_000_000], ['u3', 1_800_000_000]]]],
      );
    } finally {
      await store.deleteTenant(OTHER);
      await store.deleteOpens(TENANT, '7000000000000000001', ['u1', 'u3']);
      await store.setSyncPreference(TENANT, 'u3', '7000000000000000001', true);
    }
  });

  it('lets a second transaction on the same users start its reads only after the first commits', async () => {
    const events: string[] = [];
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const firstHasLocks = new Promise<void>((resolve) => (firstLocked = resolve));

    const first = store.transaction(async (tx) => {
      await tx.lockUsers(TENANT, ['u3', 'u1']);
      // Locks hold from the transaction's next statement (PostgreSQL sends them with it): a read.
      await tx.getTenant(TENANT);
      firstLocked();
      await firstMayCommit;
      await tx.writeOpens(TENANT, [open('u3', '7000000000000000001', 1_900_000_000)]);
      events.push('first writes');
    });
    await firstHasLocks;
    const second = store.transaction(async (tx) => {
      // On PostgreSQL the lock and the read travel in one message: the read's snapshot must be
      // taken after the lock was granted, as each statement of a message takes its own.
      await tx.lockUsers(TENANT, ['u1', 'u3']);
      const opens = await tx.userOpens(TENANT, ['u3']);
      events.push(`second sees ${opens.get('u3')?.[0].end_time ?? 'nothing'}`);
    });
    // Give the second transaction every chance to run ahead if the lock did not hold it.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    releaseFirst();
    await Promise.all([first, second]);
    assert.deepEqual(events, ['first writes', 'second sees 1900000000']);
    await store.deleteOpens(TENANT, '7000000000000000001', ['u3']);
  });

  it('lockTenant reads the tenant unchanged and holds a second lockTenant of it until the first commits', async () => {
    const events: string[] = [];
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const firstHasLock = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = store.transaction(async (tx) => {
      assert.deepEqual(await tx.lockTenant(TENANT), { tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
      firstLocked();
      await firstMayCommit;
      await tx.insertUsers([{ tenant_key: TENANT, user_id: 'u-locked', name: 'x', resigned: false, created_at: T0 }]);
      events.push('first writes');
    });
    await firstHasLock;
    const second = store.transaction(async (tx) => {
      await tx.lockTenant(TENANT);
      events.push(`second sees ${(await tx.getUser(TENANT, 'u-locked')) ? 'the user' : 'nothing'}`);
    });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    releaseFirst();
    await Promise.all([first, second]);
    assert.deepEqual(events, ['first writes', 'second sees the user']);
    assert.equal(await store.transaction((tx) => tx.lockTenant('no-such-tenant')), undefined);
    await store.transaction((tx) => tx.deleteUser(TENANT, 'u-locked'));
  });

  it('locks nothing for an empty list', async () => {
    await store.transaction((tx) => tx.lockUsers(TENANT, []));
  });

  it('keeps sync-off titles that no status has yet, per user, until they are taken', async () => {
    await store.addPendingSyncOff(TENANT, 'u2', '外出');
    await store.addPendingSyncOff(TENANT, 'u2', '外出'); // a seed applied again adds nothing
    await store.addPendingSyncOff(TENANT, 'u3', 'Out');
    await store.addPendingSyncOff(TENANT, 'u3', 'Away');
    assert.deepEqual(await store.listPendingSyncOff(TENANT), [
      { user_id: 'u2', title: '外出' },
      { user_id: 'u3', title: 'Away' },
      { user_id: 'u3', title: 'Out' },
    ]);
    assert.deepEqual(await store.listPendingSyncOff('another tenant'), []);
    const taken = await store.transaction((tx) => tx.takePendingSyncOff(TENANT, ['外出', 'Out']));
    assert.deepEqual(taken, [
      { user_id: 'u2', title: '外出' },
      { user_id: 'u3', title: 'Out' },
    ]);
    assert.deepEqual(await store.listPendingSyncOff(TENANT), [{ user_id: 'u3', title: 'Away' }]);
    assert.deepEqual((await store.dump()).pending_sync_off, [{ tenant_key: TENANT, title: 'Away', user_id: 'u3' }]);
    await store.transaction((tx) => tx.deleteUser(TENANT, 'u3'));
    assert.deepEqual(await store.listPendingSyncOff(TENANT), [], 'a deleted user leaves nothing pending');
  });
});

// The memory engine hands batch_open and batch_close only the other statuses' open that would be
// shown (in its place relative to this status's open). Over random opens, with ties of priority and
// opened_at, expired ones and sync toggles, the plan must be the one made from every stored open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opensForClose, planBatchClose } from '../../../src/domain/batch-close.js';
import { type BatchOpenEntry, planBatchOpen, type UserState } from '../../../src/domain/batch-open.js';
import { definitionForCreate, type SystemStatus } from '../../../src/domain/system-status.js';
import { seededRandom } from '../../../src/emulator/seeded-random.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { MemoryState } from '../../../src/store/memory/state.js';

const TENANT = 'tenant0000000000a';
const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const STATUS_IDS = ['7000000000000000001', '7000000000000000002', '7000000000000000003', '7000000000000000004', '7000000000000000005'];
const USERS = Array.from({ length: 60 }, (_, i) => `u${i}`);

/** A store with random opens of the users, few distinct priorities and opened_at values (ties are common), expired ones and toggles. */
async function randomOpens(next: () => number): Promise<MemoryStore> {
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)];
  const store = new MemoryStore(new MemoryState(), undefined);
  await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: 0 });
  await store.insertUsers(USERS.map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: 0 })));
  for (const user_id of USERS) {
    for (const system_status_id of STATUS_IDS) {
      if (next() < 0.4) continue;
      await store.writeOpens(TENANT, [
        {
          user_id,
          system_status_id,
          end_time: NOW + pick([-60, 0, 60, 3600]),
          opened_at: NOW_MS - pick([0, 1000]),
          title: 't',
          icon_key: 'Coffee',
          color: 'BLUE',
          priority: pick([0, 1, 2]),
          open_by_default: next() < 0.8,
          sync_on: true,
        },
      ]);
      if (next() < 0.2) await store.setSyncPreference(TENANT, user_id, system_status_id, next() < 0.5);
    }
  }
  return store;
}

test('batchCloseOpens is opensForClose of every stored open, and plans the same close', async () => {
  const next = seededRandom(11);
  for (let round = 0; round < 40; round++) {
    const store = await randomOpens(next);
    const statusId = STATUS_IDS[Math.floor(next() * STATUS_IDS.length)];
    const named = USERS.filter(() => next() < 0.5);
    const stored = await store.userOpens(TENANT, named);
    const reduced = await store.batchCloseOpens(TENANT, statusId, named, NOW);
    for (const user_id of named) {
      const expected = opensForClose(stored.get(user_id) ?? [], statusId, NOW).map(({ system_status_id, end_time, opened_at, priority, sync_on }) => ({ system_status_id, end_time, opened_at, priority, sync_on }));
      assert.deepEqual(reduced.get(user_id) ?? [], expected, `round ${round}, ${user_id}`);
    }
    const entries = named.map((user_id) => ({ user_id, resolved: { kind: 'user' as const, user_id, resigned: false, visible: true } }));
    assert.deepEqual(planBatchClose(statusId, entries, reduced, NOW_MS), planBatchClose(statusId, entries, stored, NOW_MS), `round ${round}`);
  }
});

test('batchOpenStates gives the same plan as every stored open, ties and toggles included', async () => {
  const next = seededRandom(7);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)];
  for (let round = 0; round < 40; round++) {
    const store = await randomOpens(next);
    const status: SystemStatus = {
      system_status_id: pick(STATUS_IDS),
      ...definitionForCreate({ title: 's', icon_key: 'Coffee', priority: pick([0, 1, 2]), sync_setting: { is_open_by_default: next() < 0.7 } }),
    };
    const named = USERS.filter(() => next() < 0.5);
    const entries: BatchOpenEntry[] = named.map((user_id) => ({
      user_id,
      end_time_raw: NOW + 7200,
      end_time: NOW + 7200,
      resolved: { kind: 'user', user_id, resigned: false, visible: true },
    }));

    const reduced = await store.batchOpenStates(TENANT, status.system_status_id, named, NOW);
    // The same states with every active open, in stored order.
    const stored = await store.userOpens(TENANT, named);
    const preferences = await store.syncPreferences(TENANT, status.system_status_id, named);
    const full = new Map<string, UserState>();
    for (const user_id of named) {
      const opens = (stored.get(user_id) ?? []).filter((open) => open.end_time > NOW);
      const state: UserState = { opens, open: opens.find((open) => open.system_status_id === status.system_status_id) };
      if (preferences.has(user_id)) state.sync_preference = preferences.get(user_id);
      if (opens.length > 0 || state.sync_preference !== undefined) full.set(user_id, state);
    }
    assert.deepEqual(planBatchOpen(status, entries, reduced, NOW_MS), planBatchOpen(status, entries, full, NOW_MS), `round ${round}`);
    // Beyond the plan, what the store promises: the same users (an active open, sync off or not, or a
    // toggle of this status), this status's open in full, and the toggle.
    assert.deepEqual([...reduced.keys()].sort(), [...full.keys()].sort(), `round ${round}: users`);
    for (const [user_id, state] of full) {
      assert.deepEqual(reduced.get(user_id)?.open, state.open, `round ${round}, ${user_id}: open`);
      assert.equal(reduced.get(user_id)?.sync_preference, state.sync_preference, `round ${round}, ${user_id}: toggle`);
    }
  }
});

// Group commit in the embedded engine: the transactions of one turn of the event loop become one
// durable write; none returns before it, a failed write undoes all of them, and a read waits for it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openSqliteStore } from '../../../src/store/engines/sqlite/sqlite-engine.js';
import { type ChangeSink, MemoryStore, type RowChange } from '../../../src/store/memory/memory-store.js';
import { MemoryState } from '../../../src/store/memory/state.js';
import type { Store, StoredOpen } from '../../../src/store/store.js';
import { rowCount } from '../../helpers/sqlite-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'sysstatus-group-commit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TENANT = 'tenant0000000000a';
const T0 = Date.UTC(2026, 0, 1);
const STATUS = '7000000000000000001';
const USERS = Array.from({ length: 20 }, (_, i) => `u${i}`);

const open = (userId: string, endTime: number): StoredOpen => ({
  user_id: userId,
  system_status_id: STATUS,
  end_time: endTime,
  opened_at: T0,
  title: 't1',
  icon_key: 'GeneralBusinessTrip',
  color: 'BLUE',
  priority: 1,
  open_by_default: true,
  sync_on: true,
});

async function seed(store: Store) {
  await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
  await store.insertUsers(USERS.map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })));
}

const endTimes = async (store: Store) => [...(await store.userOpens(TENANT, USERS)).values()].flat().map((row) => row.end_time).sort();

test('the transactions of one turn are one log row, and a read started amid them sees them all', async () => {
  const file = join(dir, 'one-turn.sqlite');
  const store = await openSqliteStore({ file, fold: { idleMs: 60_000 } });
  await seed(store);
  const logRows = () => rowCount(file, 'sysstatus_change_log');
  const before = logRows();
  let returned = 0;
  const commits = USERS.map((user, i) => store.transaction((tx) => tx.writeOpens(TENANT, [open(user, 2_000_000_000 + i)])).then(() => returned++));
  const read = endTimes(store);
  assert.equal(returned, 0, 'no transaction returns before the write');
  await Promise.all(commits);
  assert.equal((await read).length, USERS.length);
  assert.equal(logRows(), before + 1);
  // Abandoned as a killed process would leave it: the reopened store has every change.
  const reopened = await openSqliteStore({ file });
  assert.deepEqual(await endTimes(reopened), await endTimes(store));
  await reopened.close();
});

test('a failed write undoes every transaction of its turn, newest first, and each of them fails', async () => {
  let failNext = false;
  const written: (readonly RowChange[])[][] = [];
  let staged: (readonly RowChange[])[] = [];
  const sink: ChangeSink = {
    stage(changes) {
      staged.push(changes);
    },
    append() {
      const records = staged;
      staged = [];
      if (failNext) throw new Error('disk full');
      written.push(records);
    },
    async close() {},
  };
  const store = new MemoryStore(new MemoryState(), sink);
  await seed(store);
  await store.transaction((tx) => tx.writeOpens(TENANT, [open('u0', 1_900_000_000)]));
  const kept = await store.dump();

  failNext = true;
  // The same user twice: the second transaction replaces the first one's row, so undoing out of order would leave it.
  const outcomes = Promise.allSettled([
    store.transaction((tx) => tx.writeOpens(TENANT, [open('u0', 2_000_000_001), open('u1', 2_000_000_001)])),
    store.transaction((tx) => tx.writeOpens(TENANT, [open('u0', 2_000_000_002)])),
    store.deleteOpens(TENANT, STATUS, ['u0']),
  ]);
  const read = endTimes(store);
  assert.deepEqual(
    (await outcomes).map((outcome) => outcome.status),
    ['rejected', 'rejected', 'rejected'],
  );
  assert.deepEqual(await read, [1_900_000_000], 'the read waited and saw none of them');
  assert.deepEqual(await store.dump(), kept);

  failNext = false;
  await store.transaction((tx) => tx.writeOpens(TENANT, [open('u1', 2_000_000_003)]));
  assert.deepEqual(await endTimes(store), [1_900_000_000, 2_000_000_003]);
  assert.equal(written.length, 4, 'seed (tenant, users), the first open, the last open');
});

test('a failed write removes the new rows of every table by their keys', async () => {
  let fail = false;
  const store = new MemoryStore(new MemoryState(), {
    stage() {},
    append() {
      if (fail) throw new Error('disk full');
    },
    async close() {},
  });
  await seed(store);
  const kept = await store.dump();
  fail = true;
  const OTHER = 'tenant0000000000b';
  const failed = await store
    .transaction(async (tx) => {
      await tx.insertTenant({ tenant_key: OTHER, name: 'Other', api_permission: true, created_at: T0 });
      await tx.insertUsers([{ tenant_key: OTHER, user_id: 'v1', name: 'v1', resigned: false, created_at: T0 }]);
      await tx.insertApp(
        { app_id: 'cli_other00000000001', tenant_key: OTHER, name: 'app', app_secret_digest: 'd', type: 'custom', developer: 'dev1', scopes: [], created_at: T0 },
        ['v1'],
      );
      const definition = { title: 'Trip', icon_key: 'GeneralBusinessTrip', color: 'BLUE', priority: 1, sync_setting: { is_open_by_default: true, title: '', explain: '' } } as const;
      await tx.insertSystemStatus(OTHER, { system_status_id: '7000000000000000009', ...definition }, T0);
      await tx.setSyncPreference(OTHER, 'v1', '7000000000000000009', false);
      await tx.addPendingSyncOff(OTHER, 'v1', 'Leave');
      await tx.insertAccessToken({ token_digest: 'digest', kind: 'tenant', app_id: 'cli_other00000000001', tenant_key: OTHER, nonce: 'n', issued_at: T0, expires_at: T0 + 1 });
      await tx.writeOpens(OTHER, [{ ...open('v1', 2_000_000_000), system_status_id: '7000000000000000009' }]);
    })
    .catch((error: unknown) => error);
  assert.match(String(failed), /disk full/);
  assert.deepEqual(await store.dump(), kept);
});

test("a transaction the sink cannot stage is undone alone; the others of its turn commit", async () => {
  const written: (readonly RowChange[])[][] = [];
  let staged: (readonly RowChange[])[] = [];
  const store = new MemoryStore(new MemoryState(), {
    stage(changes) {
      if (changes.some((change) => change[1]?.includes(2_000_000_002))) throw new TypeError('a value it cannot encode');
      staged.push(changes);
    },
    append() {
      written.push(staged);
      staged = [];
    },
    async close() {},
  });
  await seed(store);
  await store.transaction((tx) => tx.writeOpens(TENANT, [open('u1', 1_900_000_000)]));
  written.length = 0;
  const outcomes = await Promise.allSettled([
    store.transaction((tx) => tx.writeOpens(TENANT, [open('u0', 2_000_000_001)])),
    // Replaces the open the first transaction has not yet made durable, and one of its own.
    store.transaction((tx) => tx.writeOpens(TENANT, [open('u0', 2_000_000_002), open('u1', 2_000_000_002)])),
    store.transaction((tx) => tx.writeOpens(TENANT, [open('u2', 2_000_000_003)])),
  ]);
  assert.deepEqual(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /cannot encode/);
  assert.deepEqual(await endTimes(store), [1_900_000_000, 2_000_000_001, 2_000_000_003]);
  assert.equal(written.length, 1, 'one append for the turn');
  assert.deepEqual(
    written[0].map((changes) => changes.map((change) => change[1]?.[1])),
    [['u0'], ['u2']],
  );
});

// The embedded engine's log and fold: whatever point a process stops at (between commits, amid a
// fold of many steps), a new process on the same file finds exactly the committed state.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { decodeRecord, encodeRecord, recordKeys } from '../../../src/store/engines/sqlite/change-log.js';
import { CODECS } from '../../../src/store/memory/tables.js';
import { openSqliteStore } from '../../../src/store/engines/sqlite/sqlite-engine.js';
import type { RowChange } from '../../../src/store/memory/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { rowCount } from '../../helpers/sqlite-rows.js';
import { testOpen } from '../../helpers/test-open.js';
import { seededRandom } from '../../../src/emulator/seeded-random.js';

const dir = mkdtempSync(join(tmpdir(), 'sysstatus-change-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TENANT = 'tenant0000000000a';
const T0 = Date.UTC(2026, 0, 1);
const USERS = Array.from({ length: 40 }, (_, i) => `u${i}`);
const STATUSES = ['7000000000000000001', '7000000000000000002', '7000000000000000003'];


const open = (userId: string, statusId: string, endTime: number) => testOpen(userId, statusId, endTime, T0);

test('a log record keeps every kind of value exactly', () => {
  const changes: RowChange[] = [
    [3, [TENANT, 'ü名前😀', 'x'.repeat(70_000), 0, -1]],
    [3, [TENANT, '', 'tab\t "quote" \\', 2 ** 31, -(2 ** 31)]],
    [5, ['d', 'tenant', 'a', TENANT, 'n', 1.5, Number.MAX_SAFE_INTEGER]],
    [5, ['e', 'tenant', 'a', TENANT, 'n', -0, 1e300]],
    [0, null, ['gone']],
  ];
  const decoded = decodeRecord(encodeRecord(changes));
  assert.deepEqual(decoded, changes);
  assert.ok(Object.is(decoded[3][1]![5], -0));
});

test('a log record writes repeated values once and decodes to the same changes', () => {
  const changes: RowChange[] = [
    [9, [TENANT, 'u1', STATUSES[0], 100, T0, 't1', '{"en_us":"x"}', 'GeneralBusinessTrip', 'BLUE', 1, 1]],
    [9, [TENANT, 'u2', STATUSES[0], 200, T0, 't1', '{"en_us":"x"}', 'GeneralBusinessTrip', 'BLUE', 1, 1]],
    [8, [TENANT, 'u2', STATUSES[0], 0]],
    [9, null, [TENANT, 'u3', STATUSES[1]]],
    // A value equal to the previous image's except the last column, and one with null where the previous had text.
    [9, [TENANT, 'u4', STATUSES[0], 200, T0, 't1', null, 'GeneralBusinessTrip', 'BLUE', 1, 0]],
    [8, [TENANT, 'u2', STATUSES[1], 0]],
  ];
  const record = encodeRecord(changes);
  assert.ok(record.length < JSON.stringify(changes).length * 0.6, `${record.length} bytes`);
  assert.deepEqual(decodeRecord(record), changes);
  // Records of earlier releases: JSON, first in full, then with repeated values as `true`.
  assert.deepEqual(decodeRecord(JSON.stringify(changes)), changes);
  const compactJson = JSON.stringify([
    changes[0],
    [9, [true, 'u2', true, 200]],
    changes[2],
    changes[3],
    [9, [true, 'u4', true, true, true, true, null, true, true, true, 0]],
    [8, [true, true, STATUSES[1]]],
  ]);
  assert.deepEqual(decodeRecord(compactJson), changes);
});

test("a fold reads each change's table and key back from a record, repeated and skipped values included", () => {
  const keysOf = (record: string | Buffer, skipPutsOf?: number) => {
    const keys: [number, unknown[]][] = [];
    recordKeys(record, (table, key) => keys.push([table, key]), skipPutsOf);
    return keys;
  };
  const next = seededRandom(11);
  const texts = [TENANT, 'u1', 'u2', STATUSES[0], STATUSES[1], 'ü名前😀', 'x'.repeat(300), ''];
  for (let round = 0; round < 50; round++) {
    const changes: RowChange[] = [];
    for (let i = 0; i < 20; i++) {
      const table = Math.floor(next() * CODECS.length);
      const width = CODECS[table].columns.length;
      const value = () => (next() < 0.8 ? texts[Math.floor(next() * texts.length)] : next() < 0.5 ? null : Math.floor(next() * 4e9) / 2);
      if (next() < 0.2) changes.push([table, null, Array.from({ length: CODECS[table].keyColumns }, () => texts[Math.floor(next() * 4)])]);
      else changes.push([table, Array.from({ length: width }, (_, c) => (c < CODECS[table].keyColumns ? texts[Math.floor(next() * 4)] : value()))]);
    }
    const decoded = decodeRecord(encodeRecord(changes));
    const expected = decoded.map(([table, values, key]): [number, unknown[]] => [table, (values ?? key!).slice(0, CODECS[table].keyColumns)]);
    assert.deepEqual(keysOf(encodeRecord(changes)), expected);
    assert.deepEqual(keysOf(JSON.stringify(changes)), expected);
    // One table's puts passed over unread (the opens', which the fold takes from the state): the rest as before.
    const skipped = Math.floor(next() * CODECS.length);
    const rest = expected.filter((_, i) => !(decoded[i][0] === skipped && decoded[i][1]));
    assert.deepEqual(keysOf(encodeRecord(changes), skipped), rest);
    assert.deepEqual(keysOf(JSON.stringify(changes), skipped), rest);
  }
});

test('a fold step never writes a change that is not yet durable', async () => {
  const file = join(dir, 'fold-waits.sqlite');
  const store = await openSqliteStore({ file, fold: { idleMs: 60_000, maxLogBytes: 1 << 30, stepRows: 1 } });
  await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
  await store.insertUsers(USERS.map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })));
  const log = (store as unknown as { sink: { fold(): Promise<void>; append(records: unknown): void } }).sink;
  await log.fold();
  await store.transaction((tx) => tx.writeOpens(TENANT, USERS.map((user) => open(user, STATUSES[0], 1_900_000_000))));
  const append = log.append.bind(log);
  let failNext = false;
  log.append = (records) => {
    if (failNext) {
      failNext = false;
      throw new Error('disk full');
    }
    append(records);
  };
  // A fold of one row per step: its next step is queued for the turn in which the failing commit waits for its write.
  const folding = log.fold();
  await new Promise((resolve) => setImmediate(resolve));
  failNext = true;
  // The rows the fold is about to write, changed by a commit whose write then fails.
  const failed = store.transaction((tx) => tx.writeOpens(TENANT, USERS.map((user) => open(user, STATUSES[0], 1_900_000_001))));
  await assert.rejects(failed, /disk full/);
  await folding;
  const expected = await store.dump();
  assert.equal(expected.user_system_statuses.length, USERS.length);
  // Abandoned, as a killed process: the tables and the log alone must hold the state.
  const reopened = await openSqliteStore({ file });
  assert.deepEqual(await reopened.dump(), expected);
  await reopened.close();
});

for (const [name, fold] of [
  ['folding every few commits, in steps of 7 rows', { maxLogBytes: 2048, stepRows: 7, idleMs: 1 }],
  ['never folding until close', { maxLogBytes: 1 << 30, maxDirtyRows: 1 << 30, idleMs: 60_000 }],
  // Each fold takes part of the log (a record or two), several folds in a row while it is long.
  ['folds of a few records each', { maxLogBytes: 1024, maxDirtyRows: 25, stepRows: 5, idleMs: 1 }],
] as const) {
  test(`a store abandoned at random points reopens with every committed change: ${name}`, async () => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.sqlite`);
    const next = seededRandom(42);
    let store: Store = await openSqliteStore({ file, fold });
    await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
    await store.insertUsers(USERS.map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })));
    const abandoned: Store[] = [];
    let serial = 1_800_000_000;
    for (let round = 0; round < 12; round++) {
      const commits = 20 + Math.floor(next() * 120);
      for (let i = 0; i < commits; i++) {
        const statusId = STATUSES[Math.floor(next() * STATUSES.length)];
        const users = USERS.filter(() => next() < 0.3);
        const roll = next();
        if (roll < 0.6) await store.transaction((tx) => tx.writeOpens(TENANT, users.map((user) => open(user, statusId, ++serial))));
        else if (roll < 0.9) await store.deleteOpens(TENANT, statusId, users);
        else if (users.length > 0) await store.setSyncPreference(TENANT, users[0], statusId, next() < 0.5);
        // Let folds run some of their steps between commits.
        if (next() < 0.2) await new Promise((resolve) => setImmediate(resolve));
      }
      const expected = await store.dump();
      // Abandon the store as a killed process would: no close, no final fold.
      abandoned.push(store);
      store = await openSqliteStore({ file, fold });
      assert.deepEqual(await store.dump(), expected, `round ${round}`);
    }
    const expected = await store.dump();
    await store.close();
    // A close folds the whole log, however many folds that takes: the tables alone are the state.
    assert.equal(rowCount(file, 'sysstatus_change_log'), 0);
    const reopened = await openSqliteStore({ file, fold });
    assert.deepEqual(await reopened.dump(), expected);
    await reopened.close();
  });
}

test('a fold step that fails right after an append fails no commit: reported, tried again, nothing lost', async () => {
  const file = join(dir, 'failing-step-after-append.sqlite');
  let failures = 2;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => {
    if ((warning as { code?: string }).code === 'SYSSTATUS_FOLD') warnings.push(warning);
  };
  process.on('warning', onWarning);
  try {
    const store = await openSqliteStore({
      file,
      // Every append starts a fold at once, inside the append.
      fold: { stepRows: 5, idleMs: 20, maxLogBytes: 1 },
      stopAt: (point) => {
        if (point === 'fold:before-commit' && failures-- > 0) throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR');
      },
    });
    // The first commits' folds fail: their records are durable, so the commits succeed and stay.
    await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
    await store.insertUsers(USERS.slice(0, 12).map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })));
    assert.equal((await store.getTenant(TENANT))?.name, 'Acme');
    assert.equal((await store.listUsers(TENANT)).length, 12);
    await store.writeOpens(TENANT, [open('u1', STATUSES[0], 2_000_000_000)]);
    const expected = await store.dump();
    // The retries fold the whole log, without a close.
    const deadline = Date.now() + 5_000;
    const logRows = () => rowCount(file, 'sysstatus_change_log');
    while (logRows() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(logRows(), 0);
    assert.equal(warnings.length, 2, 'each failure is reported once');
    assert.match(warnings[0].message, /disk I\/O error\); it is tried again in 20 ms/);
    assert.match(warnings[1].message, /tried again in 40 ms/, 'a failure in a row waits twice as long');
    await store.close();
    const reopened = await openSqliteStore({ file });
    assert.deepEqual(await reopened.dump(), expected);
    await reopened.close();
  } finally {
    process.off('warning', onWarning);
  }
});

test('after a fold the tables alone hold every open, whatever mix of opens, re-opens and closes came before', async () => {
  const file = join(dir, 'fold-opens.sqlite');
  const store = await openSqliteStore({ file, fold: { idleMs: 60_000, maxLogBytes: 1 << 30, stepRows: 9 } });
  await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
  await store.insertUsers(USERS.map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })));
  const log = (store as unknown as { sink: { fold(): Promise<void> } }).sink;
  const next = seededRandom(7);
  let serial = 1_800_000_000;
  const commit = async () => {
    const statusId = STATUSES[Math.floor(next() * STATUSES.length)];
    const users = USERS.filter(() => next() < 0.25);
    if (next() < 0.65) await store.transaction((tx) => tx.writeOpens(TENANT, users.map((user) => open(user, statusId, ++serial))));
    else await store.deleteOpens(TENANT, statusId, users);
  };
  const opensOf = (dump: Awaited<ReturnType<Store['dump']>>) =>
    dump.user_system_statuses.map((row) => ({ user_id: row.user_id, system_status_id: row.system_status_id, end_time: row.end_time }));
  const tableOpens = () => {
    const database = new Database(file, { readonly: true });
    try {
      return database.prepare('select user_id, system_status_id, end_time from user_system_statuses order by user_id, system_status_id').all();
    } finally {
      database.close();
    }
  };
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < 15; i++) await commit();
    // Commits while the fold runs: it writes their rows as they are when it reaches them, or leaves them to the next fold.
    const folding = log.fold();
    for (let i = 0; i < 3; i++) await commit();
    await folding;
    await log.fold();
    const state = opensOf(await store.dump());
    assert.ok(state.length > 0);
    assert.deepEqual(tableOpens(), state, `round ${round}`);
    assert.equal(rowCount(file, 'sysstatus_change_log'), 0);
  }
  // Abandoned with its last commits in the log only: the next process replays them, and its first fold writes them.
  for (let i = 0; i < 15; i++) await commit();
  const expected = opensOf(await store.dump());
  const reopened = await openSqliteStore({ file, fold: { idleMs: 60_000, maxLogBytes: 1 << 30 } });
  await (reopened as unknown as { sink: { fold(): Promise<void> } }).sink.fold();
  assert.deepEqual(tableOpens(), expected);
  await reopened.close();
});

test('a fold step that fails is written again when the fold goes on: no row is left out', async () => {
  const file = join(dir, 'failing-step.sqlite');
  let failures = 1;
  const store = await openSqliteStore({
    file,
    fold: { stepRows: 5, idleMs: 60_000, maxLogBytes: 1 << 30 },
    // A full disk, say: one step's transaction fails and is rolled back.
    stopAt: (point) => {
      if (point === 'fold:before-commit' && failures-- > 0) throw new Error('disk I/O error');
    },
  });
  await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
  await store.insertUsers(USERS.slice(0, 12).map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })));
  await assert.rejects(store.close(), /disk I\/O error/);
  // The close is tried again: the fold goes on from the failed step, which it writes again.
  await store.close();
  assert.equal(rowCount(file, 'users'), 12);
  assert.equal(rowCount(file, 'sysstatus_change_log'), 0);
});

// The state image beside the database: a clean close writes it, the next start loads it and the
// log after it; any doubt about it loads the tables instead; a process stopped at any point of a
// fold, a close or an image write reopens with every committed change; a folder of the previous
// release opens, and once opened here, the previous release refuses it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect } from 'kysely';
import { testOpen } from '../../helpers/test-open.js';
import { seededRandom } from '../../../src/emulator/seeded-random.js';
import { encodeRecord, ProcessStop, type StopPoint } from '../../../src/store/engines/sqlite/change-log.js';
import { openSqliteStore } from '../../../src/store/engines/sqlite/sqlite-engine.js';
import * as initial from '../../../src/store/migrations/2026-11-25-0001-initial.js';
import * as pendingSyncOff from '../../../src/store/migrations/2026-12-02-0001-pending-sync-off.js';
import type { Store } from '../../../src/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'sysstatus-state-image-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TENANT = 'tenant0000000000a';
const T0 = Date.UTC(2026, 0, 1);
const USERS = Array.from({ length: 30 }, (_, i) => `u${i}`);
const STATUSES = ['7000000000000000001', '7000000000000000002'];
let folders = 0;

const open = (userId: string, statusId: string, endTime: number) => testOpen(userId, statusId, endTime, T0);

async function seeded(fold = {}): Promise<{ file: string; store: Store }> {
  const folder = join(dir, `f${++folders}`);
  const file = join(folder, 'sysstatus.sqlite');
  const store = await openSqliteStore({ file, fold });
  await store.insertTenant({ tenant_key: TENANT, name: 'Acme', api_permission: true, created_at: T0 });
  await store.insertUsers(USERS.map((user_id) => ({ tenant_key: TENANT, user_id, name: user_id, resigned: false, created_at: T0 })));
  await store.insertApp({ app_id: 'cli_a', tenant_key: TENANT, name: 'A', app_secret_digest: 'd', type: 'custom', developer: 'dev', scopes: [], created_at: T0 }, USERS.slice(0, 20));
  await store.writeOpens(TENANT, USERS.slice(0, 10).map((user) => open(user, STATUSES[0], 1_800_000_000)));
  return { file, store };
}

/** Changes a user's name in the tables only: a start that shows it loaded the tables, one that does not loaded the image. */
function renameInTables(file: string, name: string) {
  const database = new SqliteDatabase(file);
  database.prepare('update users set name = ? where user_id = ?').run(name, 'u1');
  database.close();
}
const nameOf = async (store: Store) => (await store.getUser(TENANT, 'u1'))?.name;
const namedImages = (file: string) => {
  const database = new SqliteDatabase(file, { readonly: true });
  const rows = database.prepare('select id from sysstatus_state_image').all();
  database.close();
  return rows.length;
};

test('a clean close writes the image, and the next start loads it instead of the tables', async () => {
  const { file, store } = await seeded();
  const expected = await store.dump();
  await store.close();
  assert.ok(existsSync(`${file}-image`));
  assert.equal(namedImages(file), 1);
  renameInTables(file, 'from the tables');
  const reopened = await openSqliteStore({ file });
  assert.deepEqual(await reopened.dump(), expected);
  assert.equal(await nameOf(reopened), 'u1');
  // Nothing changed: the close keeps the same image (and leaves no saved-state files).
  const before = readFileSync(`${file}-image`);
  await reopened.close();
  assert.deepEqual(readFileSync(`${file}-image`), before);
  assert.deepEqual(readdirSync(join(file, '..')).filter((name) => name.includes('-saved-')), []);
});

test('an image of the earlier version is loaded, and the next close writes it in this version though nothing changed', async () => {
  const { file, store } = await seeded();
  await store.close();
  // The version-2 fixture (test/store/memory) stands in for the folder's image: the start trusts it over the tables.
  const fixture = join(import.meta.dirname, '..', 'memory', 'fixtures', 'state-image-v2');
  writeFileSync(`${file}-image`, readFileSync(`${fixture}.bin`));
  const database = new SqliteDatabase(file);
  database.prepare('update sysstatus_state_image set id = ?').run('version-2');
  database.close();
  const expected = JSON.parse(readFileSync(`${fixture}.json`, 'utf8'));
  const reopened = await openSqliteStore({ file });
  assert.deepEqual(JSON.parse(JSON.stringify(await reopened.dump())), expected);
  // The start state for reset links the earlier image (no encoding at start), and reads back from it.
  const saved = await reopened.saveState!();
  await reopened.updateUser('tenant0000000000a', 'u1', { name: 'after saving' });
  await saved.restore([]);
  assert.deepEqual(JSON.parse(JSON.stringify(await reopened.dump())), expected);
  await reopened.close();
  assert.equal(readFileSync(`${file}-image`).readUInt32LE(8), 3);
  const again = await openSqliteStore({ file });
  assert.deepEqual(JSON.parse(JSON.stringify(await again.dump())), expected);
  await again.close();
});

test('a saved state (the start state for reset) is kept beside the database and put back durably', async () => {
  const { file, store } = await seeded();
  await store.close();
  for (const changedFirst of [false, true]) {
    const current = await openSqliteStore({ file });
    // Unchanged since the load: a link to the image; changed: written anew.
    if (changedFirst) await current.updateUser(TENANT, 'u4', { name: 'before saving' });
    const expected = await current.dump();
    const saved = await current.saveState!();
    assert.equal(readdirSync(join(file, '..')).filter((name) => name.includes('-saved-')).length, 1);
    await current.updateUser(TENANT, 'u5', { name: 'after saving' });
    await current.deleteUser(TENANT, 'u6');
    await current.writeOpens(TENANT, [open('u7', STATUSES[1], 1_900_000_000)]);
    const token = { token_digest: 'kept', kind: 'tenant' as const, app_id: 'cli_a', tenant_key: TENANT, nonce: 'n', issued_at: T0, expires_at: T0 + 1 };
    await saved.restore([token]);
    const restored = await current.dump();
    assert.deepEqual({ ...restored, access_tokens: [] }, { ...expected, access_tokens: [] });
    assert.deepEqual(restored.access_tokens.map((row) => row.token_digest), ['kept']);
    await current.close();
    assert.deepEqual(readdirSync(join(file, '..')).filter((name) => name.includes('-saved-')), []);
    const reopened = await openSqliteStore({ file });
    assert.deepEqual(await reopened.dump(), restored);
    await reopened.deleteExpiredAccessTokens(T0 + 2);
    await reopened.close();
  }
});

const doubts: [string, (file: string) => void][] = [
  ['the image file is missing', (file) => rmSync(`${file}-image`)],
  ['the image file is truncated', (file) => truncateSync(`${file}-image`, 100)],
  ['the image file is cut short by a byte', (file) => {
    const bytes = readFileSync(`${file}-image`);
    writeFileSync(`${file}-image`, bytes.subarray(0, bytes.length - 1));
  }],
  ['a byte of the image is damaged', (file) => {
    const bytes = readFileSync(`${file}-image`);
    bytes[bytes.length - 20] ^= 1;
    writeFileSync(`${file}-image`, bytes);
  }],
  ['the image is of another version', (file) => {
    const bytes = readFileSync(`${file}-image`);
    bytes.writeUInt32LE(bytes.readUInt32LE(8) + 1, 8);
    writeFileSync(`${file}-image`, bytes);
  }],
  ['the row names another image', (file) => {
    const database = new SqliteDatabase(file);
    database.prepare(`update sysstatus_state_image set id = 'another'`).run();
    database.close();
  }],
  ['no row names the image', (file) => {
    const database = new SqliteDatabase(file);
    database.prepare('delete from sysstatus_state_image').run();
    database.close();
  }],
];

for (const [name, damage] of doubts) {
  test(`a start loads the tables when ${name}`, async () => {
    const { file, store } = await seeded();
    await store.close();
    renameInTables(file, 'from the tables');
    damage(file);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const reopened = await openSqliteStore({ file });
      assert.equal(await nameOf(reopened), 'from the tables');
      assert.equal((await reopened.dump()).users.length, USERS.length);
      // Its close writes a good image again.
      await reopened.close();
      const again = await openSqliteStore({ file });
      assert.equal(await nameOf(again), 'from the tables');
      await again.close();
    } finally {
      process.off('warning', onWarning);
    }
  });
}

test('after a start from the image, the log replays over it, and the first fold forgets the image before it changes a table', async () => {
  const { file, store } = await seeded();
  await store.close();
  // Never folds on its own: the log after the image is replayed at the next start.
  const quiet = { maxLogBytes: 1 << 30, maxDirtyRows: 1 << 30, idleMs: 60_000 };
  const first = await openSqliteStore({ file, fold: quiet });
  await first.writeOpens(TENANT, [open('u20', STATUSES[1], 1_900_000_000)]);
  await first.updateUser(TENANT, 'u2', { name: 'changed' });
  const expected = await first.dump();
  // Abandoned, as a killed process: the image (still named) and the log make the state.
  assert.equal(namedImages(file), 1);
  const second = await openSqliteStore({ file, fold: { stepRows: 1, idleMs: 1 } });
  assert.deepEqual(await second.dump(), expected);
  await second.updateUser(TENANT, 'u3', { name: 'later' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  // The fold ran: the image is no longer named, and the tables plus the log are the state.
  assert.equal(namedImages(file), 0);
  const third = await openSqliteStore({ file });
  assert.equal((await third.getUser(TENANT, 'u3'))?.name, 'later');
  assert.deepEqual((await third.dump()).user_system_statuses, expected.user_system_statuses);
  await third.close();
});

const STOPS: StopPoint[] = ['fold:before-commit', 'fold:after-commit', 'image:temporary-written', 'image:renamed'];

/**
 * A store that can be killed in this process as a crash would: from then on each of its fold
 * steps stops before it commits (so an abandoned store's background fold writes nothing more).
 */
async function killable(file: string, fold: object, stop?: (point: StopPoint) => void) {
  let killed = false;
  const store = await openSqliteStore({
    file,
    fold,
    stopAt: (point) => {
      if (killed) throw new ProcessStop('killed');
      stop?.(point);
    },
  });
  return { store, kill: () => (killed = true) };
}

test('a process stopped at any point of a fold, a close or an image write reopens with every committed change', async () => {
  const ignoreStops = (error: unknown) => {
    if (!(error instanceof ProcessStop)) throw error;
  };
  const next = seededRandom(Number(process.env.SYSSTATUS_STOP_SEED) || 5);
  const fold = { maxLogBytes: 4096, stepRows: 3, idleMs: 1 };
  const { file, store: first } = await seeded(fold);
  await first.close();
  let current = await killable(file, fold);
  let serial = 1_800_000_000;
  const seen = new Set<string>();
  for (let round = 0; round < (Number(process.env.SYSSTATUS_STOP_ROUNDS) || 40); round++) {
    const { store } = current;
    const commits = 5 + Math.floor(next() * 40);
    for (let i = 0; i < commits; i++) {
      const statusId = STATUSES[Math.floor(next() * STATUSES.length)];
      const users = USERS.filter(() => next() < 0.3);
      const roll = next();
      if (roll < 0.6) await store.writeOpens(TENANT, users.map((user) => open(user, statusId, ++serial)));
      else if (roll < 0.85) await store.deleteOpens(TENANT, statusId, users);
      else if (users.length > 0) await store.updateUser(TENANT, users[0], { name: `n${serial}` });
      if (next() < 0.2) await new Promise((resolve) => setImmediate(resolve));
    }
    const expected = await store.dump();
    const ending = next();
    if (ending < 0.3) current.kill();
    else if (ending < 0.5) await store.close();
    else {
      // The close stops at the n-th time it passes one of the points.
      const point = STOPS[Math.floor(next() * STOPS.length)];
      let passes = Math.floor(next() * 3);
      current.kill();
      const stopping = await killable(file, fold, (at) => {
        if (at === point && passes-- === 0) {
          seen.add(at);
          throw new ProcessStop(at);
        }
      });
      assert.deepEqual(await stopping.store.dump(), expected, `round ${round}: the start before the stop`);
      await stopping.store.close().catch(ignoreStops);
      stopping.kill();
    }
    current = await killable(file, fold);
    assert.deepEqual(await current.store.dump(), expected, `round ${round}`);
  }
  await current.store.close();
  assert.deepEqual([...seen].sort(), [...STOPS].sort(), 'every stop point was reached at least once');
});

const PREVIOUS_MIGRATIONS: Record<string, Migration> = {
  '2026-11-25-0001-initial': initial,
  '2026-12-02-0001-pending-sync-off': pendingSyncOff,
};

function previousRelease(database: SqliteDatabase.Database) {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: { prepare: (sql) => database.prepare(sql), close: () => {} } }) });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => PREVIOUS_MIGRATIONS } });
  return { db, migrator };
}

test('a data folder of the previous release opens (tables and log), and the previous release then refuses it', async () => {
  const folder = join(dir, 'previous');
  const file = join(folder, 'sysstatus.sqlite');
  rmSync(folder, { recursive: true, force: true });
  await openSqliteStore({ file: ':memory:' }).then((store) => store.close());
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder, { recursive: true });
  // The previous release's folder: its two migrations, rows in the tables, and an unfolded log row.
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  const { db, migrator } = previousRelease(database);
  assert.equal((await migrator.migrateToLatest()).error, undefined);
  await db.destroy();
  database.prepare('insert into tenants values (?, ?, 1, ?)').run(TENANT, 'Acme', T0);
  database.prepare('insert into users values (?, ?, ?, 0, ?)').run(TENANT, 'u1', 'One', T0);
  database.exec('create table sysstatus_change_log (seq integer primary key, changes text not null)');
  database.prepare('insert into sysstatus_change_log (changes) values (?)').run(encodeRecord([[3, [TENANT, 'u2', 'Two', 0, T0]]]));
  database.close();

  const opened = await openSqliteStore({ file });
  assert.deepEqual((await opened.dump()).users.map((user) => user.user_id), ['u1', 'u2']);
  const expected = await opened.dump();
  await opened.close();
  const again = await openSqliteStore({ file });
  assert.deepEqual(await again.dump(), expected);
  await again.close();

  // The previous release's migrator meets a migration it does not know and stops.
  const reopened = new SqliteDatabase(file);
  const previous = previousRelease(reopened);
  const { error } = await previous.migrator.migrateToLatest();
  assert.match(String(error), /corrupted migrations: previously executed migration 2026-12-06-0001-state-image is missing/);
  await previous.db.destroy();
  reopened.close();
});

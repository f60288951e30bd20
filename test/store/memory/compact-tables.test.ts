// The compact tables against a plain Map holding the same rows: any sequence of puts and removes
// leaves both with the same rows, whatever the IDs look like.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveOpenId, deriveUnionId } from '../../../src/domain/identifiers.js';
import { seededRandom } from '../../../src/emulator/seeded-random.js';
import { ContactUsersTable, JoinedTexts, UserIdTable, UsersTable } from '../../../src/store/memory/compact-tables.js';
import { Leaf } from '../../../src/store/memory/state.js';
import { compareText, type UserIdRow, userIdsCodec } from '../../../src/store/memory/tables.js';
import type { UserRecord } from '../../../src/store/store.js';

const byId = (a: UserIdRow, b: UserIdRow) => (a.id_value < b.id_value ? -1 : 1);

function idRow(random: () => number, index: number): UserIdRow {
  const tenant_key = `tenant${index % 3}`;
  const user_id = `u${index}`;
  const pick = random();
  // Mostly derived IDs; some of other shapes, which the table keeps beside the compact entries.
  if (pick < 0.45) return { id_value: deriveOpenId(`cli_${index % 5}`, tenant_key, user_id), id_type: 'open_id', tenant_key, user_id, owner: `cli_${index % 5}` };
  if (pick < 0.9) return { id_value: deriveUnionId(`dev${index % 2}`, tenant_key, user_id), id_type: 'union_id', tenant_key, user_id, owner: `dev${index % 2}` };
  const digits = String(index).padStart(32, '0');
  // A last character that is no lower-case hex digit: next to the digits' codes, or above 127 with a digit's low seven bits.
  const notHex = ['A', 'g', '/', ':', '`', 'G', '\u00b0', '\u0161', '\u0660'][index % 9];
  const odd = [`ou_${digits.slice(1)}${notHex}`, `ou_${index}`, `on_${digits.slice(1)}${notHex}`, `xx_${digits}`, `on_${digits}`];
  return { id_value: odd[index % odd.length], id_type: 'open_id', tenant_key, user_id, owner: 'cli_0' };
}

test('user_ids: puts, replacements and removes give the rows a Map would hold, across index rebuilds', () => {
  const random = seededRandom(11);
  const table = new UserIdTable(userIdsCodec, (_tenant, userId) => userId);
  const model = new Map<string, UserIdRow>();
  const rows = Array.from({ length: 6000 }, (_, index) => idRow(random, index));
  for (let step = 0; step < 30_000; step++) {
    const row = rows[Math.floor(random() * rows.length)];
    if (random() < 0.35) {
      table.remove([row.id_value]);
      model.delete(row.id_value);
    } else {
      // A replacement may change every column but the key.
      const next = random() < 0.2 ? { ...row, owner: 'cli_9', user_id: `${row.user_id}x`, id_type: row.id_type === 'open_id' ? 'union_id' as const : 'open_id' as const } : row;
      assert.deepEqual(table.put({ ...next }), model.get(next.id_value));
      model.set(next.id_value, next);
    }
    if (step % 5000 === 0) assert.equal(table.size, model.size);
  }
  assert.equal(table.size, model.size);
  assert.deepEqual([...table.rows()].sort(byId), [...model.values()].sort(byId));
  for (const row of rows) assert.deepEqual(table.get([row.id_value]), model.get(row.id_value));
  // An ID that differs from a stored one only in its prefix or one digit is another ID.
  const stored = [...model.values()].find((row) => row.id_value.startsWith('ou_') && row.id_value.length === 35)!;
  assert.equal(table.lookup(`on_${stored.id_value.slice(3)}`)?.id_value, model.get(`on_${stored.id_value.slice(3)}`)?.id_value);
  const flipped = stored.id_value.slice(0, 34) + (stored.id_value[34] === '0' ? '1' : '0');
  assert.equal(table.lookup(flipped), model.get(flipped));
  assert.equal(table.lookup(stored.id_value.toUpperCase()), undefined);
  // userOf answers what the row would, for every kind of question batch requests ask.
  for (const row of rows) {
    const held = model.get(row.id_value);
    for (const [type, tenant, owner] of [[row.id_type, row.tenant_key, row.owner], [row.id_type, 'tenant9', row.owner], [row.id_type, row.tenant_key, 'cli_8'], ['union_id', row.tenant_key, row.owner], ['open_id', row.tenant_key, row.owner]] as const) {
      const expected = !held || held.id_type !== type ? undefined : held.tenant_key !== tenant ? null : held.owner === owner ? held.user_id : undefined;
      assert.equal(table.userOf(row.id_value, type, tenant, owner), expected);
    }
  }
});

test('user_ids: a row shares the user_id string the users table gives it', () => {
  const shared = 'u-shared';
  const table = new UserIdTable(userIdsCodec, () => shared);
  const id = deriveOpenId('cli_1', 't', 'u-shared');
  table.put({ id_value: id, id_type: 'open_id', tenant_key: 't', user_id: ['u-', 'shared'].join(''), owner: 'cli_1' });
  assert.equal(table.lookup(id)?.user_id, shared);
});

test('users: slots and index places reused after removes still give the rows and pages a Map of rows would, across index rebuilds', () => {
  const random = seededRandom(5);
  const table = new UsersTable();
  const model = new Map<string, UserRecord>();
  const keyOf = (row: UserRecord) => `${row.tenant_key}\u0000${row.user_id}`;
  for (let step = 0; step < 20_000; step++) {
    const index = Math.floor(random() * 3000);
    const row: UserRecord = { tenant_key: `tenant${index % 3}`, user_id: `u${index}`, name: `User ${step}`, resigned: random() < 0.1, created_at: 1_700_000_000_000 + step + 0.5 };
    if (random() < 0.4) {
      table.remove(table.key(row));
      model.delete(keyOf(row));
    } else {
      assert.deepEqual(table.put(row), model.get(keyOf(row)));
          model.set(keyOf(row), row);
    }
  }
  assert.equal([...table.rows()].length, model.size);
  for (const tenant of ['tenant0', 'tenant1', 'tenant2']) {
    const users = [...model.values()].filter((row) => row.tenant_key === tenant);
    const byUserId = (a: UserRecord, b: UserRecord) => compareText(a.user_id, b.user_id);
    assert.deepEqual([...table.of(tenant)!.rows()].sort(byUserId), users.sort(byUserId));
    const sorted = users.map((row) => row.user_id).sort(compareText);
    const ofTenant = table.of(tenant)!;
    assert.equal(ofTenant.size, users.length);
    assert.deepEqual(ofTenant.page(undefined, 10), sorted.slice(0, 10));
    assert.deepEqual(ofTenant.page(sorted[100], 7), sorted.slice(101, 108));
    for (const row of users) {
      const slot = ofTenant.slotOf(row.user_id)!;
      assert.equal(ofTenant.resigned(slot), row.resigned);
      assert.deepEqual(table.get([tenant, row.user_id]), row);
    }
  }
  // A tenant whose users are all removed leaves no trace.
  for (const row of [...model.values()].filter((row) => row.tenant_key === 'tenant1')) table.remove(table.key(row));
  assert.equal(table.of('tenant1'), undefined);
});

test('users: a tenant loaded from columns holds the same rows as one put row by row', () => {
  const ids = ['u2', 'u1', 'u3', 'x1', 'x2'];
  const names = ['Two', 'One', 'Three', 'X one', 'X two'];
  const resigned = [0, 1, 0, 0, 1];
  const createdAt = [10, 11, 12.5, 13, 14];
  const loaded = new UsersTable();
  loaded.load('t', ids, names, resigned, createdAt, 0, 3);
  loaded.load('x', ids, names, resigned, createdAt, 3, 5);
  const put = new UsersTable();
  ids.forEach((user_id, i) => put.put({ tenant_key: i < 3 ? 't' : 'x', user_id, name: names[i], resigned: resigned[i] === 1, created_at: createdAt[i] }));
  assert.deepEqual([...loaded.rows()], [...put.rows()]);
  // The rows name the user with the column's own string.
  assert.equal(loaded.of('t')!.userId(loaded.of('t')!.slotOf('u1')!), ids[1]);
  assert.throws(() => loaded.load('t', ids, names, resigned, createdAt, 0, 1), /loaded twice/);
});

test('joined texts cut out each text, empty ones and non-ASCII included, from any first index', () => {
  const texts = ['Ann', '', '张三', 'x y', ''];
  const joined = JoinedTexts.of(texts.join('\u0001'), '\u0001');
  assert.equal(joined.length, texts.length);
  assert.deepEqual(Array.from({ length: joined.length }, (_, i) => joined.at(i)), texts);
  // From UTF-8 bytes: ASCII cut by bytes, anything else as text, the same texts either way.
  for (const list of [texts, ['Ann', '', 'x y', ''], ['']]) {
    const fromBytes = JoinedTexts.ofUtf8(Buffer.from(list.join('\u0001')), 1);
    assert.deepEqual(Array.from({ length: fromBytes.length }, (_, i) => fromBytes.at(i)), list);
  }
  const later = joined.from(2);
  assert.equal(later.length, 3);
  assert.deepEqual([later.at(0), later.at(1), later.at(2)], texts.slice(2));
  // A user loaded with a joined name reads it back, and a later put replaces it.
  const users = new UsersTable();
  users.load('t', ['u1', 'u2', 'u3'], joined.from(1), [0, 0, 0], [1, 2, 3], 0, 3);
  assert.deepEqual([...users.rows()].map((row) => row.name), ['', '张三', 'x y']);
  users.put({ tenant_key: 't', user_id: 'u2', name: 'Renamed', resigned: true, created_at: 5 });
  assert.deepEqual([...users.rows()].map((row) => row.name), ['', 'Renamed', 'x y']);
});

test('user_ids: the slot an ID resolves to follows its user when the slot is freed, reused, or the user comes back', () => {
  const users = new UsersTable();
  const state = { users };
  const ids = new UserIdTable(userIdsCodec, (tenant, userId) => {
    const ofTenant = state.users.of(tenant);
    const slot = ofTenant?.slotOf(userId);
    return slot === undefined ? userId : ofTenant!.userId(slot);
  });
  const user = (user_id: string) => users.put({ tenant_key: 't', user_id, name: user_id, resigned: false, created_at: 0 });
  const idOf = (userId: string) => deriveOpenId('cli_1', 't', userId);
  for (const userId of ['u1', 'u2']) {
    user(userId);
    ids.put({ id_value: idOf(userId), id_type: 'open_id', tenant_key: 't', user_id: userId, owner: 'cli_1' });
  }
  const slotOf = (userId: string) => ids.userSlotOf(idOf(userId), 'open_id', users.of('t')!, 'cli_1');
  assert.equal(slotOf('u1'), 0);
  assert.equal(slotOf('u2'), 1);
  assert.equal(slotOf('u2'), 1);
  // u1 leaves (its ID stays, as an imported folder's could), u3 takes its slot: u1's ID names nobody.
  users.remove(['t', 'u1']);
  user('u3');
  assert.equal(users.of('t')!.slotOf('u3'), 0);
  assert.equal(slotOf('u1'), undefined);
  // u1 comes back in a new slot: found there.
  user('u1');
  assert.equal(slotOf('u1'), 2);
  assert.equal(ids.userSlotOf(idOf('u1'), 'union_id', users.of('t')!, 'cli_1'), undefined);
  assert.equal(ids.userSlotOf(idOf('u1'), 'open_id', users.of('t')!, 'cli_2'), undefined);
  users.put({ tenant_key: 'x', user_id: 'ux', name: 'x', resigned: false, created_at: 0 });
  assert.equal(ids.userSlotOf(idOf('u1'), 'open_id', users.of('x')!, 'cli_1'), null);
});

test('app_contact_users: a byte per user slot, user_ids of no user as text, rows made on demand', () => {
  const users = new UsersTable((tenantKey, slot, userId) => table.userRemoved(tenantKey, slot, userId));
  const table: ContactUsersTable = new ContactUsersTable(users, (appId) => ({ a: 't', b: 't' })[appId]);
  const user = (user_id: string) => users.put({ tenant_key: 't', user_id, name: user_id, resigned: false, created_at: 0 });
  user('u1');
  user('u2');
  assert.equal(table.put({ app_id: 'a', user_id: 'u1' }), undefined);
  assert.deepEqual(table.put({ app_id: 'a', user_id: 'u1' }), { app_id: 'a', user_id: 'u1' });
  table.put({ app_id: 'a', user_id: 'u2' });
  table.put({ app_id: 'b', user_id: 'u1' });
  // Named before the user exists, and by an app not stored: kept as text, found all the same.
  table.put({ app_id: 'a', user_id: 'u3' });
  table.put({ app_id: 'z', user_id: 'u1' });
  user('u3');
  assert.equal(table.has('a', 'u3'), true);
  assert.equal(table.has('z', 'u1'), true);
  assert.equal(table.has('a', 'u2'), true);
  assert.equal(table.has('b', 'u2'), false);
  assert.equal(table.scope('a')!.has(users.of('t')!.slotOf('u2')!, 'u2'), true);
  assert.equal(table.scope('b')!.has(users.of('t')!.slotOf('u2')!, 'u2'), false);
  assert.deepEqual([...table.seconds('a')].sort(), ['u1', 'u2', 'u3']);
  // A user who leaves while still named keeps the row; their slot's next user is not in the scope.
  users.remove(['t', 'u2']);
  user('u4');
  assert.equal(users.of('t')!.slotOf('u4'), 1);
  assert.equal(table.has('a', 'u4'), false);
  assert.equal(table.has('a', 'u2'), true);
  table.remove(['a', 'u1']);
  table.remove(['a', 'u2']);
  table.remove(['a', 'u3']);
  table.remove(['zz', 'u2']);
  assert.deepEqual([...table.seconds('a')], []);
  assert.equal(table.scope('a'), undefined);
  assert.deepEqual([...table.rows()], [{ app_id: 'b', user_id: 'u1' }, { app_id: 'z', user_id: 'u1' }]);
  assert.deepEqual(table.get(['b', 'u1']), { app_id: 'b', user_id: 'u1' });
  assert.equal(table.get(['a', 'u1']), undefined);
});

test('a Leaf (the innermost map of a three-level table) keeps what a Map keeps, in the same order', () => {
  const random = seededRandom(3);
  const leaf = new Leaf<number>();
  const model = new Map<string, number>();
  const keys = ['s1', 's2', 's3', 's4', 's5'];
  for (let step = 0; step < 5000; step++) {
    const key = keys[Math.floor(random() * keys.length)];
    if (random() < 0.4) assert.equal(leaf.delete(key), model.delete(key));
    else {
      leaf.set(key, step);
      model.set(key, step);
    }
    assert.equal(leaf.size, model.size);
    assert.deepEqual([...leaf], [...model]);
    assert.deepEqual([...leaf.keys()], [...model.keys()]);
    assert.deepEqual([...leaf.values()], [...model.values()]);
    for (const probe of keys) {
      assert.equal(leaf.get(probe), model.get(probe));
      assert.equal(leaf.has(probe), model.has(probe));
    }
  }
});

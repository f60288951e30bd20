// The state image: whatever a state holds (rows of every table, removed entries, IDs of odd shapes,
// user_ids naming no user, text of any script), decoding its image gives the same state back; a
// damaged, truncated or foreign image is refused, never half-read.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deriveOpenId, deriveUnionId } from '../../../src/domain/identifiers.js';
import { seededRandom } from '../../../src/emulator/seeded-random.js';
import { openSqliteStore } from '../../../src/store/engines/sqlite/sqlite-engine.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import type { MemoryState } from '../../../src/store/memory/state.js';
import { decodeState, decodeStateFile, encodeState, ImageError, imageId } from '../../../src/store/memory/state-image.js';
import type { Store, StoredOpen } from '../../../src/store/store.js';

const T0 = Date.UTC(2026, 0, 1);
const stateOf = (store: Store) => (store as unknown as { state: MemoryState }).state;

/** A state built by random calls of the store's own writers: every table, with removals. */
export async function randomState(seed: number, users = 60): Promise<Store> {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const store = await openSqliteStore({});
  const tenants = ['tenant0000000000a', 'tenant0000000000b'];
  const names = ['张三', 'Li Si', 'émile', '𝒜lpha', 'plain', 'quote"\\'];
  const userIds = new Map(tenants.map((tenant) => [tenant, Array.from({ length: users }, (_, i) => (i % 7 === 3 ? `用户${i}` : `u${String(i).padStart(4, '0')}`))]));
  const statusIds = new Map<string, string[]>();
  let serial = 7_000_000_000_000_000_000n;
  for (const tenant of tenants) {
    await store.insertTenant({ tenant_key: tenant, name: `T ${tenant}`, api_permission: next() < 0.5, created_at: T0 });
    // Users before some apps and after others: both orders of writing IDs.
    const half = userIds.get(tenant)!.slice(0, users / 2);
    await store.insertUsers(half.map((user_id) => ({ tenant_key: tenant, user_id, name: pick(names), resigned: next() < 0.1, created_at: T0 + Math.floor(next() * 1000) })));
    for (let a = 0; a < 3; a++) {
      const scope = a === 0 ? 'all' : userIds.get(tenant)!.filter(() => next() < 0.5);
      await store.insertApp(
        { app_id: `cli_${tenant.slice(-1)}${a}`, tenant_key: tenant, name: `app ${a}`, app_secret_digest: `d${a}`, type: 'custom', developer: `dev${a % 2}`, scopes: ['a', 'b'], created_at: T0 },
        scope,
      );
    }
    const rest = userIds.get(tenant)!.slice(users / 2);
    await store.insertUsers(rest.map((user_id) => ({ tenant_key: tenant, user_id, name: pick(names), resigned: false, created_at: T0 })));
    const ids: string[] = [];
    for (let s = 0; s < 4; s++) {
      const id = String(serial++);
      ids.push(id);
      await store.insertSystemStatus(
        tenant,
        { system_status_id: id, title: `s${s}`, ...(s % 2 ? { i18n_title: { zh_cn: `状态${s}`, en_us: `S${s}` } } : {}), icon_key: 'Coffee', color: 'BLUE', priority: s, sync_setting: { title: 'sync', explain: 'why', is_open_by_default: s !== 2 } },
        T0,
      );
    }
    statusIds.set(tenant, ids);
    await store.addPendingSyncOff(tenant, pick(userIds.get(tenant)!), 'later');
  }
  for (let step = 0; step < 300; step++) {
    const tenant = pick(tenants);
    const status = pick(statusIds.get(tenant)!);
    const chosen = userIds.get(tenant)!.filter(() => next() < 0.2);
    const roll = next();
    if (roll < 0.4) {
      const opens: StoredOpen[] = chosen.map((user_id) => ({
        user_id, system_status_id: status, end_time: 1_800_000_000 + Math.floor(next() * 1e6), opened_at: T0, title: 't', icon_key: 'Coffee', color: 'BLUE', priority: 1, open_by_default: next() < 0.5, sync_on: true,
      }));
      await store.writeOpens(tenant, opens);
    } else if (roll < 0.55) await store.deleteOpens(tenant, status, chosen);
    else if (roll < 0.7 && chosen.length > 0) await store.setSyncPreference(tenant, chosen[0], status, next() < 0.5);
    else if (roll < 0.75 && chosen.length > 0) await store.updateUser(tenant, chosen[0], { name: pick(names), resigned: next() < 0.5 });
    else if (roll < 0.78 && chosen.length > 0) {
      // Removed users leave free entries in the compact user_ids table.
      await store.deleteUser(tenant, chosen[0]);
      userIds.set(tenant, userIds.get(tenant)!.filter((user) => user !== chosen[0]));
    } else if (roll < 0.82) {
      await store.insertAccessToken({ token_digest: `tok${step}`, kind: 'tenant', app_id: `cli_${tenant.slice(-1)}1`, tenant_key: tenant, nonce: `n${step}`, issued_at: T0, expires_at: T0 + 7200_000 });
    } else if (roll < 0.84) await store.setAppContactScope(`cli_${tenant.slice(-1)}${1 + Math.floor(next() * 2)}`, chosen);
  }
  // Rows the store's writers never make but an imported data folder could hold: IDs of other shapes, an ID naming no user.
  await store.transaction(async () => {
    const state = stateOf(store);
    state.userIds.put({ id_value: 'ou_not-a-hash', id_type: 'open_id', tenant_key: tenants[0], user_id: 'u0001', owner: 'cli_a0' });
    state.userIds.put({ id_value: `ou_${'ab'.repeat(16)}`, id_type: 'open_id', tenant_key: tenants[0], user_id: 'ghost', owner: 'cli_a0' });
    state.contactUsers.put({ app_id: 'cli_a1', user_id: 'ghost' });
    state.opens.put({ tenant_key: tenants[1], user_id: 'ghost', system_status_id: statusIds.get(tenants[1])![0], end_time: 1_900_000_000, opened_at: T0, title: 't', i18n_title: undefined, icon_key: 'Coffee', color: 'BLUE', priority: 1, open_by_default: true });
  });
  return store;
}

const dumpOf = (state: MemoryState) => new MemoryStore(state, undefined).dump();

for (const seed of [1, 2, 3]) {
  test(`a state's image decodes to the same state (seed ${seed})`, async () => {
    const store = await randomState(seed);
    const bytes = encodeState(stateOf(store), `id-${seed}`);
    assert.equal(imageId(bytes), `id-${seed}`);
    const decoded = decodeState(bytes, `id-${seed}`);
    assert.deepEqual(await dumpOf(decoded), await store.dump());
    // The decoded state is a working one: it takes writes and looks IDs up like the original.
    const again = new MemoryStore(decoded, undefined);
    for (const app of await store.listApps()) {
      for (const user of (await store.listUsers(app.tenant_key)).slice(0, 5)) {
        const named = [deriveOpenId(app.app_id, app.tenant_key, user.user_id), 'ou_not-a-hash'];
        const ids = await store.resolveUserIds(app, 'open_id', named);
        assert.equal(ids.get(named[0])?.kind, 'user');
        assert.deepEqual(await again.resolveUserIds(app, 'open_id', named), ids);
      }
    }
    await again.insertUsers([{ tenant_key: 'tenant0000000000a', user_id: 'fresh', name: 'n', resigned: false, created_at: T0 }]);
    assert.equal((await again.dump()).user_ids.filter((row) => row.user_id === 'fresh').length, 5);
  });
}

test('an empty state has an image too', async () => {
  const store = await openSqliteStore({});
  assert.deepEqual(await dumpOf(decodeState(encodeState(stateOf(store), 'e'), 'e')), await store.dump());
});

test('an image is refused when it is truncated, damaged, of another id or not an image at all', async () => {
  const store = await randomState(4, 20);
  const bytes = encodeState(stateOf(store), 'good');
  assert.throws(() => decodeState(bytes, 'other'), ImageError);
  assert.throws(() => decodeState(bytes.subarray(0, bytes.length - 1), 'good'), ImageError);
  assert.throws(() => decodeState(bytes.subarray(0, 10), 'good'), ImageError);
  assert.throws(() => decodeState(Buffer.concat([bytes, Buffer.from([0])]), 'good'), ImageError);
  for (const at of [30, Math.floor(bytes.length / 2), bytes.length - 3]) {
    const damaged = Buffer.from(bytes);
    damaged[at] ^= 0x10;
    assert.throws(() => decodeState(damaged, 'good'), ImageError, `byte ${at}`);
  }
  const otherVersion = Buffer.from(bytes);
  otherVersion.writeUInt32LE(999, 8);
  assert.throws(() => decodeState(otherVersion, 'good'), ImageError);
  assert.equal(imageId(otherVersion), undefined);
  assert.throws(() => decodeState(Buffer.from('SQLite format 3\0'.repeat(4)), 'good'), ImageError);
});

test('an image file decodes to the same state, its user_ids arrays kept as read, and the state grows from there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sysstatus-image-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, store] of [['random', await randomState(5)], ['empty', await openSqliteStore({})]] as const) {
    const file = join(dir, name);
    writeFileSync(file, encodeState(stateOf(store), name));
    const decoded = decodeStateFile(file, name).state;
    assert.deepEqual(await dumpOf(decoded), await store.dump());
    // Growing past the arrays read from the file (they come without room) keeps every entry.
    const again = new MemoryStore(decoded, undefined);
    const tenant = (await store.listTenants())[0]?.tenant_key ?? 'tenant0000000000a';
    if (!(await again.getTenant(tenant))) await again.insertTenant({ tenant_key: tenant, name: 't', api_permission: true, created_at: T0 });
    if ((await again.listApps()).length === 0) await again.insertApp({ app_id: 'cli_new', tenant_key: tenant, name: 'n', app_secret_digest: 'd', type: 'custom', developer: 'dev', scopes: [], created_at: T0 }, 'all');
    const fresh = Array.from({ length: 1500 }, (_, i) => ({ tenant_key: tenant, user_id: `fresh${i}`, name: 'n', resigned: false, created_at: T0 }));
    await again.insertUsers(fresh);
    const apps = (await again.listApps()).filter((app) => app.tenant_key === tenant);
    for (const app of apps) {
      const named = [deriveOpenId(app.app_id, tenant, 'fresh0'), deriveOpenId(app.app_id, tenant, 'fresh1499')];
      assert.deepEqual([...(await again.resolveUserIds(app, 'open_id', named)).values()].map((user) => user.kind === 'user' && user.user_id), ['fresh0', 'fresh1499']);
    }
    const before = (await store.dump()).user_ids.length;
    assert.equal((await again.dump()).user_ids.length, before + fresh.length * apps.length + fresh.length * new Set(apps.map((app) => app.developer)).size);
  }
});

test('an image file is refused when it is truncated, damaged, of another id or missing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sysstatus-image-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = encodeState(stateOf(await randomState(6, 20)), 'good');
  const file = join(dir, 'image');
  const refused = (content: Buffer, id = 'good') => {
    writeFileSync(file, content);
    assert.throws(() => decodeStateFile(file, id), ImageError);
  };
  refused(bytes, 'other');
  refused(bytes.subarray(0, bytes.length - 1));
  refused(bytes.subarray(0, 10));
  refused(Buffer.concat([bytes, Buffer.from([0])]));
  for (const at of [30, Math.floor(bytes.length / 2), bytes.length - 3]) {
    const damaged = Buffer.from(bytes);
    damaged[at] ^= 0x10;
    refused(damaged);
  }
  assert.throws(() => decodeStateFile(join(dir, 'none'), 'good'), { code: 'ENOENT' });
});

test('an image of version 2 (the user_ids records as four arrays) decodes to the state it was written from, and works', async () => {
  // Written by the release before the records (f514a3d) from a small state: two tenants, two apps
  // each, a removed user, an ID of another shape, one naming no user; the JSON is that state's dump.
  const fixture = join(import.meta.dirname, 'fixtures', 'state-image-v2');
  const bytes = readFileSync(`${fixture}.bin`);
  assert.equal(bytes.readUInt32LE(8), 2);
  for (const decoded of [decodeState(bytes, 'version-2'), decodeStateFile(`${fixture}.bin`, 'version-2').state]) {
    const dump = await dumpOf(decoded);
    assert.deepEqual(JSON.parse(JSON.stringify(dump)), JSON.parse(readFileSync(`${fixture}.json`, 'utf8')));
    const store = new MemoryStore(decoded, undefined);
    const app = (await store.getApp('cli_b1'))!;
    const named = [deriveOpenId(app.app_id, app.tenant_key, 'u2'), deriveUnionId(app.developer, app.tenant_key, 'late'), deriveOpenId(app.app_id, app.tenant_key, 'u7')];
    const kinds = [...(await store.resolveUserIds(app, 'open_id', named)).values()].map((user) => (user.kind === 'user' ? user.user_id : user.kind));
    assert.deepEqual(kinds, ['u2', 'invalid', 'invalid']);
    assert.deepEqual([...(await store.resolveUserIds(app, 'union_id', [named[1]])).values()].map((user) => user.kind === 'user' && user.user_id), ['late']);
    // An image written from it is of this version, and decodes to the same state.
    const again = encodeState(decoded, 'again');
    assert.equal(again.readUInt32LE(8), 3);
    assert.deepEqual(await dumpOf(decodeState(again, 'again')), dump);
  }
});

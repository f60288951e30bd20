// What only the PostgreSQL engine has to prove: several nodes starting on one database, and a
// database that goes away and comes back. Skipped (with the reason) when TEST_DATABASE_URL is unset.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { ControlledClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import { exportSnapshot, importSnapshot } from '../../src/emulator/snapshot.js';
import type { App } from '../../src/http/types.js';
import { applySeed } from '../../src/operations/provisioning.js';
import { batchClose } from '../../src/operations/system-statuses/batch-close.js';
import { batchOpen } from '../../src/operations/system-statuses/batch-open.js';
import { createServices } from '../../src/services.js';
import { createStore } from '../../src/store/create-store.js';
import { dropPostgresSchema } from '../../src/store/engines/postgres/postgres-engine.js';
import { type Store, type StoredOpen, StoreUnavailableError } from '../../src/store/store.js';
import { STATUSES_URL, T0, openIdOf } from '../helpers/test-app.js';
import { ACME, ACME_APP, TEST_SEED } from '../helpers/test-seed.js';
import { startTcpProxy, type TcpProxy, viaProxy } from '../helpers/tcp-proxy.js';
import { testSchemaName } from '../helpers/test-store.js';

const url = process.env.TEST_DATABASE_URL;
const skip = url ? false : 'TEST_DATABASE_URL is not set: no PostgreSQL in this run';

describe('postgres engine: nodes starting together', { skip }, () => {
  const schema = testSchemaName();
  const stores: Store[] = [];
  after(async () => {
    for (const store of stores) await store.close();
    await dropPostgresSchema(url!, schema);
  });

  test('three nodes migrate and seed one fresh schema at once', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => createStore({ databaseUrl: url!, databaseSchema: schema })));
    stores.push(...opened);
    const clock = new ControlledClock();
    clock.freeze(T0);
    const config = makeConfig({ rate_limits: false });
    await Promise.all(stores.map((store) => applySeed(createServices(store, config, clock), TEST_SEED)));
    for (const store of stores) {
      const titles = (await store.listSystemStatuses(ACME)).map((status) => status.title).sort();
      assert.deepEqual(titles, ['会议中', '出差', '请假']);
      assert.equal((await store.listUsers(ACME)).length, 6);
    }
    // A node started later finds the schema up to date.
    stores.push(await createStore({ databaseUrl: url!, databaseSchema: schema }));
    assert.equal((await stores[3].listTenants()).length, TEST_SEED.tenants.length);
  });
});

describe('postgres engine: statistics after a bulk load', { skip }, () => {
  test("an import analyzes the store's own tables, and only those", async () => {
    const schema = testSchemaName();
    const store = await createStore({ databaseUrl: url!, databaseSchema: schema, dropSchemaOnClose: true });
    const client = new pg.Client({ connectionString: url! });
    await client.connect();
    try {
      const clock = new ControlledClock();
      clock.freeze(T0);
      const services = createServices(store, makeConfig({ rate_limits: false }), clock);
      await applySeed(services, TEST_SEED);
      const analyzed = async () =>
        (
          await client.query<{ relname: string }>(
            'select relname from pg_stat_user_tables where schemaname = $1 and last_analyze is not null order by relname',
            [schema],
          )
        ).rows.map((row) => row.relname);
      assert.deepEqual(await analyzed(), []);
      await importSnapshot(services, await exportSnapshot(services));
      assert.deepEqual(await analyzed(), [
        'access_tokens', 'app_contact_users', 'apps', 'pending_sync_off', 'system_status_names', 'system_statuses', 'tenants',
        'user_ids', 'user_sync_preferences', 'user_system_statuses', 'users',
      ]);
    } finally {
      await client.end();
      await store.close();
    }
  });
});

describe('postgres engine: deadlocks', { skip }, () => {
  let store: Store;
  before(async () => {
    store = await createStore({ databaseUrl: url!, databaseSchema: testSchemaName(), dropSchemaOnClose: true });
    const clock = new ControlledClock();
    clock.freeze(T0);
    await applySeed(createServices(store, makeConfig({ rate_limits: false }), clock), TEST_SEED);
  });
  after(() => store.close());

  test('a transaction chosen as a deadlock victim runs again and both commit', async () => {
    const statusId = (await store.listSystemStatuses(ACME))[0].system_status_id;
    const row = (user_id: string, end_time: number) => ({
      user_id, system_status_id: statusId, end_time, opened_at: T0, title: 't', icon_key: 'GeneralBusinessTrip', color: 'BLUE', priority: 0, open_by_default: true, sync_on: true,
    } as const);
    // Each transaction takes one row, waits until the other has its row, then asks for the other's:
    // on the first attempt that is a deadlock, which PostgreSQL breaks by failing one of them.
    let arrived = 0;
    let bothHoldOne!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    const attempts = { a: 0, b: 0 };
    const crossing = (name: 'a' | 'b', first: string, second: string, end: number) =>
      store.transaction(async (tx) => {
        attempts[name]++;
        await tx.writeOpens(ACME, [row(first, end)]);
        // The write travels with the next statement: a read sends it, so the row is taken now.
        await tx.userOpens(ACME, [first]);
        if (attempts[name] === 1) {
          if (++arrived === 2) bothHoldOne();
          await barrier;
        }
        await tx.writeOpens(ACME, [row(second, end)]);
      });
    await Promise.all([crossing('a', 'u001', 'u002', 2_000_000_001), crossing('b', 'u002', 'u001', 2_000_000_002)]);
    assert.equal(attempts.a + attempts.b, 3, `attempts ${JSON.stringify(attempts)}`);
    const opens = await store.userOpens(ACME, ['u001', 'u002']);
    // Whichever committed last wrote both rows: the two rows agree.
    assert.equal(opens.get('u001')?.[0].end_time, opens.get('u002')?.[0].end_time);
  });
});

describe('postgres engine: the database goes away and comes back', { skip }, () => {
  let proxy: TcpProxy;
  let store: Store;
  let app: App;
  let token: string;
  let statusId: string;
  const u = (id: string) => openIdOf(ACME_APP.app_id, ACME, id);

  before(async () => {
    const target = new URL(url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    // A short lock_timeout (URL parameters override the engine's defaults) to play a slow database.
    const proxied = new URL(viaProxy(url!, proxy));
    proxied.searchParams.set('lock_timeout', '300');
    store = await createStore({ databaseUrl: proxied.toString(), databaseSchema: testSchemaName(), dropSchemaOnClose: true });
    const clock = new ControlledClock();
    clock.freeze(T0);
    const config = makeConfig({ rate_limits: false });
    const services = createServices(store, config, clock);
    await applySeed(services, TEST_SEED);
    app = await buildApp({ config, services });
    const issued = await app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: ACME_APP });
    token = issued.json().tenant_access_token;
    statusId = (await store.listSystemStatuses(ACME)).find((status) => status.title === '出差')!.system_status_id;
  });
  after(async () => {
    proxy.restore();
    await app.close();
    await store.close();
    await proxy.close();
  });

  const batchOpen = (users: string[]) =>
    app.inject({
      method: 'POST',
      url: `${STATUSES_URL}/${statusId}/batch_open`,
      headers: { authorization: `Bearer ${token}` },
      payload: { user_list: users.map((user_id) => ({ user_id: u(user_id), end_time: T0 / 1000 + 3600 })) },
    });

  test('answers 503 / 99991504 in the platform envelope while it is down, and recovers by itself', async () => {
    proxy.cut();
    const down = await batchOpen(['u001']);
    assert.equal(down.statusCode, 503);
    const body = down.json();
    assert.equal(body.code, 99991504);
    assert.equal(body.msg, 'service unavailable, please retry later');
    assert.equal(body.error.log_id, down.headers['x-tt-logid']);

    const tokenDown = await app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: ACME_APP });
    assert.equal(tokenDown.statusCode, 503);
    assert.deepEqual(tokenDown.json(), { code: 99991504, msg: 'service unavailable, please retry later' });

    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().status, 'unavailable');
    assert.match(ready.json().checks.database, /^unavailable/);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);

    proxy.restore();
    const back = await batchOpen(['u001']);
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().code, 0);
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  });

  test('answers 503 when a row lock cannot be had in time, and goes on once it is free', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = store.transaction(async (tx) => {
      await tx.lockUsers(ACME, ['u002']);
      // The lock travels with the next statement: a read sends it.
      await tx.getTenant(ACME);
      locked();
      await held;
    });
    await isLocked;
    const blocked = await batchOpen(['u002']);
    assert.equal(blocked.statusCode, 503);
    assert.equal(blocked.json().code, 99991504);
    release();
    await holder;
    assert.equal((await batchOpen(['u002'])).json().code, 0);
  });

  test('a transaction cut in the middle leaves nothing behind', async () => {
    await store.transaction((tx) => tx.deleteOpens(ACME, statusId, ['u001', 'u002']));
    const opens = (await store.userOpens(ACME, ['u003'])).get('u003') ?? [];
    assert.equal(opens.length, 0);
    const template = { system_status_id: statusId, end_time: T0 / 1000 + 60, opened_at: T0, title: '出差', icon_key: 'GeneralBusinessTrip', color: 'BLUE', priority: 1, open_by_default: true, sync_on: true } as const;
    const failure = await store
      .transaction(async (tx) => {
        await tx.writeOpens(ACME, [{ ...template, user_id: 'u001' }]);
        proxy.cut();
        await tx.writeOpens(ACME, [{ ...template, user_id: 'u002' }]);
      })
      .catch((error) => error);
    assert.ok(failure instanceof StoreUnavailableError, String(failure));
    proxy.restore();
    const after = await store.userOpens(ACME, ['u001', 'u002']);
    assert.equal(after.size, 0);
  });
});

describe('postgres engine: statements sent together', { skip }, () => {
  let store: Store;
  let services: ReturnType<typeof createServices>;
  let statusId: string;
  const open = (user_id: string, title = 't') =>
    ({ user_id, system_status_id: statusId, end_time: T0 / 1000 + 600, opened_at: T0, title, icon_key: 'GeneralBusinessTrip', color: 'BLUE', priority: 0, open_by_default: true, sync_on: true }) as const;
  /** The texts each pooled connection sends while `work` runs, one per message. */
  async function messages(work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      sent.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: unknown }).text));
      return (query as (...given: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      await work();
    } finally {
      pg.Client.prototype.query = query;
    }
    return sent;
  }

  before(async () => {
    store = await createStore({ databaseUrl: url!, databaseSchema: testSchemaName(), dropSchemaOnClose: true });
    const clock = new ControlledClock();
    clock.freeze(T0);
    services = createServices(store, makeConfig({ rate_limits: false }), clock);
    await applySeed(services, TEST_SEED);
    statusId = (await store.listSystemStatuses(ACME))[0].system_status_id;
  });
  after(() => store.close());

  test('a batch_open is four messages: BEGIN with the first read, the locks with the state read, the write with COMMIT', async () => {
    const app = (await store.getApp(ACME_APP.app_id))!;
    const users = ['u001', 'u002', 'u003'].map((user_id) => ({ user_id, end_time: T0 / 1000 + 3600 }));
    const sent = await messages(() => batchOpen(services, app, statusId, 'user_id', users));
    assert.equal(sent.length, 4, sent.join('\n---\n'));
    assert.match(sent[0], /^begin;\n/);
    assert.match(sent[2], /for update;\n/);
    assert.match(sent[3], /^\/\* answer unread \*\/ insert into "user_system_statuses".*;\ncommit$/s);
    const opens = await store.userOpens(ACME, ['u001', 'u002', 'u003']);
    assert.deepEqual([...opens.keys()].sort(), ['u001', 'u002', 'u003']);
    const closing = await messages(() => batchClose(services, app, statusId, 'user_id', ['u001', 'u002', 'u003']));
    assert.equal(closing.length, 4, closing.join('\n---\n'));
    assert.equal((await store.userOpens(ACME, ['u001', 'u002', 'u003'])).size, 0);
  });

  test('outside a transaction a write is sent at once', async () => {
    await store.writeOpens(ACME, [open('u006')]);
    assert.equal((await store.userOpens(ACME, ['u006'])).get('u006')?.length, 1);
    await store.deleteOpens(ACME, statusId, ['u006']);
    assert.equal((await store.userOpens(ACME, ['u006'])).size, 0);
  });

  test('a held write that fails fails its transaction at commit, and none of the transaction stays', async () => {
    const failure = await store
      .transaction(async (tx) => {
        await tx.writeOpens(ACME, [open('u001')]);
        await tx.writeOpens(ACME, [open('nobody-by-this-id')]);
      })
      .catch((error: unknown) => error);
    assert.equal((failure as { code?: string }).code, '23503', String(failure));
    assert.equal((await store.userOpens(ACME, ['u001'])).size, 0);
  });

  test('values written in as literals come back as sent (quotes, backslashes, dollars, any Unicode)', async () => {
    const title = `it's "quoted" \\ back\\slash $1 $$ E'x' 出差 🚀 \u2028`;
    const sent = await messages(() =>
      store.transaction(async (tx) => {
        await tx.writeOpens(ACME, [{ ...open('u002', title), i18n_title: { zh_cn: title, en_us: "a\\'b" } }]);
      }),
    );
    assert.equal(sent.length, 1, 'begin, the write and commit in one message');
    const [stored] = (await store.userOpens(ACME, ['u002'])).get('u002')!;
    assert.equal(stored.title, title);
    assert.deepEqual(stored.i18n_title, { zh_cn: title, en_us: "a\\'b" });
    await store.deleteOpens(ACME, statusId, ['u002']);
  });

  test('a held write of many rows gets each value into its own place (numbers, booleans, null, $10 and up)', async () => {
    const users = ['u001', 'u002', 'u003', 'u004', 'u006'];
    const written = users.map((user_id, i) => ({
      ...open(user_id, i % 2 ? `标题 ${i}` : `title ${i}`),
      end_time: T0 / 1000 + 600 + i * 7,
      opened_at: T0 - i * 1000,
      priority: i,
      color: i % 2 ? 'RED' : 'BLUE',
      open_by_default: i % 2 === 0,
      ...(i === 3 ? { i18n_title: { en_us: 'only english' } } : {}),
    })) as StoredOpen[];
    const sent = await messages(() => store.transaction((tx) => tx.writeOpens(ACME, written)));
    assert.equal(sent.length, 1, 'begin, the write and commit in one message');
    assert.doesNotMatch(sent[0], /\$\d/);
    const stored = await store.userOpens(ACME, users);
    const fields = ({ end_time, opened_at, title, i18n_title, priority, color, open_by_default }: StoredOpen) => ({ end_time, opened_at, title, i18n_title, priority, color, open_by_default });
    for (const open of written) {
      const [back] = stored.get(open.user_id)!;
      assert.deepEqual(fields(back), fields(open), open.user_id);
    }
    await store.deleteOpens(ACME, statusId, users);
  });

  test('a value no literal can carry (NUL) goes as a parameter, and PostgreSQL refuses it as before', async () => {
    const failure = await store
      .transaction(async (tx) => {
        await tx.writeOpens(ACME, [open('u003')]);
        await tx.writeOpens(ACME, [open('u004', 'a\u0000b')]);
      })
      .catch((error: unknown) => error);
    assert.equal((failure as { code?: string }).code, '22021', String(failure));
    assert.equal((await store.userOpens(ACME, ['u003', 'u004'])).size, 0);
  });
});

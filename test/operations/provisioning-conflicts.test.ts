// Racing provisioning calls: the loser answers the control API's conflict, never a 500.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ControlError } from '../../src/emulator/control-error.js';
import { IdGenerator } from '../../src/id-generator.js';
import { createApp } from '../../src/operations/apps/create-app.js';
import { createSystemStatus } from '../../src/operations/system-statuses/create-system-status.js';
import { createTenant } from '../../src/operations/tenants/create-tenant.js';
import { createUser } from '../../src/operations/users/create-user.js';
import type { Services } from '../../src/operations/context.js';
import type { Store, StoreTransaction } from '../../src/store/store.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ACME } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { control } from '../emulator/helpers.js';

const PARALLEL = 6;

/** The same services over a store whose transactions never see the row they check for: every check is lost. */
function blindTo(services: Services, method: 'getTenant' | 'getApp' | 'getUser'): Services {
  const blind = (tx: StoreTransaction) =>
    new Proxy(tx, { get: (target, property) => (property === method ? async () => undefined : Reflect.get(target, property, target)) });
  const store = new Proxy(services.store, {
    get: (target, property) =>
      property === 'transaction'
        ? <T>(work: (tx: StoreTransaction) => Promise<T>) => target.transaction((tx) => work(blind(tx)))
        : Reflect.get(target, property, target),
  }) as Store;
  return { ...services, store };
}

const isConflict = (what: RegExp) => (error: unknown) =>
  error instanceof ControlError && error.status === 409 && error.code === 'conflict' && what.test(error.message);

describeEachEngine('racing provisioning calls', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  const race = async (url: string, payload: object) => {
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => control(t, 'POST', url, payload)));
    return answers.map((answer) => [answer.statusCode, answer.statusCode === 201 ? 'created' : answer.json().code]);
  };
  const oneWins = [[201, 'created'], ...Array.from({ length: PARALLEL - 1 }, () => [409, 'conflict'])];
  const sorted = (answers: unknown[][]) => [...answers].sort((a, b) => Number(a[0]) - Number(b[0]));

  it('creates of one tenant: one is created, the others answer conflict', async () => {
    assert.deepEqual(sorted(await race('/tenants', { tenant_key: 'race0000001', name: 'Race', users: [{ user_id: 'r1' }] })), oneWins);
    assert.equal((await t.services.store.listUsers('race0000001')).length, 1);
  });

  it('creates of one app: one is created, the others answer conflict', async () => {
    assert.deepEqual(sorted(await race(`/tenants/${ACME}/apps`, { app_id: 'cli_race000000000001', app_secret: 'race-secret' })), oneWins);
  });

  it('creates of one user: one is created, the others answer conflict', async () => {
    assert.deepEqual(sorted(await race(`/tenants/${ACME}/users`, { user_id: 'race-user' })), oneWins);
  });

  it('an app and a user created at once: the user can be named by the open_id the app knows', async () => {
    for (let round = 0; round < 8; round++) {
      const appId = `cli_together${round}`;
      const [app, user] = await Promise.all([
        control(t, 'POST', `/tenants/${ACME}/apps`, { app_id: appId, app_secret: 'together-secret' }),
        control(t, 'POST', `/tenants/${ACME}/users`, { user_id: `together-${round}` }),
      ]);
      assert.deepEqual([app.statusCode, user.statusCode], [201, 201]);
      const openId = (await control(t, 'GET', `/tenants/${ACME}/users/together-${round}`)).json().open_ids[appId];
      const stored = (await t.services.store.getApp(appId))!;
      const resolved = await t.services.store.resolveUserIds(stored, 'open_id', [openId]);
      assert.deepEqual(resolved.get(openId), { kind: 'user', user_id: `together-${round}`, resigned: false, visible: true }, `round ${round}`);
    }
  });

  it('a status id another generator made at the same clock time is drawn again, not refused', async () => {
    // Two processes over one data folder (or two nodes) with the same node bits, the clock standing still.
    const first = { ...t.services, ids: new IdGenerator(t.clock, 7) };
    const second = { ...t.services, ids: new IdGenerator(t.clock, 7) };
    const made = await createSystemStatus(first, ACME, { title: 'Twin one', icon_key: 'Coffee', priority: 7 });
    const again = await createSystemStatus(second, ACME, { title: 'Twin two', icon_key: 'Coffee', priority: 8 });
    assert.notEqual(again.system_status_id, made.system_status_id);
    assert.match(again.system_status_id, /^\d{19}$/);
    assert.deepEqual(
      (await t.services.store.listSystemStatuses(ACME)).filter((status) => status.title.startsWith('Twin')).map((status) => status.title).sort(),
      ['Twin one', 'Twin two'],
    );
  });

  it('a check lost to a concurrent writer still answers conflict: the database refuses the row', async () => {
    await assert.rejects(createTenant(blindTo(t.services, 'getTenant'), { tenant_key: ACME, name: 'Again' }), isConflict(/tenant .* already exists/));
    await assert.rejects(
      createApp(blindTo(t.services, 'getApp'), ACME, { app_id: 'cli_acme0000000000001' }),
      isConflict(/app cli_acme0000000000001 already exists/),
    );
    await assert.rejects(createUser(blindTo(t.services, 'getUser'), ACME, { user_id: 'u001' }), isConflict(/user u001 .* already exists/));
    assert.equal((await t.services.store.getTenant(ACME))?.name, 'Acme');
  });
});

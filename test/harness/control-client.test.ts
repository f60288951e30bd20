// Every control route has a client method: a tour of the client's methods, recorded at fetch,
// must reach every operation the server's OpenAPI document lists under /_sysstatus.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, startSysstatus, SysstatusError, type RunningSysstatus } from '../../src/harness/index.js';

const T0 = Date.UTC(2026, 0, 1);

function operationsOf(document: { paths: Record<string, Record<string, unknown>> }) {
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/_sysstatus/'))
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({
        key: `${method.toUpperCase()} ${path}`,
        matches: new RegExp(`^${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
}

describe('control client', () => {
  let server: RunningSysstatus;
  before(async () => {
    server = await startSysstatus({ seed: { tenants: [] }, frozenAt: T0 });
  });
  after(() => server.close());

  it('reaches every control operation of the OpenAPI document', async () => {
    const operations = operationsOf(await server.openapi());
    assert.ok(operations.length > 30, `only ${operations.length} control operations in the document`);

    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      sent.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return realFetch(input, init);
    };
    try {
      const c = connect(server.url);
      await c.info();
      const tenant = await c.tenant({
        users: [{ user_id: 'u1' }, { user_id: 'u2' }],
        system_statuses: [{ title: '出差', icon_key: 'GeneralBusinessTrip', priority: 1 }],
      });
      const key = tenant.tenant_key;
      const statusId = tenant.system_statuses[0].system_status_id;
      assert.equal((await c.tenants.list()).length, 1);
      assert.equal((await c.tenants.get(key)).counts.users, 2);
      assert.equal((await c.tenants.update(key, { name: 'Renamed' })).name, 'Renamed');
      assert.equal((await c.tenants.systemStatuses(key))[0].title, '出差');

      const extra = await c.apps.create(key, { name: 'Second' });
      assert.equal((await c.apps.list(key)).length, 2);
      assert.equal((await c.apps.get(extra.app_id)).name, 'Second');
      assert.deepEqual((await c.apps.update(extra.app_id, { contact_scope: ['u1'] })).contact_scope, ['u1']);
      assert.match((await c.apps.token(extra.app_id)).tenant_access_token, /^t-/);
      const seen = await c.apps.users(extra.app_id, { page_size: 10 });
      assert.deepEqual(
        seen.users.map((user) => [user.user_id, user.visible]),
        [
          ['u1', true],
          ['u2', false],
        ],
      );
      await c.apps.delete(extra.app_id);

      assert.equal((await c.users.create(key, { user_id: 'u3', name: 'Third' })).name, 'Third');
      assert.equal((await c.users.list(key, { q: 'third' })).users.length, 1);
      assert.equal((await c.users.get(key, 'u3')).user_id, 'u3');
      assert.equal((await c.users.update(key, 'u3', { name: 'Drei' })).name, 'Drei');
      assert.equal((await c.users.resign(key, 'u3')).resigned, true);
      assert.equal((await c.users.reinstate(key, 'u3')).resigned, false);
      await c.users.setSync(key, 'u3', statusId, false);
      await c.users.delete(key, 'u3');
      assert.equal((await c.userStatus(key, 'u1')).shown, null);

      assert.equal((await c.clock.get()).now, T0);
      assert.equal((await c.clock.advance('1h')).now, T0 + 3_600_000);
      assert.equal((await c.clock.set(new Date(T0 + 1000))).now, T0 + 1000);
      assert.equal((await c.clock.unfreeze()).frozen, false);
      assert.equal((await c.clock.freeze('2026-02-01T00:00:00Z')).now, Date.UTC(2026, 1, 1));
      assert.equal((await c.clock.reset()).offset_ms, 0);
      await c.clock.freeze(T0);

      const rule = await c.faults.add({ api: 'list', times: 1, response: { status: 500, code: 1, msg: 'boom' } });
      assert.equal((await c.faults.list()).length, 1);
      assert.equal((await c.faults.get(rule.id)).remaining, 1);
      await c.faults.delete(rule.id);
      await c.faults.add({ api: 'list', delay_ms: 1 });
      await c.faults.clear();
      assert.deepEqual(await c.faults.list(), []);

      assert.deepEqual(await c.journal.find({ since: T0, limit: 5 }), []);
      assert.equal(await c.journal.count({ api: 'batch_open' }), 0);
      await c.journal.clear();

      const events = await c.events(key, { types: ['shown', 'hidden'] });
      await events.close();
      assert.deepEqual(await c.eventHistory(key, { since: 0 }), []);

      const snapshot = await c.snapshot.export();
      assert.equal(snapshot.tenants.length, 1);
      assert.deepEqual((await c.snapshot.import(snapshot)).imported.tenants, 1);
      await c.tenants.delete(key);
      await c.reset({ keep: ['clock'] });
      assert.deepEqual(await c.tenants.list(), []);
      await c.close();
    } finally {
      globalThis.fetch = realFetch;
    }

    const missed = operations.filter((operation) => !sent.some((request) => operation.matches.test(request))).map((operation) => operation.key);
    assert.deepEqual(missed, [], 'control operations no client method reached');
  });

  it('answers a refusal as a SysstatusError with the control code', async () => {
    await assert.rejects(server.tenants.get('nosuchtenant'), (error: unknown) => {
      assert.ok(error instanceof SysstatusError);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'not_found');
      assert.match(error.message, /GET \/_sysstatus\/tenants\/nosuchtenant answered 404: tenant nosuchtenant not found/);
      return true;
    });
  });

  it('connects with the admin token to a server in production mode', async () => {
    const adminToken = 'harness-admin-token-0001';
    const production = await startSysstatus({ seed: { tenants: [] }, mode: 'production', adminToken });
    try {
      await assert.rejects(connect(production.url).tenants.list(), (error: SysstatusError) => error.status === 401 && error.code === 'unauthorized');
      const admin = connect(production.url, { adminToken });
      const tenant = await admin.tenant({ users: [{ user_id: 'u1' }] });
      assert.deepEqual(
        (await admin.tenants.list()).map((found) => found.tenant_key),
        [tenant.tenant_key],
      );
      await assert.rejects(admin.clock.advance('1m'), (error: SysstatusError) => error.status === 403 && error.code === 'disabled_in_production');
    } finally {
      await production.close();
    }
  });
});

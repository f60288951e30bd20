import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { SCOPES } from '../../src/domain/apis.js';
import { STATUSES_URL, startTestApp, T0, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { ACME, ACME_APP } from '../helpers/test-seed.js';
import { batchOpen, control, startAcme, statusIds } from './helpers.js';

const FRAGMENT = {
  name: 'Parallel Test Co',
  apps: [{ name: 'Sync', scopes: [SCOPES.system_status_update, SCOPES.system_status_operate, SCOPES.employee_id] }],
  users: [{ user_id: 'p1', name: 'Pat' }, { user_id: 'p2' }],
  system_statuses: [{ title: '请假', icon_key: 'GeneralVacation' as const, priority: 0 }],
};

describeEachEngine('provisioning: tenants', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  it('one call creates an isolated tenant and answers credentials that work with the platform API', async () => {
    const [a, b] = await Promise.all([control(t, 'POST', '/tenants', FRAGMENT), control(t, 'POST', '/tenants', FRAGMENT)]);
    assert.deepEqual([a.statusCode, b.statusCode], [201, 201]);
    const first = a.json();
    const second = b.json();
    assert.notEqual(first.tenant_key, second.tenant_key);
    assert.match(first.tenant_key, /^[0-9a-f]{16}$/);
    const [app] = first.apps;
    assert.match(app.app_id, /^cli_[0-9a-f]{16}$/);
    assert.ok(app.app_secret.length >= 16);
    assert.equal(app.contact_scope, 'all');
    const [p1] = first.users;
    assert.equal(p1.user_id, 'p1');
    assert.match(p1.open_ids[app.app_id], /^ou_[0-9a-f]{32}$/);
    assert.match(p1.union_ids[app.developer], /^on_[0-9a-f]{32}$/);
    assert.equal(first.system_statuses[0].title, '请假');

    const token = await t.token(app.app_id, app.app_secret);
    const opened = await batchOpen(t, token, first.system_statuses[0].system_status_id, [{ user_id: p1.open_ids[app.app_id], end_time: T0 / 1000 + 60 }], 'open_id');
    assert.equal(opened.json().data.result_list[0].result, 'success_show');
    // The other tenant saw nothing of it.
    const users = (await control(t, 'GET', `/tenants/${second.tenant_key}/users`)).json().users;
    assert.ok(users.every((user: { shown: unknown }) => user.shown === null));
  });

  it('lists, describes, renames, withdraws permission from and deletes a tenant', async () => {
    const created = (await control(t, 'POST', '/tenants', { ...FRAGMENT, tenant_key: 'fixedkey0001' })).json();
    assert.equal((await control(t, 'POST', '/tenants', { ...FRAGMENT, tenant_key: 'fixedkey0001' })).statusCode, 409);
    assert.ok((await control(t, 'GET', '/tenants')).json().tenants.some((tenant: { tenant_key: string }) => tenant.tenant_key === 'fixedkey0001'));
    const described = (await control(t, 'GET', '/tenants/fixedkey0001')).json();
    assert.deepEqual(described.counts, { apps: 1, users: 2, resigned_users: 0, system_statuses: 1 });
    assert.equal(described.apps[0].app_secret, created.apps[0].app_secret, 'emulator mode shows secrets it saw');
    const token = await t.token(created.apps[0].app_id, created.apps[0].app_secret);
    assert.equal((await control(t, 'PATCH', '/tenants/fixedkey0001', { name: 'Renamed', api_permission: false })).json().name, 'Renamed');
    assert.equal((await t.request({ url: STATUSES_URL, token })).json().code, 2005007);
    assert.equal((await control(t, 'DELETE', '/tenants/fixedkey0001')).statusCode, 204);
    assert.equal((await control(t, 'GET', '/tenants/fixedkey0001')).statusCode, 404);
    assert.equal((await t.request({ url: STATUSES_URL, token })).json().code, 99991663);
  });

  it('refuses a fragment that breaks the seed rules', async () => {
    const twice = await control(t, 'POST', '/tenants', { name: 'Bad', users: [{ user_id: 'x' }, { user_id: 'x' }] });
    assert.equal(twice.statusCode, 400);
    assert.equal((await control(t, 'POST', '/tenants', { name: 'Bad', colour: 'red' })).statusCode, 400);
    const taken = await control(t, 'POST', '/tenants', { name: 'Bad', apps: [{ app_id: ACME_APP.app_id }] });
    assert.equal(taken.statusCode, 409);
  });
});

describeEachEngine('provisioning: apps', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  it('adds an app whose secret is answered once, changes its scopes and contact scope, and deletes it', async () => {
    const created = await control(t, 'POST', `/tenants/${ACME}/apps`, { name: 'New', scopes: [SCOPES.system_status_update] });
    assert.equal(created.statusCode, 201);
    const app = created.json();
    assert.deepEqual(app.scopes, [SCOPES.system_status_update]);
    const token = await t.token(app.app_id, app.app_secret);
    const ids = await statusIds(t, ACME);
    assert.equal((await batchOpen(t, token, ids['请假'], [{ user_id: 'u001', end_time: T0 / 1000 + 60 }])).json().code, 99991672);

    await control(t, 'PATCH', `/apps/${app.app_id}`, { scopes: [SCOPES.system_status_operate, SCOPES.employee_id], contact_scope: ['u002'] });
    const results = (await batchOpen(t, token, ids['请假'], [{ user_id: 'u001', end_time: T0 / 1000 + 60 }, { user_id: 'u002', end_time: T0 / 1000 + 60 }])).json();
    assert.deepEqual(
      results.data.result_list.map((row: { result: string }) => row.result),
      ['invisible_user_id', 'success_show'],
    );
    assert.deepEqual((await control(t, 'GET', `/apps/${app.app_id}`)).json().contact_scope, ['u002']);
    assert.equal((await control(t, 'PATCH', `/apps/${app.app_id}`, { contact_scope: ['nobody'] })).statusCode, 400);
    assert.ok((await control(t, 'GET', `/tenants/${ACME}/apps`)).json().apps.some((found: { app_id: string }) => found.app_id === app.app_id));

    assert.equal((await control(t, 'DELETE', `/apps/${app.app_id}`)).statusCode, 204);
    assert.equal((await t.request({ url: STATUSES_URL, token })).json().code, 99991663);
    assert.equal((await control(t, 'GET', `/apps/${app.app_id}`)).statusCode, 404);
  });

  it('an app deleted and created again under the same app_id never accepts the tokens of the old one', async () => {
    const body = { app_id: 'cli_again00000000001', app_secret: 'again-secret', scopes: [SCOPES.system_status_update] };
    assert.equal((await control(t, 'POST', `/tenants/${ACME}/apps`, body)).statusCode, 201);
    const old = await t.token(body.app_id, body.app_secret);
    assert.equal((await t.request({ url: STATUSES_URL, token: old })).json().code, 0);
    assert.equal((await control(t, 'DELETE', `/apps/${body.app_id}`)).statusCode, 204);
    assert.equal((await control(t, 'POST', `/tenants/${ACME}/apps`, body)).statusCode, 201);
    assert.equal((await t.request({ url: STATUSES_URL, token: old })).json().code, 99991663);
  });

  it('mints a console token without the secret that the token endpoint never hands out', async () => {
    const minted = await control(t, 'POST', `/apps/${ACME_APP.app_id}/token`);
    const { tenant_access_token, expire } = minted.json();
    assert.match(tenant_access_token, /^t-[0-9a-f]{40}$/);
    assert.equal(expire, 1799);
    assert.equal((await t.request({ url: STATUSES_URL, token: tenant_access_token })).json().code, 0);
    const issued = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    assert.notEqual(issued, tenant_access_token);
    assert.equal((await control(t, 'POST', '/apps/cli_nope/token')).statusCode, 404);
  });
});

describeEachEngine('provisioning: users', (engine) => {
  let t: TestApp;
  let token: string;
  let ids: Record<string, string>;
  before(async () => ({ t, token, ids } = await startAcme(engine)));
  after(() => t.close());

  it('lists users with what their client shows, searches and pages', async () => {
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u001', end_time: T0 / 1000 + 60 }]);
    const page = (await control(t, 'GET', `/tenants/${ACME}/users?page_size=2`)).json();
    assert.deepEqual(page.users.map((user: { user_id: string }) => user.user_id), ['u001', 'u002']);
    assert.equal(page.has_more, true);
    assert.equal(page.users[0].shown.system_status_id, ids['请假']);
    assert.equal(page.users[0].open[0].sync_on, true);
    assert.equal(page.users[1].shown, null);
    const next = (await control(t, 'GET', `/tenants/${ACME}/users?page_size=2&page_token=${page.page_token}`)).json();
    assert.deepEqual(next.users.map((user: { user_id: string }) => user.user_id), ['u003', 'u004']);
    const found = (await control(t, 'GET', `/tenants/${ACME}/users?q=wang`)).json();
    assert.deepEqual(found.users.map((user: { user_id: string }) => user.user_id), ['u003']);
    assert.equal(found.has_more, false);
  });

  it('creates, renames, resigns, reinstates and deletes a user; batch calls see each change', async () => {
    const created = await control(t, 'POST', `/tenants/${ACME}/users`, { user_id: 'n001', name: 'New' });
    assert.equal(created.statusCode, 201);
    assert.match(created.json().open_ids[ACME_APP.app_id], /^ou_/);
    assert.equal((await control(t, 'POST', `/tenants/${ACME}/users`, { user_id: 'n001' })).statusCode, 409);
    assert.equal((await control(t, 'PATCH', `/tenants/${ACME}/users/n001`, { name: 'Renamed' })).json().name, 'Renamed');
    const other = (await control(t, 'POST', `/tenants/${ACME}/apps`, { scopes: [SCOPES.system_status_operate, SCOPES.employee_id] })).json();
    const otherToken = await t.token(other.app_id, other.app_secret);
    const open = () => batchOpen(t, otherToken, ids['请假'], [{ user_id: 'n001', end_time: T0 / 1000 + 60 }]);
    assert.equal((await open()).json().data.result_list[0].result, 'success_show');
    assert.equal((await control(t, 'POST', `/tenants/${ACME}/users/n001/resign`)).json().resigned, true);
    assert.equal((await open()).json().data.result_list[0].result, 'resign_user_id');
    assert.equal((await control(t, 'POST', `/tenants/${ACME}/users/n001/reinstate`)).json().resigned, false);
    assert.equal((await open()).json().data.result_list[0].result, 'success_show');
    assert.equal((await control(t, 'DELETE', `/tenants/${ACME}/users/n001`)).statusCode, 204);
    assert.equal((await open()).json().data.result_list[0].result, 'invalid_user_id');
    assert.equal((await control(t, 'GET', `/tenants/${ACME}/users/n001`)).statusCode, 404);
  });

  it("a user's sync toggle changes what their client shows, and the events say so", async () => {
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u006', end_time: T0 / 1000 + 600 }]);
    const cursor = Math.max(...(await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events.map((e: { id: number }) => e.id));
    const off = (await control(t, 'PUT', `/tenants/${ACME}/users/u006/sync/${ids['请假']}`, { sync_on: false })).json();
    assert.equal(off.user.shown, null);
    await control(t, 'PUT', `/tenants/${ACME}/users/u006/sync/${ids['请假']}`, { sync_on: false });
    await control(t, 'PUT', `/tenants/${ACME}/users/u006/sync/${ids['请假']}`, { sync_on: true });
    const events = (await control(t, 'GET', `/tenants/${ACME}/events/history?since=${cursor}`)).json().events;
    assert.deepEqual(events.map((event: { type: string; user_id: string }) => [event.type, event.user_id]), [
      ['hidden', 'u006'],
      ['shown', 'u006'],
    ]);
    assert.equal((await control(t, 'PUT', `/tenants/${ACME}/users/u006/sync/123`, { sync_on: true })).statusCode, 404);
  });

  it("reads the tenant's system statuses without a token", async () => {
    const items = (await control(t, 'GET', `/tenants/${ACME}/system_statuses`)).json().items;
    assert.deepEqual(items.map((item: { title: string }) => item.title), ['请假', '出差', '会议中']);
    assert.equal((await control(t, 'GET', '/tenants/nope/system_statuses')).statusCode, 404);
  });
});

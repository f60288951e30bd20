import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { startTestApp, T0, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { ACME, ACME_APP } from '../helpers/test-seed.js';
import { batchOpen, control, startAcme, statusIds } from './helpers.js';

const T0_S = T0 / 1000;

describeEachEngine('clock controls', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  it('reads, advances, sets, unfreezes and resets the server time', async () => {
    assert.deepEqual((await control(t, 'GET', '/clock')).json().now, T0);
    const advanced = (await control(t, 'POST', '/clock', { action: 'advance', ms: 90_000 })).json();
    assert.equal(advanced.now, T0 + 90_000);
    assert.equal(advanced.frozen, true);
    const set = (await control(t, 'POST', '/clock', { action: 'set', at: '2026-03-01T00:00:00Z' })).json();
    assert.equal(set.now, Date.UTC(2026, 2, 1));
    const unfrozen = (await control(t, 'POST', '/clock', { action: 'unfreeze' })).json();
    assert.equal(unfrozen.frozen, false);
    assert.ok(unfrozen.now >= Date.UTC(2026, 2, 1));
    const frozen = (await control(t, 'POST', '/clock', { action: 'freeze', at: T0 })).json();
    assert.deepEqual([frozen.now, frozen.frozen], [T0, true]);
    const reset = (await control(t, 'POST', '/clock', { action: 'reset' })).json();
    assert.deepEqual([reset.frozen, reset.offset_ms], [false, 0]);
  });

  it('refuses an advance without ms and a set without at', async () => {
    assert.equal((await control(t, 'POST', '/clock', { action: 'advance' })).statusCode, 400);
    assert.equal((await control(t, 'POST', '/clock', { action: 'set' })).statusCode, 400);
    assert.equal((await control(t, 'POST', '/clock', { action: 'set', at: 'next tuesday' })).statusCode, 400);
    assert.equal((await control(t, 'POST', '/clock', { action: 'rewind' })).statusCode, 400);
  });

  it('the clock drives tokens: advancing past two hours expires a token', async () => {
    await control(t, 'POST', '/clock', { action: 'freeze', at: T0 });
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    const statuses = await t.request({ url: '/open-apis/personal_settings/v1/system_statuses', token });
    assert.equal(statuses.json().code, 0);
    await control(t, 'POST', '/clock', { action: 'advance', ms: 7200_000 });
    const expired = await t.request({ url: '/open-apis/personal_settings/v1/system_statuses', token });
    assert.equal(expired.json().code, 99991663);
  });
});

describeEachEngine('expiry on the controlled clock', (engine) => {
  let t: TestApp;
  let token: string;
  let ids: Record<string, string>;
  before(async () => ({ t, token, ids } = await startAcme(engine)));
  after(() => t.close());

  it('a status opened until T disappears from the display once the clock passes T, and the events say so', async () => {
    const opened = await batchOpen(t, token, ids['请假'], [{ user_id: 'u001', end_time: T0_S + 600 }]);
    assert.equal(opened.json().data.result_list[0].result, 'success_show');
    const shown = (await control(t, 'GET', `/tenants/${ACME}/users/u001/status`)).json();
    assert.equal(shown.shown.system_status_id, ids['请假']);

    await control(t, 'POST', '/clock', { action: 'advance', ms: 599_000 });
    assert.equal((await control(t, 'GET', `/tenants/${ACME}/users/u001/status`)).json().shown?.system_status_id, ids['请假']);
    assert.equal((await control(t, 'GET', `/tenants/${ACME}/events/history?types=expired`)).json().events.length, 0);

    await control(t, 'POST', '/clock', { action: 'advance', ms: 1_000 });
    const after = (await control(t, 'GET', `/tenants/${ACME}/users/u001/status`)).json();
    assert.equal(after.shown, null);
    assert.deepEqual(after.open, []);

    const events = (await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events;
    assert.deepEqual(
      events.map((event: { type: string; system_status_id: string; at: number }) => [event.type, event.system_status_id, event.at]),
      [
        ['opened', ids['请假'], T0],
        ['shown', ids['请假'], T0],
        ['expired', ids['请假'], (T0_S + 600) * 1000],
        ['hidden', ids['请假'], (T0_S + 600) * 1000],
      ],
    );
    assert.deepEqual(events[2].user_ids, ['u001']);
    assert.equal(events[3].user_id, 'u001');
  });

  it('an expiry reveals the lower-priority status underneath: hidden then shown', async () => {
    await control(t, 'POST', '/clock', { action: 'freeze', at: T0 + 3600_000 });
    const now = T0_S + 3600;
    const cursor = Math.max(0, ...(await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events.map((e: { id: number }) => e.id));
    await batchOpen(t, token, ids['出差'], [{ user_id: 'u002', end_time: now + 7200 }]);
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u002', end_time: now + 60 }]);
    await control(t, 'POST', '/clock', { action: 'advance', ms: 61_000 });
    const events = (await control(t, 'GET', `/tenants/${ACME}/events/history?since=${cursor}`)).json().events;
    assert.deepEqual(
      events.map((event: { type: string; system_status_id: string }) => [event.type, event.system_status_id]),
      [
        ['opened', ids['出差']],
        ['shown', ids['出差']],
        ['opened', ids['请假']],
        ['hidden', ids['出差']],
        ['shown', ids['请假']],
        ['expired', ids['请假']],
        ['hidden', ids['请假']],
        ['shown', ids['出差']],
      ],
    );
  });

  it('a status closed before its end_time does not expire later', async () => {
    const cursor = Math.max(0, ...(await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events.map((e: { id: number }) => e.id));
    const now = Math.floor((await control(t, 'GET', '/clock')).json().now / 1000);
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u003', end_time: now + 30 }]);
    await t.request({
      method: 'POST',
      url: `/open-apis/personal_settings/v1/system_statuses/${ids['请假']}/batch_close?user_id_type=user_id`,
      token,
      payload: { user_list: ['u003'] },
    });
    await control(t, 'POST', '/clock', { action: 'advance', ms: 60_000 });
    const types = (await control(t, 'GET', `/tenants/${ACME}/events/history?since=${cursor}`)).json().events.map((e: { type: string }) => e.type);
    assert.deepEqual(types, ['opened', 'shown', 'closed', 'hidden']);
  });

  it('a user named twice in one batch_open: the events describe the change from before to after', async () => {
    const cursor = Math.max(0, ...(await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events.map((e: { id: number }) => e.id));
    const now = Math.floor((await control(t, 'GET', '/clock')).json().now / 1000);
    const history = async (since: number) => (await control(t, 'GET', `/tenants/${ACME}/events/history?since=${since}`)).json().events;
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u003', end_time: now + 600 }, { user_id: 'u003', end_time: now + 700 }]);
    const first = await history(cursor);
    assert.deepEqual(
      first.map((e: { type: string; user_ids?: string[]; user_id?: string }) => [e.type, e.user_ids ?? e.user_id]),
      [
        ['opened', ['u003']],
        ['shown', 'u003'],
      ],
    );
    assert.equal((await control(t, 'GET', `/tenants/${ACME}/users/u003/status`)).json().shown.end_time, now + 700);
    const next = Math.max(...first.map((e: { id: number }) => e.id));
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u003', end_time: now + 800 }, { user_id: 'u003', end_time: now + 900 }]);
    assert.deepEqual((await history(next)).map((e: { type: string }) => e.type), ['replaced']);
  });

  it('closing an open that already expired tells nothing: its expiry did', async () => {
    const now = Math.floor((await control(t, 'GET', '/clock')).json().now / 1000);
    await batchOpen(t, token, ids['出差'], [{ user_id: 'u006', end_time: now + 10 }]);
    await control(t, 'POST', '/clock', { action: 'advance', ms: 20_000 });
    const cursor = Math.max(0, ...(await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events.map((e: { id: number }) => e.id));
    const closed = await t.request({
      method: 'POST',
      url: `/open-apis/personal_settings/v1/system_statuses/${ids['出差']}/batch_close?user_id_type=user_id`,
      token,
      payload: { user_list: ['u006'] },
    });
    assert.equal(closed.json().data.result_list[0].result, 'success');
    assert.deepEqual((await control(t, 'GET', `/tenants/${ACME}/events/history?since=${cursor}`)).json().events, []);
    await control(t, 'POST', '/clock', { action: 'advance', ms: -20_000 });
    assert.equal((await control(t, 'GET', `/tenants/${ACME}/users/u006/status`)).json().shown, null, 'the close removed it all the same');
  });

  it('the server-sent event stream carries the same events', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    assert.ok(address);
    const response = await fetch(`http://127.0.0.1:${port}/_sysstatus/tenants/${ACME}/events?since=0&types=expired`);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: expired')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const block = text.split('\n\n').find((part) => part.includes('event: expired'))!;
    const data = JSON.parse(block.split('\n').find((line) => line.startsWith('data: '))!.slice('data: '.length));
    assert.deepEqual([data.type, data.system_status_id, data.user_ids, data.at], ['expired', ids['请假'], ['u001'], (T0_S + 600) * 1000]);
  });
});

describeEachEngine('expiry in real time', (engine) => {
  it('fires when wall time passes the end_time, without any clock control', async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] });
    let wall = T0;
    // Wall time is driven by hand; the expiry timer is a (mocked) setTimeout.
    const t = await startTestApp({ engine, frozenAt: false, wall: () => wall });
    try {
      const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
      const ids = await statusIds(t, ACME);
      await batchOpen(t, token, ids['请假'], [{ user_id: 'u006', end_time: T0_S + 5 }]);
      await t.app.emulator.expiry.idle();
      wall = T0 + 5_000;
      context.mock.timers.tick(5_000);
      await t.app.emulator.expiry.idle();
      const types = (await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events.map((e: { type: string }) => e.type);
      assert.deepEqual(types, ['opened', 'shown', 'expired', 'hidden']);
    } finally {
      await t.close();
    }
  });

  it('an open that ends sooner than every other moves the timer forward; later ones leave it', async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] });
    let wall = T0;
    const t = await startTestApp({ engine, frozenAt: false, wall: () => wall });
    const expired = async () =>
      (await control(t, 'GET', `/tenants/${ACME}/events/history?types=expired`)).json().events.map((e: { user_ids: string[]; at: number }) => [e.user_ids, e.at]);
    const passTo = async (seconds: number) => {
      const step = T0 + seconds * 1000 - wall;
      wall += step;
      context.mock.timers.tick(step);
      await t.app.emulator.expiry.idle();
    };
    try {
      const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
      const leave = (await statusIds(t, ACME))['请假'];
      for (const [user_id, seconds] of [['u001', 50], ['u002', 5], ['u006', 100], ['u003', 2 * 3600 + 5]] as const) {
        await batchOpen(t, token, leave, [{ user_id, end_time: T0_S + seconds }]);
        await t.app.emulator.expiry.idle();
      }
      await passTo(5);
      assert.deepEqual(await expired(), [[['u002'], T0 + 5_000]]);
      await passTo(50);
      await passTo(100);
      assert.deepEqual(await expired(), [[['u002'], T0 + 5_000], [['u001'], T0 + 50_000], [['u006'], T0 + 100_000]]);
      // Beyond the hour the scheduler queues ahead: the timer wakes at that hour's end, then at the end_time.
      await passTo(3600 + 1);
      await passTo(2 * 3600 + 4);
      assert.equal((await expired()).length, 3);
      await passTo(2 * 3600 + 5);
      assert.deepEqual((await expired())[3], [['u003'], T0 + (2 * 3600 + 5) * 1000]);
    } finally {
      await t.close();
    }
  });
});

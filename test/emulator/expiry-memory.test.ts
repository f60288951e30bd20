import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachEngine } from '../helpers/test-store.js';
import { T0, type TestApp } from '../helpers/test-app.js';
import { ACME } from '../helpers/test-seed.js';
import { batchOpen, control, startAcme } from './helpers.js';

const T0_S = T0 / 1000;
describeEachEngine('the expiry index', (engine) => {
  let t: TestApp;
  let token: string;
  let ids: Record<string, string>;
  before(async () => ({ t, token, ids } = await startAcme(engine)));
  after(() => t.close());

  it('re-opening the same users again and again keeps the expiry index bounded, and only the last end_time expires', async () => {
    const users = ['u001', 'u002', 'u003', 'u006'];
    const rounds = 2000;
    for (let round = 1; round <= rounds; round++) {
      const response = await batchOpen(t, token, ids['请假'], users.map((user_id) => ({ user_id, end_time: T0_S + 60 + round })));
      assert.equal(response.json().code, 0);
    }
    await t.app.emulator.expiry.idle();
    const { tracked, queued } = t.app.emulator.expiry.size;
    assert.equal(tracked, users.length);
    // Without compaction every re-open would leave an entry: rounds × users = 8000.
    assert.ok(queued <= 2 * tracked + 1024 + 1, `queued ${queued}`);

    await control(t, 'POST', '/clock', { action: 'advance', ms: (60 + rounds) * 1000 });
    await t.app.emulator.expiry.idle();
    const history = (await control(t, 'GET', `/tenants/${ACME}/events/history?types=expired`)).json();
    const expired = history.events.filter((event: { type: string }) => event.type === 'expired');
    assert.equal(expired.length, 1);
    assert.deepEqual([...expired[0].user_ids].sort(), users);
    assert.equal(expired[0].at, (T0_S + 60 + rounds) * 1000);
    assert.deepEqual(t.app.emulator.expiry.size, { tracked: 0, queued: 0 });
  });

  it('an open re-opened until later, then sooner, then later again expires once, at its last end_time', async () => {
    const statusId = ids['出差'];
    const base = Math.floor((await control(t, 'GET', '/clock')).json().now / 1000);
    const history = async () =>
      (await control(t, 'GET', `/tenants/${ACME}/events/history?types=expired`)).json().events.filter(
        (event: { type: string; system_status_id: string }) => event.type === 'expired' && event.system_status_id === statusId,
      );
    const seen = (await history()).length;
    for (const end of [base + 100, base + 300, base + 50, base + 200]) {
      assert.equal((await batchOpen(t, token, statusId, [{ user_id: 'u002', end_time: end }])).json().code, 0);
    }
    await t.app.emulator.expiry.idle();
    // Past every earlier end_time but the last: nothing has expired.
    await control(t, 'POST', '/clock', { action: 'advance', ms: 150_000 });
    await t.app.emulator.expiry.idle();
    assert.equal((await history()).length, seen);
    assert.equal(t.app.emulator.expiry.size.tracked, 1);

    await control(t, 'POST', '/clock', { action: 'advance', ms: 200_000 });
    await t.app.emulator.expiry.idle();
    const expired = (await history()).slice(seen);
    assert.equal(expired.length, 1);
    assert.deepEqual(expired[0].user_ids, ['u002']);
    assert.equal(expired[0].at, (base + 200) * 1000);
    assert.deepEqual(t.app.emulator.expiry.size, { tracked: 0, queued: 0 });
  });

  it('opens that end more than an hour ahead are tracked, not queued, and expire at their end_time all the same', async () => {
    const statusId = ids['请假'];
    const base = Math.floor((await control(t, 'GET', '/clock')).json().now / 1000);
    const history = async () =>
      (await control(t, 'GET', `/tenants/${ACME}/events/history?types=expired`)).json().events.filter(
        (event: { system_status_id: string; at: number }) => event.system_status_id === statusId && event.at > base * 1000,
      );
    const ends = { u001: base + 3 * 3600, u003: base + 2 * 86400 + 5, u006: base + 3 * 3600 + 1 };
    for (const [user_id, end_time] of Object.entries(ends)) assert.equal((await batchOpen(t, token, statusId, [{ user_id, end_time }])).json().code, 0);
    // Re-opened sooner, still beyond the hour: tracked at its new end_time only.
    assert.equal((await batchOpen(t, token, statusId, [{ user_id: 'u003', end_time: base + 86400 }])).json().code, 0);
    await t.app.emulator.expiry.idle();
    assert.deepEqual(t.app.emulator.expiry.size, { tracked: 3, queued: 0 });

    await control(t, 'POST', '/clock', { action: 'advance', ms: (3 * 3600 - 1) * 1000 });
    await t.app.emulator.expiry.idle();
    assert.equal((await history()).length, 0);
    assert.equal(t.app.emulator.expiry.size.queued, 2, 'the two that end within the hour are queued');

    await control(t, 'POST', '/clock', { action: 'advance', ms: 1000 });
    await t.app.emulator.expiry.idle();
    assert.deepEqual((await history()).map((event: { user_ids: string[]; at: number }) => [event.user_ids, event.at]), [[['u001'], ends.u001 * 1000]]);

    await control(t, 'POST', '/clock', { action: 'advance', ms: 3 * 86400 * 1000 });
    await t.app.emulator.expiry.idle();
    assert.deepEqual(
      (await history()).map((event: { user_ids: string[]; at: number }) => [event.user_ids, event.at]),
      [
        [['u001'], ends.u001 * 1000],
        [['u006'], ends.u006 * 1000],
        [['u003'], (base + 86400) * 1000],
      ],
    );
    assert.deepEqual(t.app.emulator.expiry.size, { tracked: 0, queued: 0 });
  });
});

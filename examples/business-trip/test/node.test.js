// The app's tests under Node's own runner: one sysstatus for the file, one tenant per test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as lark from '@larksuiteoapi/node-sdk';
import { startSysstatus } from 'sysstatus';
import { syncTrips } from '../trip-status.js';
import { ACME, HOUR, T0, trip } from './calendar.js';

let sysstatus;
before(async () => {
  sysstatus = await startSysstatus({ seed: { tenants: [] }, frozenAt: T0 });
});
after(() => sysstatus.close());

/** A fresh tenant and the app's SDK client for it. */
async function setup() {
  const tenant = await sysstatus.tenant(ACME);
  const client = new lark.Client({ ...tenant.larkOptions(), loggerLevel: lark.LoggerLevel.error });
  return { tenant, client, ann: tenant.openId('ann'), bob: tenant.openId('bob'), cyd: tenant.openId('cyd') };
}

// The clock is one per server: the trips here last long enough, and the expiry test moves it little
// enough (less than a token's two hours), that the tests running beside it see no difference.
describe('business trips', { concurrency: true }, () => {
  test('shows the trip status to travellers only, until the trip ends', async () => {
    const { tenant, client, ann, bob } = await setup();
    const results = await syncTrips(client, [trip([ann, bob], T0 - HOUR, 72), trip([tenant.openId('cyd')], T0 + 24 * HOUR, 8)], T0);

    assert.deepEqual(results.map((result) => result.result), ['success_show', 'success_show']);
    assert.equal((await tenant.userStatus('ann')).shown?.title, '出差');
    assert.equal((await tenant.userStatus('cyd')).shown, null, 'a trip that has not begun shows nothing');
    // What the app sent: one batch_open naming both travellers with the trip's end.
    const [sent] = await tenant.journal.find({ api: 'batch_open' });
    assert.deepEqual(sent.request.body.user_list, [
      { user_id: ann, end_time: (T0 + 71 * HOUR) / 1000 },
      { user_id: bob, end_time: (T0 + 71 * HOUR) / 1000 },
    ]);
    assert.equal(await tenant.journal.count({ api: 'create' }), 1, 'the status was created once');
  });

  test('the status goes away when the trip ends', async () => {
    const { tenant, client, ann } = await setup();
    const events = await tenant.events({ types: ['expired'] });
    const { now } = await sysstatus.clock.get();
    await syncTrips(client, [trip([ann], now - HOUR, 1.5)], now);
    assert.equal((await tenant.userStatus('ann')).shown?.title, '出差');

    await sysstatus.clock.advance('1h');
    assert.equal((await tenant.userStatus('ann')).shown, null);
    const expired = await events.waitFor();
    assert.deepEqual(expired.user_ids, ['ann']);
    await events.close();
  });

  test('a 429 is retried after the seconds the platform says', async () => {
    const { tenant, client, ann } = await setup();
    await tenant.faults.add({
      api: 'batch_open',
      times: 1,
      response: { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-reset': '2' } },
    });
    const waits = [];
    const { now } = await sysstatus.clock.get();
    const results = await syncTrips(client, [trip([ann], now - HOUR, 72)], now, { sleep: async (ms) => waits.push(ms) });

    assert.deepEqual(waits, [2000]);
    assert.equal(results[0].result, 'success_show');
    assert.equal(await tenant.journal.count({ api: 'batch_open', status: 429 }), 1);
    assert.equal(await tenant.journal.count({ api: 'batch_open', code: 0 }), 1);
  });
});

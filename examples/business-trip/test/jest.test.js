// The app's tests under Jest (ESM: run with NODE_OPTIONS=--experimental-vm-modules): one sysstatus
// for the file, one tenant per test, run concurrently.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as lark from '@larksuiteoapi/node-sdk';
import { startSysstatus } from 'sysstatus';
import { syncTrips } from '../trip-status.js';
import { ACME, HOUR, T0, trip } from './calendar.js';

let sysstatus;
beforeAll(async () => {
  sysstatus = await startSysstatus({ seed: { tenants: [] }, frozenAt: T0 });
});
afterAll(() => sysstatus.close());

async function setup() {
  const tenant = await sysstatus.tenant(ACME);
  const client = new lark.Client({ ...tenant.larkOptions(), loggerLevel: lark.LoggerLevel.error });
  return { tenant, client, ann: tenant.openId('ann'), bob: tenant.openId('bob') };
}

// The clock is one per server: trips last long enough, and the expiry test moves it little enough,
// that the tests beside it see no difference.
describe('business trips', () => {
  test.concurrent('shows the trip status to travellers only', async () => {
    const { tenant, client, ann, bob } = await setup();
    const results = await syncTrips(client, [trip([ann, bob], T0 - HOUR, 72), trip([tenant.openId('cyd')], T0 + 24 * HOUR, 8)], T0);

    expect(results.map((result) => result.result)).toEqual(['success_show', 'success_show']);
    expect((await tenant.userStatus('bob')).shown).toMatchObject({ title: '出差', icon_key: 'GeneralBusinessTrip' });
    expect((await tenant.userStatus('cyd')).shown).toBeNull();
    const [sent] = await tenant.journal.find({ api: 'batch_open' });
    expect(sent.request.body.user_list).toEqual([
      { user_id: ann, end_time: (T0 + 71 * HOUR) / 1000 },
      { user_id: bob, end_time: (T0 + 71 * HOUR) / 1000 },
    ]);
  });

  test.concurrent('the status goes away when the trip ends', async () => {
    const { tenant, client, ann } = await setup();
    const events = await tenant.events({ types: ['expired'] });
    const { now } = await sysstatus.clock.get();
    await syncTrips(client, [trip([ann], now - HOUR, 1.5)], now);

    await sysstatus.clock.advance('1h');
    expect((await tenant.userStatus('ann')).shown).toBeNull();
    expect((await events.waitFor()).user_ids).toEqual(['ann']);
    await events.close();
  });

  test.concurrent('a 429 is retried after the seconds the platform says', async () => {
    const { tenant, client, ann } = await setup();
    await tenant.faults.add({
      api: 'batch_open',
      times: 1,
      response: { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-reset': '2' } },
    });
    const waits = [];
    const { now } = await sysstatus.clock.get();
    const results = await syncTrips(client, [trip([ann], now - HOUR, 72)], now, { sleep: async (ms) => waits.push(ms) });

    expect(waits).toEqual([2000]);
    expect(results[0].result).toBe('success_show');
    expect(await tenant.journal.count({ api: 'batch_open', status: 429 })).toBe(1);
    expect(await tenant.journal.count({ api: 'batch_open', code: 0 })).toBe(1);
  });
});

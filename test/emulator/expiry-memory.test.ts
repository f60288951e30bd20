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
});

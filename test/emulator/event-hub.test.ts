import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventHub } from '../../src/emulator/event-hub.js';

test('the event history keeps the newest historyLimit events of each tenant, whenever it is read', () => {
  const hub = new EventHub(3);
  const publish = (tenant_key: string, n: number) =>
    hub.publish({ type: 'shown', tenant_key, system_status_id: String(n), user_id: 'u1', at: n });
  for (let n = 1; n <= 10; n++) {
    publish('a', n);
    const kept = hub.since('a').map((event) => event.at);
    assert.deepEqual(kept, Array.from({ length: Math.min(n, 3) }, (_, i) => Math.max(n - 3, 0) + i + 1));
  }
  publish('b', 1);
  assert.equal(hub.since('b').length, 1);
  const [newest] = hub.since('a').slice(-1);
  assert.deepEqual(hub.since('a', newest.id - 1).map((event) => event.at), [10]);
});

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

test('a change is kept as one entry and read back as its events: ids in order, hidden before shown, the newest historyLimit', () => {
  const hub = new EventHub(5);
  const live: unknown[] = [];
  const unsubscribe = hub.subscribe('a', (event) => live.push(event));
  hub.publish({ type: 'shown', tenant_key: 'a', system_status_id: 's0', user_id: 'u0', at: 1 });
  const user_ids = ['u1', 'u2', 'u3'];
  hub.publishChange({
    type: 'opened',
    tenant_key: 'a',
    system_status_id: 's1',
    user_ids,
    end_times: [9, 9, 9],
    shown_changes: [{ user_id: 'u1', before: 's0', after: 's1' }, { user_id: 'u2', after: 's1' }, { user_id: 'u3', before: 's2' }],
    at: 2,
  });
  const expected = [
    { type: 'shown', tenant_key: 'a', system_status_id: 's0', user_id: 'u0', at: 1, id: 1 },
    { type: 'opened', tenant_key: 'a', system_status_id: 's1', user_ids: ['u1', 'u2', 'u3'], at: 2, id: 2 },
    { type: 'hidden', tenant_key: 'a', system_status_id: 's0', user_id: 'u1', at: 2, id: 3 },
    { type: 'shown', tenant_key: 'a', system_status_id: 's1', user_id: 'u1', at: 2, id: 4 },
    { type: 'shown', tenant_key: 'a', system_status_id: 's1', user_id: 'u2', at: 2, id: 5 },
    { type: 'hidden', tenant_key: 'a', system_status_id: 's2', user_id: 'u3', at: 2, id: 6 },
  ];
  // Subscribers get the same events as they happen; a read gets the newest five.
  assert.deepEqual(live, expected);
  assert.deepEqual(hub.since('a'), expected.slice(1));
  assert.deepEqual(hub.since('a', 4), expected.slice(4));
  assert.deepEqual(hub.since('a', 6), []);
  // The events do not share the change's arrays.
  (hub.since('a')[0] as { user_ids: string[] }).user_ids.push('x');
  assert.deepEqual(user_ids, ['u1', 'u2', 'u3']);
  unsubscribe();
  // Later publishes push the whole change out of the history, not part of it.
  for (let n = 0; n < 12; n++) hub.publish({ type: 'shown', tenant_key: 'a', system_status_id: 's9', user_id: `v${n}`, at: 3 + n });
  assert.deepEqual(hub.since('a').map((event) => event.id), [14, 15, 16, 17, 18]);
  assert.equal(live.length, 6);
});

test('a history limit of 0 keeps nothing and never fails', () => {
  const hub = new EventHub(0);
  hub.publish({ type: 'shown', tenant_key: 'a', system_status_id: 's', user_id: 'u', at: 1 });
  hub.publishChange({ type: 'closed', tenant_key: 'a', system_status_id: 's', user_ids: ['u'], shown_changes: [{ user_id: 'u', before: 's' }], at: 2 });
  assert.deepEqual(hub.since('a'), []);
});

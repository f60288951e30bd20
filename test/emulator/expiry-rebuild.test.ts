import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { ControlledClock } from '../../src/clock.js';
import { EventHub } from '../../src/emulator/event-hub.js';
import { ExpiryScheduler } from '../../src/emulator/expiry-scheduler.js';
import type { Services, StatusChangeEvent } from '../../src/operations/context.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const T0_S = T0 / 1000;
const TENANT = 'tenant-a';
const STATUS = 's1';

/** The three reads the scheduler makes, over one tenant's opens of one status (user → end_time). */
function fakeServices(opens: Map<string, number>) {
  const clock = new ControlledClock(() => T0);
  clock.freeze(T0);
  const events = new EventEmitter<{ change: [StatusChangeEvent] }>();
  let reads = 0;
  const store = {
    async listTenants() {
      return [{ tenant_key: TENANT }];
    },
    async tenantOpenEnds(_tenant: string, afterSeconds: number) {
      reads++;
      const users = [...opens].filter(([, end]) => end > afterSeconds);
      return [{ system_status_id: STATUS, user_ids: users.map(([user]) => user), end_times: users.map(([, end]) => end) }];
    },
    async userOpens(_tenant: string, userIds: readonly string[]) {
      const out = new Map<string, { system_status_id: string; end_time: number; priority: number; opened_at: number; sync_on: boolean }[]>();
      for (const user of userIds) {
        const end = opens.get(user);
        if (end !== undefined) out.set(user, [{ system_status_id: STATUS, end_time: end, priority: 1, opened_at: T0, sync_on: true }]);
      }
      return out;
    },
  };
  const services = { clock, events, store } as unknown as Services;
  return { services, clock, events, reads: () => reads };
}

test('a large index is built in steps while the event loop answers, and changes made meanwhile win over what the build read', async () => {
  const users = 50_000;
  const opens = new Map<string, number>();
  for (let i = 0; i < users; i++) opens.set(`u${i}`, T0_S + 60 + (i % 7));
  const { services, clock, events, reads } = fakeServices(opens);
  const hub = new EventHub(4 * users);
  const scheduler = new ExpiryScheduler(services, hub, (error) => assert.fail(error as Error));
  scheduler.start();
  let built = false;
  void scheduler.idle().then(() => (built = true));

  // The build reads once, then tracks the opens a step per turn: other work runs between steps.
  let turns = 0;
  while (!built) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    turns++;
    assert.ok(turns < 100, 'the build never finished');
    if (turns === 1) {
      assert.ok(scheduler.size.tracked > 0 && scheduler.size.tracked < users, `tracked ${scheduler.size.tracked} after one turn`);
      // A user of a later step closes, another re-opens until later, while the build goes on.
      opens.delete('u49999');
      events.emit('change', { type: 'closed', tenant_key: TENANT, system_status_id: STATUS, user_ids: ['u49999'], shown_changes: [], at: T0 });
      opens.set('u49998', T0_S + 3600);
      events.emit('change', { type: 'opened', tenant_key: TENANT, system_status_id: STATUS, user_ids: ['u49998'], end_times: [T0_S + 3600], shown_changes: [], at: T0 });
    }
  }
  await scheduler.idle();
  assert.ok(turns >= 2, `built in ${turns} turns`);
  assert.equal(reads(), 1);
  assert.equal(scheduler.size.tracked, users - 1);

  // Every open expires once, at its own end_time; the closed one never, the re-opened one later.
  clock.set(T0 + 70_000);
  await scheduler.idle();
  const expired = hub.since(TENANT).filter((event) => event.type === 'expired');
  const expiredUsers = expired.flatMap((event) => (event as { user_ids: string[] }).user_ids);
  assert.equal(expiredUsers.length, users - 2);
  assert.equal(new Set(expiredUsers).size, expiredUsers.length);
  assert.equal(scheduler.size.tracked, 1);
  assert.ok(!expiredUsers.includes('u49998') && !expiredUsers.includes('u49999'));
  scheduler.stop();
});

test('a scheduler stopped during its build stops at the next step', async () => {
  const opens = new Map<string, number>();
  for (let i = 0; i < 40_000; i++) opens.set(`u${i}`, T0_S + 60);
  const { services } = fakeServices(opens);
  const scheduler = new ExpiryScheduler(services, new EventHub(10), (error) => assert.fail(error as Error));
  scheduler.start();
  await new Promise<void>((resolve) => setImmediate(resolve));
  scheduler.stop();
  const partly = scheduler.size.tracked;
  await scheduler.idle();
  assert.ok(partly > 0 && partly < 40_000, `tracked ${partly}`);
  assert.equal(scheduler.size.tracked, partly);
});

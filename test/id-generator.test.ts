import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControlledClock } from '../src/clock.js';
import { formatLogId } from '../src/domain/identifiers.js';
import { IdGenerator } from '../src/id-generator.js';

test('log ids carry the clock second in Beijing time and 20 random upper-case hex digits, never twice', () => {
  const clock = new ControlledClock();
  clock.set(Date.UTC(2026, 0, 1, 0, 0, 0, 500));
  const ids = new IdGenerator(clock);
  const seen = new Set<string>();
  // More than one 4 KiB draw of random bytes.
  for (let i = 0; i < 1000; i++) {
    const id = ids.logId();
    assert.match(id, /^20260101080000[0-9A-F]{20}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 1000);
  clock.advance(1000);
  assert.ok(ids.logId().startsWith(formatLogId(clock.now(), '')));
  assert.match(ids.logId(), /^20260101080001/);
});

test('system_status_ids: two generators with the same node bits at the same clock time repeat each other, until one renews its node', () => {
  const clock = new ControlledClock();
  clock.freeze(Date.UTC(2026, 0, 1));
  const first = new IdGenerator(clock, 7);
  const second = new IdGenerator(clock, 7);
  const made = [first.systemStatusId(), first.systemStatusId()];
  assert.equal(second.systemStatusId(), made[0]);
  let last = BigInt(second.systemStatusId());
  second.renewNode();
  const next = second.systemStatusId();
  assert.ok(!made.includes(next));
  // Past the old node bits' whole run (the 10 bits above the 12-bit sequence), the time bits kept.
  assert.ok(BigInt(next) > ((BigInt(made[0]) >> 12n) << 12n | 0xfffn));
  assert.equal(BigInt(next) >> 22n, BigInt(made[0]) >> 22n);
  assert.ok(BigInt(next) > last);
  last = BigInt(next);
  // However often it renews, whatever bits it draws: never a repeat, never going back.
  const seen = new Set([next]);
  for (let round = 0; round < 500; round++) {
    if (round % 3 === 0) second.renewNode();
    const id = BigInt(second.systemStatusId());
    assert.ok(id > last);
    last = id;
    seen.add(String(id));
  }
  assert.equal(seen.size, 501);
});

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

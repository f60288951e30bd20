import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_END_TIME_SPAN_SECONDS, parseEndTime } from '../../src/domain/end-time.js';
import { PlatformError } from '../../src/domain/errors.js';

const now = 1_767_225_600;
const rejects = (raw: unknown) => assert.throws(() => parseEndTime(raw, now), (e) => e instanceof PlatformError && e.spec.code === 2005001);

test('accepts a number or a numeric string of whole seconds', () => {
  assert.equal(parseEndTime(now + 60, now), now + 60);
  assert.equal(parseEndTime(String(now + 60), now), now + 60);
});

test('accepts up to 365 days ahead, not one second more', () => {
  assert.equal(parseEndTime(now + MAX_END_TIME_SPAN_SECONDS, now), now + MAX_END_TIME_SPAN_SECONDS);
  rejects(now + MAX_END_TIME_SPAN_SECONDS + 1);
});

test('refuses now, the past, fractions, negatives and non-numbers', () => {
  for (const raw of [now, now - 1, now + 0.5, -5, '-5', '1e9', ' 1', '', 'abc', null, true, {}, [], '1767225660.0']) rejects(raw);
});

test("names the field: end_time, or a batch entry's by its index in user_list", () => {
  const fieldOf = (at?: number) => {
    try {
      parseEndTime('soon', now, at);
    } catch (error) {
      return (error as PlatformError).fieldViolations?.map((violation) => violation.field);
    }
  };
  assert.deepEqual(fieldOf(), ['end_time']);
  assert.deepEqual(fieldOf(7), ['user_list[7].end_time']);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BucketQueue } from '../../src/emulator/bucket-queue.js';
import { seededRandom } from '../../src/emulator/seeded-random.js';

test('a bucket queue pops in key order whatever order pushes and pops interleave in', () => {
  const random = seededRandom(7);
  const queue = new BucketQueue<{ key: number; n: number }>((item) => item.key, 100);
  const reference: { key: number; n: number }[] = [];
  for (let n = 0; n < 20_000; n++) {
    if (random() < 0.55 || reference.length === 0) {
      // Keys near the front (into the sorted head bucket), before it, and far ahead.
      const floor = reference.length > 0 ? Math.min(...reference.slice(0, 1).map((item) => item.key)) : 0;
      const key = random() < 0.3 ? floor + Math.floor(random() * 150) - 50 : Math.floor(random() * 100_000);
      const item = { key, n };
      queue.push(item);
      reference.push(item);
      reference.sort((a, b) => a.key - b.key);
    } else {
      const expected = reference.shift()!;
      assert.equal(queue.peek()?.key, expected.key);
      assert.equal(queue.pop()?.key, expected.key);
    }
    assert.equal(queue.size, reference.length);
  }
  while (reference.length > 0) assert.equal(queue.pop()?.key, reference.shift()!.key);
  assert.equal(queue.pop(), undefined);
  assert.equal(queue.size, 0);
  queue.push({ key: 5, n: 0 });
  queue.clear();
  assert.equal(queue.peek(), undefined);
});

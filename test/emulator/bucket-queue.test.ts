import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BucketQueue } from '../../src/emulator/bucket-queue.js';
import { seededRandom } from '../../src/emulator/seeded-random.js';

test('a bucket queue pops in key order, with the values pushed, whatever order pushes and pops interleave in', () => {
  const random = seededRandom(7);
  const queue = new BucketQueue<{ n: number }, string>(100);
  const reference: { key: number; n: number }[] = [];
  for (let n = 0; n < 20_000; n++) {
    if (random() < 0.55 || reference.length === 0) {
      // Keys near the front (into the sorted head bucket), before it, and far ahead.
      const floor = reference.length > 0 ? reference[0].key : 0;
      const key = random() < 0.3 ? floor + Math.floor(random() * 150) - 50 : Math.floor(random() * 100_000);
      queue.push(key, { n }, `#${n}`);
      reference.push({ key, n });
      reference.sort((a, b) => a.key - b.key);
    } else {
      const expected = reference.shift()!;
      assert.equal(queue.peekKey(), expected.key);
      const entry = queue.pop()!;
      assert.equal(entry.key, expected.key);
      // Equal keys may pop in any order; the values stay with their key.
      assert.equal(entry.second, `#${entry.first.n}`);
      const same = reference.findIndex((item) => item.n === entry.first.n);
      if (entry.first.n !== expected.n) {
        assert.ok(same >= 0 && reference[same].key === expected.key);
        reference[same] = expected;
      }
    }
    assert.equal(queue.size, reference.length);
  }
  while (reference.length > 0) assert.equal(queue.pop()?.key, reference.shift()!.key);
  assert.equal(queue.pop(), undefined);
  assert.equal(queue.size, 0);
  queue.push(5, { n: 0 }, 'x');
  queue.clear();
  assert.equal(queue.peekKey(), undefined);
  assert.equal(queue.size, 0);
});

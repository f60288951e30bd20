// The journal's byte ring: details written into one buffer, read back exactly, and entries whose
// bytes are needed again leave the journal oldest first, never showing another entry's details.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DETAIL_BYTES_PER_ENTRY, Journal, type DetailTexts, type RecordedEntry } from '../../src/emulator/journal.js';

const entry = (n: number, body: unknown): RecordedEntry => ({
  time: n,
  api: 'batch_open',
  app_id: 'cli_a',
  tenant_key: 't',
  user_id_type: null,
  method: 'POST',
  path: `/p/${n}`,
  status: 200,
  code: 0,
  log_id: `log${n}`,
  latency_ms: 1,
  fault_id: null,
  details: [JSON.stringify({ n: String(n) }), '{}', JSON.stringify(body), '{}', JSON.stringify({ code: 0, n })] satisfies DetailTexts,
});

test('details come back exactly as written, across many laps of the ring', () => {
  const journal = new Journal(8);
  // Sizes vary so that laps end at varied offsets; some text is multi-byte.
  for (let n = 1; n <= 500; n++) {
    journal.add(entry(n, { text: '状态'.repeat(n % 700), pad: 'x'.repeat((n * 37) % 3000) }));
    const [newest] = journal.query({ limit: 1 });
    assert.deepEqual(newest.request.body, { text: '状态'.repeat(n % 700), pad: 'x'.repeat((n * 37) % 3000) });
    assert.deepEqual(newest.response.body, { code: 0, n });
    assert.deepEqual(newest.request.headers, { n: String(n) });
  }
  // Every entry still held shows its own details.
  for (const held of journal.query()) assert.deepEqual(held.response.body, { code: 0, n: held.time });
});

test('when the ring is full the oldest entries leave first, never showing reused bytes', () => {
  const journal = new Journal(8);
  // ~16 KB of UTF-8 each in a 64 KiB ring: the ring, not the limit of 8, decides what stays.
  const wide = '状'.repeat(5300);
  for (let n = 1; n <= 6; n++) journal.add(entry(n, `${n}${wide}`));
  const held = journal.query();
  assert.deepEqual(held.map((e) => e.time), [6, 5, 4]);
  for (const e of held) assert.equal(e.request.body, `${e.time}${wide}`);
  assert.equal(journal.count(), 3);
  journal.clear();
  assert.equal(journal.count(), 0);
  journal.add(entry(7, 'after clear'));
  assert.equal(journal.query()[0].request.body, 'after clear');
});

test('an entry too big for the ring is kept apart and leaves only by the limit', () => {
  const journal = new Journal(2);
  const big = 'y'.repeat(DETAIL_BYTES_PER_ENTRY * 4);
  journal.add(entry(1, big));
  journal.add(entry(2, 'small'));
  assert.deepEqual(journal.query().map((e) => [e.time, e.request.body]), [[2, 'small'], [1, big]]);
  journal.add(entry(3, 'small'));
  assert.deepEqual(journal.query().map((e) => e.time), [3, 2]);
});

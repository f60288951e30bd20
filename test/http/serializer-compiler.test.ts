import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonString, serializeBatchAnswer } from '../../src/http/serializer-compiler.js';

const RESULTS = ['success_show', 'success_user_close_syn', 'invalid_user_id', 'success'];
/** Texts that need each kind of escape, and some that need none. */
const TEXTS = ['ou_0123456789abcdef0123456789abcdef', 'u0001234', '', 'quote"d', 'back\\slash', 'tab\there', 'nul\u0000', 'line\nbreak', '中文 ID', 'pair 😀', 'lone \ud800', 'lone \udc00 end', '\u2028\u2029', 'on_ffff'];
const END_TIMES: (number | string | undefined)[] = [1_765_000_000, '1765000000', 0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, Infinity, Number.NaN, ' 17 ', 'x"y', undefined];

describe('serializeBatchAnswer', () => {
  it('writes what JSON.stringify writes, for batch_open and batch_close answers', () => {
    let n = 0;
    for (const user_id of TEXTS) {
      for (const end_time of END_TIMES) {
        const item = end_time === undefined ? { user_id, result: RESULTS[n % 4] } : { user_id, end_time, result: RESULTS[n % 4] };
        const answer = { code: 0, msg: 'success', data: { result_list: [item, { ...item, user_id: TEXTS[n++ % TEXTS.length] }] } };
        assert.equal(serializeBatchAnswer(answer), JSON.stringify(answer), JSON.stringify(item));
      }
    }
  });

  it('writes an empty result_list and 50 results', () => {
    const empty = { code: 0, msg: 'success', data: { result_list: [] } };
    assert.equal(serializeBatchAnswer(empty), JSON.stringify(empty));
    const full = { code: 0, msg: 'success', data: { result_list: Array.from({ length: 50 }, (_, i) => ({ user_id: TEXTS[i % TEXTS.length], end_time: END_TIMES[i % 3], result: RESULTS[i % 3] })) } };
    assert.equal(serializeBatchAnswer(full), JSON.stringify(full));
  });

  it('quotes text as JSON does', () => {
    for (const text of TEXTS) assert.equal(jsonString(text), JSON.stringify(text));
  });
});

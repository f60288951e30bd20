// Headers as the journal keeps them: JSON text written directly must read back as the redacted
// object it stands for, whatever the names and values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonString, redactBody, redactedHeadersJson, redactJsonText } from '../../src/emulator/redact.js';

/** What the text must parse to: lower-case names, the last value of a repeated name, credentials redacted. */
function expected(headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : value;
    const key = lower.replace(/-/g, '_').replace(/^x_/, '');
    if (lower === 'authorization') out[lower] = `${/^(Bearer\s+)?(t-|u-)?/.exec(text)!.slice(1).join('')}[redacted]`;
    else if (['cookie', 'set-cookie'].includes(lower) || ['app_secret', 'tenant_access_token', 'app_access_token', 'user_access_token', 'refresh_token', 'app_ticket'].includes(key)) out[lower] = '[redacted]';
    else out[lower] = text;
  }
  return out;
}

test('header JSON reads back as the redacted headers, for any names and values', () => {
  let seed = 11;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const names = ['host', 'Content-Type', 'authorization', 'Authorization', 'X-App-Secret', 'app_ticket', 'cookie', 'set-cookie', 'x-refresh-token', 'x-note', 'X-Note', 'user-agent'];
  const pieces = ['plain', 'Bearer t-abc', 'u-xyz', 'say "hi"', 'back\\slash', 'tab\there', 'nul\u0000', '状态', 'lone \ud800 surrogate', ''];
  for (let round = 0; round < 500; round++) {
    const headers: Record<string, string | string[]> = {};
    const count = Math.floor(random() * 6);
    for (let i = 0; i < count; i++) {
      const value = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(pieces)).join(' ');
      headers[pick(names)] = random() < 0.2 ? [value, pick(pieces)] : value;
    }
    const text = redactedHeadersJson(headers);
    assert.deepEqual(JSON.parse(text), expected(headers), text);
  }
  assert.equal(redactedHeadersJson({}), '{}');
  assert.equal(redactedHeadersJson({ authorization: 'Bearer t-secret-token' }), '{"authorization":"Bearer t-[redacted]"}');
});

test('JSON text redacted as text reads back as redactBody of it, or is left to redactBody', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const keys = ['app_id', 'app_secret', 'tenant_access_token', 'app_access_token', 'app_ticket', 'refresh_token', 'note', 'app_secret_x'];
  const strings = ['cli_a', 's3cr3t', 'app_secret', '"app_secret":"x"', 't-abc', 'say "hi"', 'back\\slash', '状态', ''];
  const value = (depth: number): unknown => {
    const kind = random();
    if (kind < 0.5 || depth > 2) return pick(strings);
    if (kind < 0.6) return Math.floor(random() * 10_000);
    if (kind < 0.7) return null;
    if (kind < 0.8) return [value(depth + 1), value(depth + 1)];
    return object(depth + 1);
  };
  const object = (depth: number) => Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(keys), value(depth)]));
  let asText = 0;
  for (let round = 0; round < 2000; round++) {
    const body = object(0);
    const text = random() < 0.3 ? JSON.stringify(body, null, 1) : JSON.stringify(body);
    const redacted = redactJsonText(text);
    if (redacted === undefined) continue;
    asText++;
    assert.deepEqual(JSON.parse(redacted), redactBody(body), text);
  }
  assert.ok(asText > 500, `${asText} of 2000 bodies redacted as text`);
  // What the token endpoints send and answer.
  assert.equal(redactJsonText('{"app_id":"cli_a","app_secret":"s"}'), '{"app_id":"cli_a","app_secret":"[redacted]"}');
  assert.equal(
    redactJsonText('{"code":0,"msg":"ok","tenant_access_token":"t-abc","expire":7200}'),
    '{"code":0,"msg":"ok","tenant_access_token":"[redacted]","expire":7200}',
  );
  // Left to redactBody: an escape anywhere, a secret that is not a string.
  assert.equal(redactJsonText('{"app_secret":"a\\"b"}'), undefined);
  assert.equal(redactJsonText('{"\\u0061pp_secret":"s"}'), undefined);
  assert.equal(redactJsonText('{"app_secret":12345}'), undefined);
  assert.equal(redactJsonText('{"a":{"app_ticket":["x"]}}'), undefined);
});

test('jsonString quotes text as JSON does', () => {
  // Texts that need each kind of escape, and some that need none.
  const texts = ['ou_0123456789abcdef0123456789abcdef', 'u0001234', '', 'quote"d', 'back\\slash', 'tab\there', 'nul\u0000', 'line\nbreak', '中文 ID', 'pair 😀', 'lone \ud800', 'lone \udc00 end', '\u2028\u2029'];
  for (const text of texts) assert.equal(jsonString(text), JSON.stringify(text));
});

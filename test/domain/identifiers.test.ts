import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveAccessToken, deriveOpenId, deriveUnionId, formatLogId, tokenNonce } from '../../src/domain/identifiers.js';

// Users' own systems store these IDs: a release must derive exactly the values it derived before.
test('open_ids and union_ids keep the values they have always had', () => {
  assert.equal(deriveOpenId('cli_acme0000000000001', 'aaaaaaaaaaaaaaa1', 'u001'), 'ou_f6f22d3f2cc3ebafb8233e8c8ec9b79b');
  assert.equal(deriveOpenId('cli_acme0000000000001', 'aaaaaaaaaaaaaaa1', 'u002'), 'ou_f3888baf5af7ef168ef9060aec58c1e4');
  assert.equal(deriveOpenId('cli_a1b2c3d4e5f60718', '736588c9260f175d', 'u001'), 'ou_63065b04af04e98e3d3d03620d44f54e');
  assert.equal(deriveUnionId('acme', 'aaaaaaaaaaaaaaa1', 'u001'), 'on_8ca2760aba09275127e69599e6e845d2');
  assert.equal(deriveUnionId('acme', 'bbbbbbbbbbbbbbb2', 'u001'), 'on_8cfa6f5583226be9c16b57e8dd83b8ed');
  assert.equal(deriveUnionId('736588c9260f175d', '736588c9260f175d', 'u001'), 'on_57e8fde76eb0ee3d0bb94ab3c9f93054');
});

test('open_id is ou_ + 32 hex, per app', () => {
  const a = deriveOpenId('cli_a', 't1', 'u1');
  assert.match(a, /^ou_[0-9a-f]{32}$/);
  assert.equal(a, deriveOpenId('cli_a', 't1', 'u1'));
  assert.notEqual(a, deriveOpenId('cli_b', 't1', 'u1'));
});

test('union_id is on_ + 32 hex, per developer and tenant', () => {
  const a = deriveUnionId('dev', 't1', 'u1');
  assert.match(a, /^on_[0-9a-f]{32}$/);
  assert.notEqual(a, deriveUnionId('dev', 't2', 'u1'));
  assert.notEqual(a, deriveUnionId('other', 't1', 'u1'));
});

test('tokens are t- + 40 hex, recomputable only with the secret', () => {
  const nonce = tokenNonce('0123456789abcdef0123456789abcdef');
  const token = deriveAccessToken('secret', nonce);
  assert.match(token, /^t-[0-9a-f]{40}$/);
  assert.equal(token, deriveAccessToken('secret', nonce));
  assert.notEqual(token, deriveAccessToken('other', nonce));
  assert.notEqual(token, deriveAccessToken('secret', tokenNonce('0123456789abcdef0123456789abcdee')));
});

test('a nonce stored by an earlier release still derives its token by HMAC', () => {
  assert.equal(deriveAccessToken('secret', '0123456789abcdef0123456789abcdef'), 't-4048002ec5ff2ec0ea0d5a8cc577d5542744d62c');
  assert.notEqual(deriveAccessToken('secret', tokenNonce('0123456789abcdef0123456789abcdef')), 't-4048002ec5ff2ec0ea0d5a8cc577d5542744d62c');
});

test('log ids are 14 digits of Beijing time and 20 upper-case hex', () => {
  const id = formatLogId(Date.UTC(2026, 6, 8, 8, 29, 59), 'adca453d2e20d74d18a2');
  assert.equal(id, '20260708162959ADCA453D2E20D74D18A2');
  assert.equal(id.length, 34);
});

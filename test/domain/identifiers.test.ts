import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveAccessToken, deriveOpenId, deriveUnionId, formatLogId } from '../../src/domain/identifiers.js';

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
  const token = deriveAccessToken('secret', 'nonce');
  assert.match(token, /^t-[0-9a-f]{40}$/);
  assert.equal(token, deriveAccessToken('secret', 'nonce'));
  assert.notEqual(token, deriveAccessToken('other', 'nonce'));
});

test('log ids are 14 digits of Beijing time and 20 upper-case hex', () => {
  const id = formatLogId(Date.UTC(2026, 6, 8, 8, 29, 59), 'adca453d2e20d74d18a2');
  assert.equal(id, '20260708162959ADCA453D2E20D74D18A2');
  assert.equal(id.length, 34);
});

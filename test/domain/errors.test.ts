import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS } from '../../src/domain/errors.js';

const compatibility = readFileSync(new URL('../../docs/compatibility.md', import.meta.url), 'utf8');

test('every code of the catalogue is documented with its HTTP status and text', () => {
  for (const [name, spec] of Object.entries(ERRORS)) {
    const row = compatibility.split('\n').find((line) => line.includes(`| ${spec.code} |`));
    assert.ok(row, `${name} (${spec.code}) is missing from docs/compatibility.md`);
    assert.ok(row.includes(`| ${spec.status} |`), `${spec.code}: HTTP ${spec.status} not in its row`);
    assert.ok(row.includes(spec.msg), `${spec.code}: "${spec.msg}" not in its row`);
  }
});

test('codes are unique', () => {
  const codes = Object.values(ERRORS).map((spec) => spec.code);
  assert.equal(new Set(codes).size, codes.length);
});

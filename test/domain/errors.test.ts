import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONTROL_ERRORS, ERRORS } from '../../src/domain/errors.js';

const compatibility = readFileSync(new URL('../../docs/compatibility.md', import.meta.url), 'utf8');

interface DocumentedCode {
  code: string;
  status: number;
  row: string;
}

/** Every table row of the doc that names an HTTP status and then an error code (numeric, or `snake_case`). */
function documentedCodes(): DocumentedCode[] {
  const found: DocumentedCode[] = [];
  for (const row of compatibility.split('\n').filter((line) => line.startsWith('|'))) {
    const cells = row.split('|').map((cell) => cell.trim());
    for (let i = 0; i + 1 < cells.length; i++) {
      const code = /^\d{4,8}$/.test(cells[i + 1]) ? cells[i + 1] : /^`([a-z_]+)`$/.exec(cells[i + 1])?.[1];
      if (/^[1-5]\d\d$/.test(cells[i]) && code) found.push({ code, status: Number(cells[i]), row });
    }
  }
  return found;
}

const catalogue = new Map<string, { status: number; text: string }>([
  ...Object.values(ERRORS).map((spec) => [String(spec.code), { status: spec.status, text: spec.msg }] as const),
  ...Object.entries(CONTROL_ERRORS).map(([code, spec]) => [code, { status: spec.status, text: spec.message }] as const),
]);

test('every code of the catalogue is documented with its HTTP status and text', () => {
  const documented = documentedCodes();
  for (const [code, { status, text }] of catalogue) {
    const rows = documented.filter((entry) => entry.code === code);
    assert.ok(rows.length > 0, `${code} is missing from docs/compatibility.md`);
    assert.ok(rows.some((entry) => entry.status === status), `${code}: HTTP ${status} not in its row`);
    assert.ok(rows.some((entry) => entry.row.includes(text)), `${code}: "${text}" not in its row`);
  }
});

test('every code the doc names is in the catalogue, with the same HTTP status', () => {
  const documented = documentedCodes();
  assert.ok(documented.length >= catalogue.size, 'the doc tables are read');
  for (const { code, status, row } of documented) {
    assert.ok(catalogue.has(code), `docs/compatibility.md names ${code}, which the server never answers: ${row}`);
    assert.equal(status, catalogue.get(code)!.status, `${code}: the doc says HTTP ${status}`);
  }
});

test('codes are unique', () => {
  const codes = Object.values(ERRORS).map((spec) => spec.code);
  assert.equal(new Set(codes).size, codes.length);
});

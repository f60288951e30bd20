// What every answer of sysstatus must look like, derived from docs/compatibility.md (the source
// of truth for which codes exist and with which HTTP status).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';

const compatibility = readFileSync(new URL('../../../docs/compatibility.md', import.meta.url), 'utf8');

/** code → HTTP status, from every table row of the form `| … | <status> | <code> | … |`. */
export const DOCUMENTED: ReadonlyMap<number, number> = (() => {
  const codes = new Map<number, number>();
  for (const match of compatibility.matchAll(/\|\s*(\d{3})\s*\|\s*(\d{5,})\s*\|/g)) {
    codes.set(Number(match[2]), Number(match[1]));
  }
  return codes;
})();

/** The token endpoints' codes are documented in the text of section 4 (all HTTP 200). */
export const TOKEN_CODES: ReadonlySet<number> = (() => {
  const codes = new Set<number>([0]);
  for (const match of compatibility.matchAll(/"code":(\d+),/g)) codes.add(Number(match[1]));
  return codes;
})();

const LOG_ID = /^\d{14}[0-9A-F]{20}$/;

/** A server-side failure is never an acceptable answer to anything a client sends. */
export function assertNo5xx(response: LightMyRequestResponse, what: string): void {
  assert.ok(response.statusCode < 500, `${what}: HTTP ${response.statusCode} ${response.body.slice(0, 300)}`);
}

/**
 * An answer of one of the six platform APIs: the envelope, a documented code with its documented
 * status, the log id in header and body. Returns the parsed body.
 */
export function assertEnvelope(response: LightMyRequestResponse, what: string): { code: number; [key: string]: unknown } {
  assertNo5xx(response, what);
  assert.match(String(response.headers['content-type']), /^application\/json; charset=utf-8$/, `${what}: content-type`);
  const logId = String(response.headers['x-tt-logid']);
  assert.match(logId, LOG_ID, `${what}: X-Tt-Logid`);
  const body = JSON.parse(response.body) as { code: number; msg: unknown; data?: unknown; error?: { log_id?: unknown } };
  assert.equal(typeof body.code, 'number', `${what}: code`);
  assert.equal(typeof body.msg, 'string', `${what}: msg`);
  if (body.code === 0) {
    assert.equal(response.statusCode, 200, `${what}: success must be HTTP 200`);
    assert.equal(body.msg, 'success');
    assert.equal(typeof body.data, 'object', `${what}: data`);
  } else {
    const status = DOCUMENTED.get(body.code);
    assert.ok(status !== undefined, `${what}: code ${body.code} is not documented in docs/compatibility.md (${response.body.slice(0, 300)})`);
    assert.equal(response.statusCode, status, `${what}: code ${body.code} is documented with HTTP ${status}`);
    assert.equal(body.data, undefined, `${what}: an error has no data`);
    assert.equal(body.error?.log_id, logId, `${what}: error.log_id`);
  }
  return body;
}

/** An answer of the auth/v3 token endpoints: always HTTP 200 with a documented code. */
export function assertTokenAnswer(response: LightMyRequestResponse, what: string): { code: number; [key: string]: unknown } {
  assertNo5xx(response, what);
  assert.equal(response.statusCode, 200, `${what}: token endpoints always answer HTTP 200 (${response.body})`);
  const body = JSON.parse(response.body) as { code: number };
  assert.ok(TOKEN_CODES.has(body.code), `${what}: token code ${body.code} is not documented`);
  return body;
}

/** The live gateway's answer to an unknown path or method. */
export function assertGateway404(response: LightMyRequestResponse, what: string): void {
  assert.equal(response.statusCode, 404, `${what}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  assert.equal(response.body, '404 page not found');
}

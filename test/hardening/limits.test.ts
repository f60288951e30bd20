// Limits on a real listening socket: what Node refuses before Fastify (bad HTTP, huge headers, slow
// headers) still answers the platform envelope; oversized bodies too; and hundreds of slow or idle
// connections do not keep others from being served.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { ACME_APP } from '../helpers/test-seed.js';
import { startTestApp, STATUSES_URL, type TestApp } from '../helpers/test-app.js';
import { report } from './support/fuzz-config.js';
import { assertEnvelope } from './support/oracle.js';

async function listening(config: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp & { port: number }> {
  const t = await startTestApp(config);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  assert.ok(address && typeof address === 'object');
  return Object.assign(t, { port: address.port });
}

/** Sends raw bytes, reads until the server closes the connection. */
function raw(port: number, ...chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

/** The raw answer as the envelope checks expect it. */
function parse(answer: string) {
  const [head, body = ''] = answer.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { statusCode: Number(statusLine.split(' ')[1]), headers, body, json: () => JSON.parse(body) } as never;
}

test('bad HTTP, oversized headers and headers that never finish answer 400 / 2005001 in the envelope', async () => {
  const t = await listening({ config: { headers_timeout_ms: 300, request_timeout_ms: 600 } });
  try {
    const cases: [string, string[], RegExp][] = [
      ['not HTTP', ['HELLO\r\n\r\n'], /not valid HTTP/],
      ['a bad header line', [`GET ${STATUSES_URL} HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n`], /not valid HTTP/],
      ['headers over 16 KiB', [`GET ${STATUSES_URL} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], /too large/],
      ['headers that never finish', [`GET ${STATUSES_URL} HTTP/1.1\r\nHost: x\r\n`], /not received in time/],
      // No token: the gateway answers before the body is in (99991661), and that is the only answer.
      ['a body that never finishes', [`POST ${STATUSES_URL} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ti`], /./],
    ];
    for (const [what, chunks, description] of cases) {
      const answer = await raw(t.port, ...chunks);
      const body = assertEnvelope(parse(answer), what) as { code: number; error: { field_violations?: { description: string }[] } };
      if (what === 'a body that never finishes') {
        assert.equal(body.code, 99991661, what);
        continue;
      }
      assert.equal(body.code, 2005001, what);
      assert.match(body.error.field_violations![0].description, description, what);
    }
  } finally {
    await t.close();
  }
});

test('a body over 256 KiB answers 400 / 2005001 and stores nothing', async () => {
  const t = await startTestApp();
  try {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    const before = await t.services.store.dump();
    const response = await t.request({ method: 'POST', url: STATUSES_URL, token, headers: { 'content-type': 'application/json' }, payload: `{"title":"x","icon_key":"Coffee","priority":8,"pad":"${'a'.repeat(256 * 1024)}"}` });
    const body = assertEnvelope(response, 'oversized body') as { code: number };
    assert.equal(body.code, 2005001);
    assert.deepEqual(await t.services.store.dump(), before);
  } finally {
    await t.close();
  }
});

test('hundreds of slow and idle connections do not keep other clients from being served', async () => {
  const t = await listening({ config: { headers_timeout_ms: 120_000, request_timeout_ms: 120_000 } });
  const held: Socket[] = [];
  let trickle: NodeJS.Timeout | undefined;
  try {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    const SLOW = 200;
    const IDLE = 200;
    for (let i = 0; i < SLOW + IDLE; i++) {
      const socket = connect(t.port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('connect', resolve));
      if (i < SLOW) socket.write(`GET ${STATUSES_URL} HTTP/1.1\r\nHost: x\r\n`);
      held.push(socket);
    }
    // The slow ones keep sending a header byte at a time, never finishing.
    trickle = setInterval(() => {
      for (const socket of held.slice(0, SLOW)) socket.write('X');
    }, 50);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${t.port}${STATUSES_URL}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: number } }))),
    );
    assert.ok(answers.every((answer) => answer.status === 200 && answer.body.code === 0));
    // Served while every slow and idle connection was still held open.
    assert.equal(held.filter((socket) => socket.destroyed || socket.readyState !== 'open').length, 0);
    report('connections held while serving 20 requests (slow + idle)', `${SLOW} + ${IDLE}`);
  } finally {
    clearInterval(trickle);
    for (const socket of held) socket.destroy();
    await t.close();
  }
});

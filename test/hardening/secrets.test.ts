// Secrets: app secrets and tokens exist on disk only as digests, secrets are compared in constant
// time, tokens stop working exactly when their `expire` says, and no log line holds either.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, mock, test } from 'node:test';
import fc from 'fast-check';
import { buildApp } from '../../src/app.js';
import { ControlledClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import { secretDigest } from '../../src/domain/identifiers.js';
import { applySeed } from '../../src/operations/provisioning.js';
import { createServices } from '../../src/services.js';
import { createStore } from '../../src/store/create-store.js';
import { ACME, ACME_APP, TEST_SEED } from '../helpers/test-seed.js';
import { openIdOf, startTestApp, STATUSES_URL, T0 } from '../helpers/test-app.js';
import { fuzzParameters, report } from './support/fuzz-config.js';

const SECRETS = TEST_SEED.tenants.flatMap((tenant) => (tenant.apps ?? []).map((app) => app.app_secret));
const APPS = TEST_SEED.tenants.flatMap((tenant) => (tenant.apps ?? []).map((app) => ({ app_id: app.app_id!, app_secret: app.app_secret })));
const dir = mkdtempSync(join(tmpdir(), 'sysstatus-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A server on a data directory with its pino output captured. */
async function bootWithLogs(dataDir: string) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const store = await createStore({ dataDir });
  const clock = new ControlledClock();
  clock.freeze(T0);
  const config = makeConfig({ rate_limits: false });
  const services = createServices(store, config, clock);
  await applySeed(services, TEST_SEED);
  const app = await buildApp({ config, services, logger: { level: 'trace', stream } });
  return { app, store, clock, logs: () => lines.join('') };
}

test('neither the database files nor any log line hold a secret or a token, whatever the requests', async () => {
  const dataDir = join(dir, 'data');
  const server = await bootWithLogs(dataDir);
  const tokens: string[] = [];
  for (const app of APPS) {
    for (const kind of ['tenant', 'app']) {
      const answer = (await server.app.inject({ method: 'POST', url: `/open-apis/auth/v3/${kind}_access_token/internal`, payload: app })).json();
      tokens.push(...[answer.tenant_access_token, answer.app_access_token].filter(Boolean));
    }
    // Wrong secrets, secrets in the wrong field, secrets in a URL, a secret as the token.
    await server.app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: { app_id: app.app_id, app_secret: `${app.app_secret}x` } });
    await server.app.inject({ method: 'POST', url: `/open-apis/auth/v3/tenant_access_token/internal?app_secret=${app.app_secret}`, payload: `{"app_id":"${app.app_id}","app_secret":` });
    await server.app.inject({ method: 'GET', url: STATUSES_URL, headers: { authorization: `Bearer ${app.app_secret}` } });
  }
  // Tokens renewed after 100 minutes, used everywhere, valid and invalid.
  server.clock.advance(100 * 60_000);
  const renewed = (await server.app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: ACME_APP })).json().tenant_access_token;
  tokens.push(renewed);
  // The app endpoint hands out the tenant token again (the reuse rule); the renewed one is new.
  assert.ok(tokens.indexOf(renewed) === tokens.length - 1);
  const acme = tokens[0];
  const statusId = (await server.store.listSystemStatuses(ACME))[0].system_status_id;
  for (const token of [acme, renewed, `${acme}0`]) {
    await server.app.inject({ method: 'GET', url: STATUSES_URL, headers: { authorization: `Bearer ${token}` } });
    await server.app.inject({ method: 'POST', url: `${STATUSES_URL}/${statusId}/batch_open`, headers: { authorization: `Bearer ${token}` }, payload: { user_list: [{ user_id: openIdOf(ACME_APP.app_id, ACME, 'u001'), end_time: T0 / 1000 + 7200 }] } });
  }
  // The files while the server runs (database, write-ahead log, shared memory)...
  const running = readdirSync(dataDir).map((name) => ({ name: `${name} (running)`, content: readFileSync(join(dataDir, name)).toString('latin1') }));
  assert.ok(running.some((file) => file.name.startsWith('sysstatus.sqlite-wal')), 'the WAL is checked too');
  // Failures that log an error with its details: the store gone under running requests.
  await server.store.close();
  const failed = await server.app.inject({ method: 'GET', url: STATUSES_URL, headers: { authorization: `Bearer ${tokens[2]}` } });
  const failedToken = await server.app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: ACME_APP });
  await server.app.close();

  const logs = server.logs();
  assert.ok(failed.statusCode >= 500 || failed.json().code !== 0, 'the closed store must fail the request');
  assert.equal(failedToken.json().code, 10003);
  assert.match(logs, /"level":50/, 'the failures were logged (otherwise this test proves nothing)');
  const files = readdirSync(dataDir);
  assert.ok(files.includes('sysstatus.sqlite'));
  assert.ok(files.includes('sysstatus.sqlite-image'), 'the state image a clean close writes is checked too');
  // ...and after it closed.
  const all = [...running, ...files.map((name) => ({ name, content: readFileSync(join(dataDir, name)).toString('latin1') }))];
  const contents = all.map((file) => file.content);
  for (const secret of [...SECRETS, ...tokens]) {
    assert.ok(!logs.includes(secret), `a log line holds ${secret}`);
    for (const file of all) assert.ok(!file.content.includes(secret), `${file.name} holds ${secret}`);
  }
  // What is stored is the digest, so the store can still recognise them.
  assert.ok(contents.some((content) => content.includes(secretDigest(ACME_APP.app_secret))));
  assert.ok(contents.some((content) => content.includes(secretDigest(renewed))));
  report('secrets checked (secrets + tokens) × (db files + logs)', `${SECRETS.length + tokens.length} × (${all.length} + 1)`);
});

test('app secrets are compared with timingSafeEqual over fixed-length digests', async () => {
  const t = await startTestApp();
  const spy = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  try {
    for (const secret of ['', 'a', 'acme-secre', 'acme-secret', 'acme-secret-and-much-longer'.repeat(50), ACME_APP.app_secret]) {
      spy.mock.resetCalls();
      const answer = (await t.request({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: { app_id: ACME_APP.app_id, app_secret: secret } })).json();
      assert.equal(answer.code, secret === '' ? 10003 : secret === ACME_APP.app_secret ? 0 : 10014);
      if (secret === '') continue;
      assert.equal(spy.mock.callCount(), 1, `secret ${secret.slice(0, 20)} not compared with timingSafeEqual`);
      const [given, stored] = spy.mock.calls[0].arguments as [Buffer, Buffer];
      assert.equal(given.length, 32, 'the comparison is over SHA-256 digests, whose length does not depend on the secret');
      assert.equal(stored.length, 32);
    }
  } finally {
    mock.restoreAll();
    syncBuiltinESMExports();
    await t.close();
  }
});

test('a token works until exactly the moment its expire says, and not after, reused or new', async () => {
  const t = await startTestApp();
  let probes = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 7200_000 * 2 }), fc.integer({ min: -3000, max: 3000 }), async (issueAfterMs, probeOffsetMs) => {
        t.clock.set(T0 + issueAfterMs);
        const answer = (await t.request({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: ACME_APP })).json();
        const issuedAt = t.clock.now();
        const saysEndsAt = issuedAt + answer.expire * 1000;
        // `expire` is whole seconds, rounded down: valid before it, and gone within the next second.
        const probeAt = saysEndsAt + probeOffsetMs;
        if (probeAt < issuedAt) return;
        t.clock.set(probeAt);
        const code = (await t.request({ method: 'GET', url: STATUSES_URL, token: answer.tenant_access_token })).json().code;
        probes++;
        if (probeAt < saysEndsAt) assert.equal(code, 0, `valid ${saysEndsAt - probeAt} ms before its end`);
        else if (probeAt >= saysEndsAt + 1000) assert.equal(code, 99991663, `still valid ${probeAt - saysEndsAt} ms after its end`);
      }),
      fuzzParameters(300),
    );
  } finally {
    await t.close();
  }
  report('token expiry probes', probes);
});

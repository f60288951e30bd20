// The embedded engine (memory + change log) against the engine it replaced (every statement
// straight to SQLite's tables): one recorded mixed workload of thousands of calls over several
// tenants, with clock steps, resignations, scope and sync changes, status definitions changing,
// must give the same answers, the same change events and the same exported state on both.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { ControlledClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import type { StatusChangeEvent } from '../../src/operations/context.js';
import { applySeed } from '../../src/operations/provisioning.js';
import { createServices } from '../../src/services.js';
import { openSqliteStore, openSqliteTablesStore } from '../../src/store/engines/sqlite/sqlite-engine.js';
import type { Store } from '../../src/store/store.js';
import { STATUSES_URL, T0 } from '../helpers/test-app.js';
import { deriveOpenId } from '../../src/domain/identifiers.js';
import { TEST_SEED } from '../helpers/test-seed.js';
import { seededRandom } from '../../src/emulator/seeded-random.js';

const dir = mkdtempSync(join(tmpdir(), 'sysstatus-equivalence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CALLS = Number(process.env.SYSSTATUS_EQUIVALENCE_CALLS) || 3000;
const TENANTS = TEST_SEED.tenants.map((tenant) => ({
  tenant_key: tenant.tenant_key!,
  apps: tenant.apps!.filter((app) => app.type !== 'store').map((app) => ({ app_id: app.app_id!, app_secret: app.app_secret! })),
  users: [...tenant.users!.map((user) => user.user_id), 'nobody'],
}));


async function boot(store: Store) {
  const clock = new ControlledClock();
  clock.freeze(T0);
  const config = makeConfig({ rate_limits: false });
  const services = createServices(store, config, clock);
  await applySeed(services, TEST_SEED);
  const app = await buildApp({ config, services });
  const events: StatusChangeEvent[] = [];
  services.events.on('change', (event) => events.push(structuredClone(event)));
  return { app, store, events, statusIds: [] as string[] };
}

type Booted = Awaited<ReturnType<typeof boot>>;
interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  payload?: object;
  token?: { app_id: string; app_secret: string };
}

/** Each server's status ids in creation order: ids are random, so calls name statuses by position (`{status:N}`). */
async function statusIdsOf(server: Booted): Promise<string[]> {
  // Deleted statuses keep their position: users' opens still name them.
  for (const tenant of TENANTS) {
    for (const status of await server.store.listSystemStatuses(tenant.tenant_key)) {
      if (!server.statusIds.includes(status.system_status_id)) server.statusIds.push(status.system_status_id);
    }
  }
  return server.statusIds;
}

/** Answers without what legitimately differs between two servers: log ids, tokens' random part, status ids. */
async function answer(server: Booted, call: Call): Promise<string> {
  const ids = await statusIdsOf(server);
  const url = call.url.replace(/\{status:(\d+)\}/, (_, n: string) => ids[Number(n)] ?? '7000000000000000000');
  let authorization: string | undefined;
  if (call.token) {
    // Asked for every call: the reuse rule hands the same token back until it nears its end, and the clock moves.
    const issued = await server.app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: call.token });
    authorization = `Bearer ${issued.json().tenant_access_token as string}`;
  }
  const response = await server.app.inject({
    method: call.method,
    url,
    ...(call.payload ? { payload: call.payload } : {}),
    headers: authorization ? { authorization } : {},
  });
  let body = response.body.replace(/log_id(":"|=)[0-9A-F]+/g, 'log_id$1…').replace(/"offset_ms":-?\d+/, '"offset_ms":…').replace(/t-[0-9a-f]{40}/g, 't-…');
  // Ids of statuses created by this call, or named by it, become their positions (after the call: it may have created one).
  (await statusIdsOf(server)).forEach((id, index) => (body = body.replaceAll(id, `{status:${index}}`)));
  return `${response.statusCode} ${body}`;
}

/** The workload: every call chosen from what the earlier answers said (status ids), deterministically. */
function* workload(next: () => number, statusIds: (tenantKey: string) => number[]): Generator<Call> {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  let now = T0;
  for (let i = 0; i < CALLS; i++) {
    const tenant = pick(TENANTS);
    const app = pick(tenant.apps);
    const ids = statusIds(tenant.tenant_key);
    const status = ids.length > 0 ? `{status:${pick(ids)}}` : '7000000000000000000';
    const users = tenant.users.filter(() => next() < 0.4);
    const roll = next();
    const asOpenId = next() < 0.3;
    const named = (user: string) => (asOpenId ? deriveOpenId(app.app_id, tenant.tenant_key, user) : user);
    const query = asOpenId ? '?user_id_type=open_id' : '?user_id_type=user_id';
    if (roll < 0.35) {
      const user_list = users.map((user) => ({ user_id: named(user), end_time: Math.floor(now / 1000) + 60 + Math.floor(next() * 7200) }));
      if (next() < 0.1 && user_list.length > 0) user_list.push({ ...user_list[0], end_time: user_list[0].end_time + 100 });
      yield { method: 'POST', url: `${STATUSES_URL}/${status}/batch_open${query}`, payload: { user_list }, token: app };
    } else if (roll < 0.5) {
      yield { method: 'POST', url: `${STATUSES_URL}/${status}/batch_close${query}`, payload: { user_list: users.map(named) }, token: app };
    } else if (roll < 0.56) {
      yield { method: 'GET', url: STATUSES_URL, token: app };
    } else if (roll < 0.6) {
      const n = Math.floor(next() * 12);
      yield { method: 'POST', url: STATUSES_URL, payload: { title: `s${n}`, icon_key: 'Coffee', priority: n % 11 }, token: app };
    } else if (roll < 0.63) {
      yield { method: 'PATCH', url: `${STATUSES_URL}/${status}`, payload: { system_status: { title: `p${Math.floor(next() * 5)}`, priority: Math.floor(next() * 10) }, update_fields: ['TITLE', 'PRIORITY'] }, token: app };
    } else if (roll < 0.65) {
      yield { method: 'DELETE', url: `${STATUSES_URL}/${status}`, token: app };
    } else if (roll < 0.72) {
      const ms = Math.floor(next() * 3_600_000) - (next() < 0.2 ? 1_800_000 : 0);
      now += ms;
      yield { method: 'POST', url: '/_sysstatus/clock', payload: { action: 'advance', ms } };
    } else if (roll < 0.78) {
      yield { method: 'POST', url: `/_sysstatus/tenants/${tenant.tenant_key}/users/${pick(tenant.users)}/${next() < 0.5 ? 'resign' : 'reinstate'}` };
    } else if (roll < 0.84) {
      yield { method: 'PUT', url: `/_sysstatus/tenants/${tenant.tenant_key}/users/${pick(tenant.users)}/sync/${status}`, payload: { sync_on: next() < 0.5 } };
    } else if (roll < 0.88) {
      const contact_scope = next() < 0.4 ? 'all' : tenant.users.filter(() => next() < 0.6);
      yield { method: 'PATCH', url: `/_sysstatus/apps/${app.app_id}`, payload: { contact_scope } };
    } else if (roll < 0.94) {
      yield { method: 'GET', url: `/_sysstatus/tenants/${tenant.tenant_key}/users/${pick(tenant.users)}/status` };
    } else {
      yield { method: 'GET', url: `/_sysstatus/apps/${app.app_id}/users` };
    }
  }
}

test(`the embedded engine answers a mixed workload of ${CALLS} calls exactly as the tables-only engine does`, async () => {
  const reference = await boot(await openSqliteTablesStore({}));
  // Folds every few kilobytes, in steps of a few rows, so that the workload runs across many folds.
  const file = join(dir, 'sysstatus.sqlite');
  const embedded = await boot(await openSqliteStore({ file, fold: { maxLogBytes: 16_384, stepRows: 5 } }));
  const known = new Map<string, number[]>();
  const statusIds = (tenantKey: string) => known.get(tenantKey) ?? [];
  const refresh = async () => {
    const positions = await statusIdsOf(reference);
    for (const tenant of TENANTS) {
      known.set(tenant.tenant_key, (await reference.store.listSystemStatuses(tenant.tenant_key)).map((s) => positions.indexOf(s.system_status_id)));
    }
  };
  await refresh();
  let calls = 0;
  for (const call of workload(seededRandom(7), statusIds)) {
    const [expected, actual] = [await answer(reference, call), await answer(embedded, call)];
    assert.equal(actual, expected, `call ${calls}: ${call.method} ${call.url} ${JSON.stringify(call.payload ?? {})}`);
    if (call.method !== 'GET' && call.url.startsWith(STATUSES_URL) && !call.url.includes('batch_')) await refresh();
    calls++;
  }
  assert.ok(reference.events.length > 200, `the workload changed users' statuses (${reference.events.length} events)`);
  // Status ids are random per server: both sides name them by position.
  const positional = async (server: Booted, text: string) => {
    for (const [index, id] of (await statusIdsOf(server)).entries()) text = text.replaceAll(id, `{status:${index}}`);
    return text;
  };
  const same = async (what: string, of: (server: Booted) => Promise<string> | string) => {
    const [actual, expected] = [await positional(embedded, await of(embedded)), await positional(reference, await of(reference))];
    let at = 0;
    while (at < actual.length && actual[at] === expected[at]) at++;
    assert.ok(actual === expected, `${what} differ at ${at}: ${actual.slice(at - 150, at + 150)}\n  expected: ${expected.slice(at - 150, at + 150)}`);
  };
  await same('change events', (server) => JSON.stringify(server.events));
  // Tokens are random too: both sides must hold the same tokens by app, kind and times.
  const withoutTokenSecrets = (tokens: Record<string, unknown>[]) =>
    tokens.map(({ token_digest: _, nonce: __, ...rest }) => JSON.stringify(rest)).sort();
  await same('the export', async (server) => {
    const { exported_at: _, ...snapshot } = (await server.app.inject({ url: '/_sysstatus/snapshot' })).json();
    return JSON.stringify({ ...snapshot, access_tokens: withoutTokenSecrets(snapshot.access_tokens) });
  });
  await same('every table', async (server) => {
    const dump = await server.store.dump();
    return JSON.stringify({ ...dump, access_tokens: withoutTokenSecrets(dump.access_tokens) });
  });

  // And what the embedded engine left on disk (tables plus log) is that same state after a restart.
  const expected = await embedded.store.dump();
  await embedded.app.close();
  await embedded.store.close();
  await reference.app.close();
  await reference.store.close();
  const reopened = await openSqliteStore({ file });
  assert.deepEqual(await reopened.dump(), expected);
  await reopened.close();
});

// Three server processes over one PostgreSQL and one Redis, traffic spread over them round-robin.
// Only loopback traffic; bounded in time (a few seconds once the processes are up).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SCOPES } from '../../src/domain/apis.js';
import { createStore } from '../../src/store/create-store.js';
import { dropPostgresSchema } from '../../src/store/engines/postgres/postgres-engine.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { testSchemaName } from '../helpers/test-store.js';
import { type Interval, mostCertainlyWithin, timed } from '../helpers/windows.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const skip = databaseUrl && redisUrl ? false : 'TEST_DATABASE_URL and TEST_REDIS_URL must both be set for the multi-node test';

const STATUSES = '/open-apis/personal_settings/v1/system_statuses';
const TOKEN = '/open-apis/auth/v3/tenant_access_token/internal';

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

describe('three nodes over one PostgreSQL and one Redis', { skip, timeout: 180_000 }, () => {
  const run = randomBytes(5).toString('hex');
  // Fresh app ids each run: the limit windows in the shared Redis start empty.
  const limitApp = { app_id: `cli_mnlimit${run}`, app_secret: 'limit-secret' };
  const app = { app_id: `cli_mnwork${run}`, app_secret: 'work-secret' };
  const tenantKey = `mn${run}`;
  const users = ['u01', 'u02', 'u03', 'u04', 'u05'];
  // The limit test spreads its calls over many users, so that no row lock slows it down.
  const crowd = Array.from({ length: 50 }, (_, i) => `c${String(i).padStart(2, '0')}`);
  const schema = testSchemaName();
  const folder = mkdtempSync(join(tmpdir(), 'sysstatus-mn-'));
  let nodes: ServerProcess[] = [];
  let limitToken: string;
  let token: string;

  const call = async (node: number, method: string, path: string, body?: unknown, bearer?: string): Promise<Answer> => {
    const response = await fetch(`${nodes[node % nodes.length].url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  };

  before(async () => {
    // The schema must exist before the nodes point their search_path at it (the nodes migrate it).
    await (await createStore({ databaseUrl: databaseUrl!, databaseSchema: schema })).close();
    const seedFile = join(folder, 'seed.json');
    const scopes = [SCOPES.system_status_update, SCOPES.system_status_operate, SCOPES.employee_id];
    writeFileSync(
      seedFile,
      JSON.stringify({
        tenants: [
          {
            tenant_key: tenantKey,
            name: 'Multi',
            apps: [{ ...limitApp, scopes }, { ...app, scopes }],
            users: [...users, ...crowd].map((user_id) => ({ user_id })),
          },
        ],
      }),
    );
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    // All three start together, so their seeds race on one schema.
    nodes = await Promise.all(
      [0, 1, 2].map(() =>
        startServerProcess(['--database-url', url.toString(), '--redis-url', redisUrl!, '--seed', seedFile, '--log-level', 'warn']),
      ),
    );
    // Tokens come from one node each and are used on all three.
    limitToken = (await call(0, 'POST', TOKEN, limitApp)).body.tenant_access_token;
    token = (await call(1, 'POST', TOKEN, app)).body.tenant_access_token;
    // Warm the nodes (connections, JIT) with calls no limit counts, so the bursts below are tight.
    await Promise.all(Array.from({ length: 60 }, (_, i) => call(i, 'POST', TOKEN, app)));
    for (const node of [0, 1, 2]) {
      const ready = await call(node, 'GET', '/readyz');
      assert.deepEqual(ready.body, { status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    }
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await dropPostgresSchema(databaseUrl!, schema);
    rmSync(folder, { recursive: true, force: true });
  });

  test('(a) the per-second and per-minute limits hold across the nodes together', async (t) => {
    const now = Math.floor(Date.now() / 1000);
    const created = await call(0, 'POST', STATUSES, { title: 'Limits', icon_key: 'GeneralBusinessTrip', priority: 9 }, limitToken);
    assert.equal(created.body.code, 0, JSON.stringify(created.body));
    const statusId = created.body.data.system_status.system_status_id;
    // First the gateway alone: 150 batch_open calls at once whose empty user_list the service
    // refuses (400) after the limit let them through, so no database work stretches the answers.
    const gateway = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        timed(() => call(i, 'POST', `${STATUSES}/${statusId}/batch_open?user_id_type=user_id`, { user_list: [] }, limitToken)),
      ),
    );
    const passed = gateway.filter((response) => response.status !== 429);
    for (const response of passed) assert.equal(response.body.code, 2005001);
    const gatewaySpan = Math.max(...gateway.map((r) => r.answered)) - Math.min(...gateway.map((r) => r.sent));
    const gatewayMost = mostCertainlyWithin(passed, 1_000);
    t.diagnostic(
      `batch_open (gateway only): 150 offered at once over 3 nodes, answered within ${Math.round(gatewaySpan)} ms: ` +
        `${passed.length} let through, at most ${gatewayMost} certainly within one second`,
    );
    assert.ok(passed.length >= 50, `only ${passed.length} let through`);
    assert.ok(gatewayMost <= 50, `${gatewayMost} let through within one second`);
    // Let the one-second window empty before the next test of it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    // 200 batch_open calls offered at 100 a second (a wave of 10 every 100 ms), round-robin over
    // the nodes: any one second allows 50 in all.
    const waves: Promise<Answer & Interval>[] = [];
    for (let wave = 0; wave < 20; wave++) {
      for (let i = wave * 10; i < wave * 10 + 10; i++) {
        waves.push(
          timed(() =>
            call(
              i,
              'POST',
              `${STATUSES}/${statusId}/batch_open?user_id_type=user_id`,
              { user_list: [{ user_id: crowd[i % crowd.length], end_time: now + 3600 }] },
              limitToken,
            ),
          ),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const burst = await Promise.all(waves);
    const accepted = burst.filter((response) => response.status === 200 && response.body.code === 0);
    const refused = burst.filter((response) => response.status === 429);
    assert.equal(accepted.length + refused.length, 200);
    const perNode = [0, 1, 2].map((node) => burst.filter((r, i) => i % 3 === node && r.status === 200).length);
    const span = Math.max(...burst.map((r) => r.answered)) - Math.min(...burst.map((r) => r.sent));
    const mostInOneSecond = mostCertainlyWithin(accepted, 1_000);
    t.diagnostic(
      `batch_open: 200 offered at 100/s over 3 nodes in ${Math.round(span)} ms: ${accepted.length} accepted ` +
        `(per node ${perNode.join('/')}), at most ${mostInOneSecond} certainly within one second`,
    );
    assert.ok(accepted.length >= 50, `only ${accepted.length} accepted`);
    assert.ok(mostInOneSecond <= 50, `${mostInOneSecond} accepted within one second`);
    for (const response of refused) {
      assert.equal(response.body.code, 99991400);
      assert.equal(response.headers.get('x-ogw-ratelimit-limit'), '50');
    }

    // list allows 100 a minute and has no per-second window.
    const lists = await Promise.all(
      Array.from({ length: 150 }, (_, i) => timed(() => call(i, 'GET', `${STATUSES}?page_size=1`, undefined, limitToken))),
    );
    const listed = lists.filter((response) => response.status === 200);
    const mostInOneMinute = mostCertainlyWithin(listed, 60_000);
    t.diagnostic(`list: 150 offered at once over 3 nodes, ${listed.length} accepted, at most ${mostInOneMinute} certainly within one minute (limit 100/min)`);
    assert.ok(listed.length >= 100, `only ${listed.length} accepted`);
    assert.ok(mostInOneMinute <= 100, `${mostInOneMinute} accepted within one minute`);
    const refusedList = lists.find((response) => response.status === 429)!;
    assert.equal(refusedList.body.code, 99991400);
    assert.equal(refusedList.headers.get('x-ogw-ratelimit-limit'), '100');
  });

  test('(b) racing creates leave at most 10 statuses, with unique titles and priorities', async () => {
    // 30 creates at once over the three nodes: 15 titles each sent twice, priorities 0-9 thrice.
    const bodies = Array.from({ length: 30 }, (_, i) => ({ title: `Race ${i % 15}`, icon_key: 'GeneralBusinessTrip', priority: i % 10 }));
    const answers = await Promise.all(bodies.map((body, i) => call(i, 'POST', STATUSES, body, token)));
    for (const answer of answers) {
      assert.ok([0, 2005002, 2005004, 2005005].includes(answer.body.code), JSON.stringify(answer.body));
    }
    const created = answers.filter((answer) => answer.body.code === 0).map((answer) => answer.body.data.system_status.system_status_id);
    const listed = (await call(2, 'GET', `${STATUSES}?page_size=50`, undefined, token)).body.data.items as {
      title: string;
      priority: number;
      system_status_id: string;
    }[];
    // The limit test created 'Limits' (priority 9) in this tenant already.
    assert.ok(listed.length <= 10, `${listed.length} statuses`);
    assert.equal(new Set(listed.map((status) => status.title)).size, listed.length);
    assert.equal(new Set(listed.map((status) => status.priority)).size, listed.length);
    // Every acknowledged create is there, and nothing that was refused.
    const raced = listed.filter((status) => status.title.startsWith('Race ')).map((status) => status.system_status_id);
    assert.deepEqual(raced.sort(), created.sort());
    assert.equal(listed.length, 10, 'with 30 creates offered, the tenant fills up');
  });

  test('(c) racing opens and closes end in the state the acknowledged answers imply', async () => {
    const listed = (await call(0, 'GET', `${STATUSES}?page_size=50`, undefined, token)).body.data.items as { system_status_id: string }[];
    const statusIds = listed.slice(0, 2).map((status) => status.system_status_id);
    const base = Math.floor(Date.now() / 1000) + 3600;
    type Op = { kind: 'open' | 'close'; status: string; users: string[]; end_time: number };
    // 40 opens (each with an end_time of its own) and 40 closes on overlapping users, all at once.
    const ops: Op[] = Array.from({ length: 80 }, (_, i) => ({
      kind: i % 2 === 0 ? 'open' : 'close',
      status: statusIds[(i >> 1) % 2],
      users: users.filter((_, u) => (i * 7 + u * 3) % 5 < 3),
      end_time: base + i,
    }));
    const answers = await Promise.all(
      ops.map((op, i) =>
        call(
          i,
          'POST',
          `${STATUSES}/${op.status}/batch_${op.kind}?user_id_type=user_id`,
          { user_list: op.kind === 'open' ? op.users.map((user_id) => ({ user_id, end_time: op.end_time })) : op.users },
          token,
        ),
      ),
    );
    for (const [i, answer] of answers.entries()) {
      // Refused by a limit is the only other answer allowed; a refused call must have changed nothing.
      if (answer.status === 200) assert.equal(answer.body.code, 0, JSON.stringify(answer.body));
      else assert.equal(answer.body.code, 99991400, `op ${i}: ${JSON.stringify(answer.body)}`);
    }
    const acknowledged = ops.filter((_, i) => answers[i].status === 200);
    assert.ok(acknowledged.some((op) => op.kind === 'open') && acknowledged.some((op) => op.kind === 'close'));

    for (const user of users) {
      const view = (await call(0, 'GET', `/_sysstatus/tenants/${tenantKey}/users/${user}/status`)).body as {
        open: { system_status_id: string; end_time: number }[];
      };
      for (const status of statusIds) {
        const touching = acknowledged.filter((op) => op.status === status && op.users.includes(user));
        const final = view.open.find((open) => open.system_status_id === status);
        if (final) {
          // Open: its end_time names the acknowledged open that came last in the serial order.
          const winner = touching.find((op) => op.kind === 'open' && op.end_time === final.end_time);
          assert.ok(winner, `${user}/${status} ends open with end_time ${final.end_time}, which no acknowledged open set`);
        } else {
          // Closed: nothing acknowledged opened it, or an acknowledged close came after.
          assert.ok(
            !touching.some((op) => op.kind === 'open') || touching.some((op) => op.kind === 'close'),
            `${user}/${status} ends closed though only opens touched it`,
          );
        }
      }
    }
  });
});

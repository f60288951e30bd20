// The harness as an app's test suite uses it: the official SDK against startSysstatus(), one tenant per test.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as lark from '@larksuiteoapi/node-sdk';
import { startSysstatus, type RunningSysstatus, type TestTenant } from '../../src/harness/index.js';
import { DEMO_APP_ID, DEMO_APP_SECRET } from '../../src/seed/demo-seed.js';

const T0 = Date.UTC(2026, 0, 1);
const TRIP = { title: '出差', icon_key: 'GeneralBusinessTrip', priority: 1 } as const;

const larkClient = (tenant: TestTenant) => new lark.Client({ ...tenant.larkOptions(), loggerLevel: lark.LoggerLevel.fatal });

describe('startSysstatus', () => {
  let server: RunningSysstatus;
  before(async () => {
    server = await startSysstatus({ frozenAt: T0 });
  });
  after(() => server.close());

  it('serves the demo tenant by default, on a free loopback port', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.domain, server.url);
    assert.deepEqual(
      server.seededApps.map((app) => [app.app_id, app.app_secret]),
      [[DEMO_APP_ID, DEMO_APP_SECRET]],
    );
    const client = new lark.Client({ appId: DEMO_APP_ID, appSecret: DEMO_APP_SECRET, domain: server.domain, loggerLevel: lark.LoggerLevel.fatal });
    const listed = await client.personal_settings.v1.systemStatus.list({ params: { page_size: 50 } });
    assert.equal(listed.code, 0);
    assert.ok(listed.data!.items!.length > 0);
  });

  it('gives parallel tests isolated tenants, expiries on the moved clock, and the events they cause', async () => {
    const tenants = await Promise.all([1, 2, 3].map(() => server.tenant({ users: [{ user_id: 'u1' }], system_statuses: [TRIP] })));
    assert.equal(new Set(tenants.map((tenant) => tenant.tenant_key)).size, 3);
    const [first, second] = tenants;
    const events = await first.events();
    const endTime = T0 / 1000 + 3600;
    const opened = await larkClient(first).personal_settings.v1.systemStatus.batchOpen({
      path: { system_status_id: first.system_statuses[0].system_status_id },
      data: { user_list: [{ user_id: first.openId('u1'), end_time: endTime }] },
    });
    assert.equal(opened.data!.result_list![0].result, 'success_show');
    assert.equal((await first.userStatus('u1')).shown?.title, '出差');
    assert.equal((await second.userStatus('u1')).shown, null);
    assert.deepEqual(
      [(await events.next()).value?.type, (await events.next()).value?.type],
      ['opened', 'shown'],
    );

    await server.clock.advance('1h');
    assert.equal((await first.userStatus('u1')).shown, null);
    const expired = await events.waitFor((event) => event.type === 'expired');
    assert.equal(expired.at, endTime * 1000);
    await events.close();
    assert.equal((await events.next()).done, true);
    await server.clock.freeze(T0);
  });

  it('answers a fault rule for this tenant only, and journals what the app sent', async () => {
    const [mine, other] = await Promise.all([server.tenant({ system_statuses: [TRIP] }), server.tenant({ system_statuses: [TRIP] })]);
    await mine.faults.add({
      api: 'list',
      times: 1,
      response: { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-reset': '1' } },
    });
    const otherList = await larkClient(other).personal_settings.v1.systemStatus.list({ params: { page_size: 10 } });
    assert.equal(otherList.code, 0, 'the rule is scoped to its tenant');
    await assert.rejects(larkClient(mine).personal_settings.v1.systemStatus.list({ params: { page_size: 10 } }), (error: { response?: { status: number; data: { code: number } } }) => {
      assert.equal(error.response?.status, 429);
      assert.equal(error.response?.data.code, 99991400);
      return true;
    });
    assert.equal(await mine.journal.count({ api: 'list', status: 429 }), 1);
    assert.equal(await other.journal.count({ api: 'list', status: 429 }), 0);
    const [entry] = await mine.journal.find({ api: 'list' });
    assert.equal(entry.app_id, mine.app.app_id);
    assert.deepEqual(entry.request.query, { page_size: '10' });
  });

  it('resets to its seed', async () => {
    const tenant = await server.tenant();
    await server.reset();
    assert.deepEqual(
      (await server.tenants.list()).map((found) => found.tenant_key),
      [server.seededApps[0].tenant_key],
    );
    await assert.rejects(tenant.userStatus('u1'), { status: 404 });
  });
});

describe('startSysstatus options', () => {
  it('reads a seed file and listens on the port given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysstatus-harness-'));
    try {
      const file = join(dir, 'seed.yaml');
      writeFileSync(file, 'tenants:\n  - name: Acme\n    apps: [{ app_id: cli_acme0001, app_secret: s3cret }]\n    users: [{ user_id: u1 }]\n');
      const probe = await startSysstatus({ seed: { tenants: [] } });
      const port = Number(new URL(probe.url).port);
      await probe.close();
      const server = await startSysstatus({ seed: file, port });
      try {
        assert.equal(server.url, `http://127.0.0.1:${port}`);
        assert.deepEqual(
          server.seededApps.map((app) => [app.tenant_name, app.app_id, app.app_secret]),
          [['Acme', 'cli_acme0001', 's3cret']],
        );
        assert.equal((await server.info()).clock.frozen, false);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a data folder opened again expires the opens stored before as the clock passes their end_times, not those that ended while it was closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysstatus-harness-'));
    try {
      const first = await startSysstatus({ dataDir: dir, frozenAt: T0 });
      let tenantKey: string;
      try {
        const tenant = await first.tenant({ users: ['u1', 'u2', 'u3', 'u4'].map((user_id) => ({ user_id })), system_statuses: [TRIP] });
        tenantKey = tenant.tenant_key;
        const opened = await larkClient(tenant).personal_settings.v1.systemStatus.batchOpen({
          path: { system_status_id: tenant.system_statuses[0].system_status_id },
          // u3 opens until after the clock's move below: it must not expire; u4 ends while no server runs.
          data: { user_list: ['u1', 'u2', 'u3', 'u4'].map((user, i) => ({ user_id: tenant.openId(user), end_time: T0 / 1000 + [1800, 600, 7200, 300][i] })) },
        });
        assert.deepEqual(opened.data!.result_list!.map((result) => result.result), ['success_show', 'success_show', 'success_show', 'success_show']);
      } finally {
        await first.close();
      }

      // The second server answers before its expiry index is built; the history waits for it.
      const second = await startSysstatus({ dataDir: dir, frozenAt: T0 + 400_000 });
      try {
        await second.clock.advance('1h');
        const expired = await second.eventHistory(tenantKey, { types: ['expired'] });
        assert.deepEqual(
          expired.map((event) => [(event as { user_ids: string[] }).user_ids, event.at]),
          [
            [['u2'], T0 + 600_000],
            [['u1'], T0 + 1_800_000],
          ],
        );
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a seed object the seed schema refuses, naming the path', async () => {
    await assert.rejects(startSysstatus({ seed: { tenants: [{ name: 'Acme', apps: [{ app_secret: '' }] }] } }), /seed: \/tenants\/0\/apps\/0\/app_secret/);
  });
});

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import * as lark from '@larksuiteoapi/node-sdk';
import { DEMO_APP_ID, DEMO_APP_SECRET, DEMO_SEED, DEMO_TENANT_KEY } from '../../src/seed/demo-seed.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// The official SDK, unchanged, pointed at sysstatus by its domain option.
let t: TestApp;
let domain: string;
let client: lark.Client;

before(async () => {
  t = await startTestApp({ seed: DEMO_SEED, frozenAt: false });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  domain = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  client = new lark.Client({ appId: DEMO_APP_ID, appSecret: DEMO_APP_SECRET, domain, loggerLevel: lark.LoggerLevel.fatal });
});
after(() => t.close());

test('token, create, list (with iterator), patch, batch_open, batch_close, delete', async () => {
  const systemStatus = client.personal_settings.v1.systemStatus;

  const created = await systemStatus.create({
    data: { title: '外出', i18n_title: { en_us: 'Out' }, icon_key: 'Coffee', color: 'ORANGE', priority: 6 },
  });
  assert.equal(created.code, 0);
  const id = created.data!.system_status!.system_status_id!;

  const listed = await systemStatus.list({ params: { page_size: 50 } });
  assert.ok(listed.data!.items!.some((item) => item.system_status_id === id));

  const titles: string[] = [];
  for await (const page of await systemStatus.listWithIterator({ params: { page_size: 2 } })) {
    for (const item of page?.items ?? []) titles.push(item.title!);
  }
  assert.deepEqual(titles, listed.data!.items!.map((item) => item.title));
  assert.ok(titles.length > 2, 'the iterator followed page_token');

  const patched = await systemStatus.patch({
    path: { system_status_id: id },
    data: { system_status: { title: '外出办事', icon_key: 'Coffee' }, update_fields: ['TITLE'] },
  });
  assert.equal(patched.data!.system_status!.title, '外出办事');
  assert.equal(patched.data!.system_status!.color, 'ORANGE');

  const endTime = Math.floor(Date.now() / 1000) + 3600;
  const opened = await systemStatus.batchOpen({
    path: { system_status_id: id },
    params: { user_id_type: 'user_id' },
    data: { user_list: [{ user_id: 'u001', end_time: endTime }, { user_id: 'u009', end_time: endTime }, { user_id: 'u012', end_time: endTime }] },
  });
  assert.deepEqual(
    opened.data!.result_list!.map((r) => [r.user_id, r.end_time, r.result]),
    [
      ['u001', endTime, 'success_show'],
      ['u009', endTime, 'resign_user_id'],
      ['u012', endTime, 'invisible_user_id'],
    ],
  );
  const view = await (await fetch(`${domain}/_sysstatus/tenants/${DEMO_TENANT_KEY}/users/u001/status`)).json();
  assert.equal(view.shown.title, '外出办事');

  const users = await (await fetch(`${domain}/_sysstatus/apps/${DEMO_APP_ID}/users`)).json();
  const u001 = users.users.find((user: { user_id: string }) => user.user_id === 'u001');
  const closed = await systemStatus.batchClose({
    path: { system_status_id: id },
    params: { user_id_type: 'open_id' },
    data: { user_list: [u001.open_id] },
  });
  assert.deepEqual(closed.data!.result_list, [{ user_id: u001.open_id, result: 'success' }]);

  const deleted = await systemStatus.delete({ path: { system_status_id: id } });
  assert.equal(deleted.code, 0);
});

test('platform errors reach SDK callers as the platform sends them', async () => {
  const error = await client.personal_settings.v1.systemStatus
    .delete({ path: { system_status_id: '1' } })
    .then(() => undefined, (e: { response: { status: number; data: { code: number; error: { log_id: string } }; headers: Record<string, string> } }) => e);
  assert.ok(error, 'the SDK rejects on HTTP 400');
  assert.equal(error.response.status, 400);
  assert.equal(error.response.data.code, 2005001);
  assert.equal(error.response.data.error.log_id, error.response.headers['x-tt-logid']);
});

test('a wrong secret fails token acquisition with the platform message', async () => {
  const wrong = new lark.Client({ appId: 'cli_a1b2c3d4e5f60719', appSecret: 'nope', domain, loggerLevel: lark.LoggerLevel.fatal });
  await assert.rejects(wrong.personal_settings.v1.systemStatus.list({}), /code: 10003, msg: invalid param/);
});

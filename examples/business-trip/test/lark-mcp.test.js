// The official Lark MCP server (@larksuiteoapi/lark-mcp) pointed at sysstatus by --domain, driven
// over stdio by the MCP SDK's client the way an AI agent's host drives it: each of its six
// system status tools, checked against what sysstatus holds afterwards.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startSysstatus } from 'sysstatus';
import { ACME, T0, HOUR } from './calendar.js';

const TOOLS = ['create', 'list', 'patch', 'delete', 'batchOpen', 'batchClose'].map((name) => `personal_settings.v1.systemStatus.${name}`);
const larkMcpCli = join(dirname(createRequire(import.meta.url).resolve('@larksuiteoapi/lark-mcp/package.json')), 'dist/cli.js');

let sysstatus;
let tenant;
let mcp;
before(async () => {
  sysstatus = await startSysstatus({ seed: { tenants: [] }, frozenAt: T0 });
  tenant = await sysstatus.tenant(ACME);
  const { appId, appSecret, domain } = tenant.larkOptions();
  mcp = new Client({ name: 'sysstatus-example', version: '1.0.0' });
  await mcp.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [larkMcpCli, 'mcp', '--app-id', appId, '--app-secret', appSecret, '--domain', domain, '--token-mode', 'tenant_access_token', '--tools', TOOLS.join(',')],
      stderr: 'ignore',
    }),
  );
});
after(async () => {
  await mcp?.close();
  await sysstatus?.close();
});

/** Calls a tool and answers the platform's data it returned as JSON text. */
async function call(tool, args) {
  const answer = await mcp.callTool({ name: tool.replaceAll('.', '_'), arguments: args });
  assert.equal(answer.isError ?? false, false, `${tool} failed: ${answer.content[0]?.text}`);
  return JSON.parse(answer.content[0].text);
}

test('lark-mcp lists the six system status tools', async () => {
  const { tools } = await mcp.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOLS.map((tool) => tool.replaceAll('.', '_')).sort());
});

test('each tool reaches sysstatus: create, list, patch, batch_open, batch_close, delete', async () => {
  const created = await call('personal_settings.v1.systemStatus.create', {
    data: { title: '出差', icon_key: 'GeneralBusinessTrip', color: 'BLUE', priority: 1 },
  });
  const id = created.system_status.system_status_id;

  const listed = await call('personal_settings.v1.systemStatus.list', { params: { page_size: 20 } });
  assert.deepEqual(listed.items.map((item) => item.title), ['出差']);

  const patched = await call('personal_settings.v1.systemStatus.patch', {
    path: { system_status_id: id },
    data: { system_status: { title: '出差中', icon_key: 'GeneralBusinessTrip' }, update_fields: ['TITLE'] },
  });
  assert.equal(patched.system_status.title, '出差中');

  const endTime = (T0 + 8 * HOUR) / 1000;
  const opened = await call('personal_settings.v1.systemStatus.batchOpen', {
    path: { system_status_id: id },
    // lark-mcp's schema takes end_time as a string (an int64 in the platform's metadata).
    data: { user_list: [{ user_id: tenant.openId('ann'), end_time: String(endTime) }] },
  });
  assert.equal(opened.result_list[0].result, 'success_show');
  assert.equal((await tenant.userStatus('ann')).shown?.title, '出差中');

  const closed = await call('personal_settings.v1.systemStatus.batchClose', {
    path: { system_status_id: id },
    data: { user_list: [tenant.openId('ann')] },
  });
  assert.equal(closed.result_list[0].result, 'success');
  assert.equal((await tenant.userStatus('ann')).shown, null);

  await call('personal_settings.v1.systemStatus.delete', { path: { system_status_id: id } });
  assert.deepEqual(await tenant.systemStatuses(), []);

  // Every call went through sysstatus's gateway, after one token request for the app.
  const apis = (await tenant.journal.find()).map((entry) => entry.api).reverse();
  assert.deepEqual(apis, ['tenant_access_token', 'create', 'list', 'patch', 'batch_open', 'batch_close', 'delete']);
  assert.equal(await sysstatus.journal.count({ api: 'tenant_access_token', app_id: tenant.app.app_id, code: 0 }), 1);
});

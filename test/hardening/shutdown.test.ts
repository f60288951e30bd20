// Graceful shutdown of a real process: on SIGTERM it stops accepting connections, finishes the
// request in flight (whose body is still arriving), closes the store cleanly and exits 0; the
// request's change is there after a restart.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer } from '../../scripts/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sysstatus-shutdown-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const APP = { app_id: 'cli_shutdown000000001', app_secret: 'shutdown-secret' };
const TENANT = '5d5d5d5d5d5d5d5d';
const seedFile = join(dir, 'seed.json');
writeFileSync(
  seedFile,
  JSON.stringify({
    tenants: [{ tenant_key: TENANT, name: 'Shutdown', apps: [{ ...APP, scopes: ['personal_settings:status:system_status_operate', 'personal_settings:status:system_status_update', 'contact:user.employee_id:readonly'] }], users: [{ user_id: 'u1' }], system_statuses: [{ title: 'busy', icon_key: 'Coffee', priority: 0 }] }],
  }),
);

/** Reads one HTTP response (Content-Length framed) from a raw socket. */
function readResponse(socket: Socket): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const onData = (chunk: Buffer) => {
      data += chunk.toString();
      const split = data.indexOf('\r\n\r\n');
      if (split < 0) return;
      const head = data.slice(0, split);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (Buffer.byteLength(data.slice(split + 4)) >= length) {
        socket.off('data', onData);
        resolve({ head, body: data.slice(split + 4) });
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`closed after: ${data}`)));
  });
}

test('SIGTERM: no new connections, the request in flight completes, the store closes, exit 0', async (t) => {
  const dataDir = join(dir, 'data');
  const server = await startServer({ dataDir, seedFile, logLevel: 'info' });
  t.after(() => server.child.kill('SIGKILL'));
  const { port } = new URL(server.url);
  const token = ((await (await fetch(`${server.url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(APP) })).json()) as { tenant_access_token: string }).tenant_access_token;
  const list = (await (await fetch(`${server.url}/open-apis/personal_settings/v1/system_statuses`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { items: { system_status_id: string }[] } };
  const statusId = list.data.items[0].system_status_id;
  const endTime = Math.floor(Date.now() / 1000) + 3600;

  // A batch_open whose body is only half sent when SIGTERM arrives.
  const body = JSON.stringify({ user_list: [{ user_id: 'u1', end_time: endTime }] });
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST /open-apis/personal_settings/v1/system_statuses/${statusId}/batch_open?user_id_type=user_id HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
  );
  const answer = readResponse(socket);
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the server read the headers
  server.child.kill('SIGTERM');
  await server.waitFor(/shutting down/);

  // The listener closes while the request is still in flight: new connections are refused.
  let refused = '';
  for (let attempt = 0; attempt < 200 && refused !== 'ECONNREFUSED'; attempt++) {
    refused = await new Promise<string>((resolve) => {
      const probe = connect(Number(port), '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        setTimeout(() => resolve('connected'), 25);
      });
      probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
  }
  assert.equal(refused, 'ECONNREFUSED');
  assert.equal(server.child.exitCode, null, 'the server is still running: it waits for the request in flight');

  // The request in flight still completes.
  socket.write(body.slice(10));
  const { head, body: responseBody } = await answer;
  assert.match(head, /^HTTP\/1.1 200/, responseBody);
  const parsed = JSON.parse(responseBody) as { code: number; data: { result_list: { result: string }[] } };
  assert.equal(parsed.code, 0, responseBody);
  assert.equal(parsed.data.result_list[0].result, 'success_show');
  socket.destroy();

  assert.equal(await server.exited, 0, server.output());
  // A cleanly closed SQLite database has checkpointed and removed its write-ahead log.
  assert.ok(existsSync(join(dataDir, 'sysstatus.sqlite')));
  assert.ok(!existsSync(join(dataDir, 'sysstatus.sqlite-wal')), 'the WAL is left behind: the store was not closed');

  const restarted = await startServer({ dataDir, seedFile });
  try {
    const view = (await (await fetch(`${restarted.url}/_sysstatus/tenants/${TENANT}/users/u1/status`)).json()) as { shown: { end_time: number } | null };
    assert.equal(view.shown?.end_time, endTime, 'the batch answered during shutdown is stored');
  } finally {
    restarted.child.kill('SIGTERM');
    assert.equal(await restarted.exited, 0);
  }
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { createStore } from '../../../../src/store/create-store.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sysstatus-checkpoint-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const file = join(dataDir, 'sysstatus.sqlite');

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

test('the WAL is copied into the database file by the worker, not by the connection that commits', async () => {
  const store = await createStore({ dataDir });
  const probe = new SqliteDatabase(file, { readonly: true });
  try {
    // Far beyond what the server's own connection would checkpoint at (10,000 pages): only the worker can have done it.
    assert.equal(probe.pragma('wal_autocheckpoint', { simple: true }), 1000);
    const before = statSync(file).size;
    await store.insertTenant({ tenant_key: 'wal-tenant', name: 'W', api_permission: true, created_at: 0 });
    const users = Array.from({ length: 20_000 }, (_, i) => ({
      tenant_key: 'wal-tenant',
      user_id: `u${String(i).padStart(6, '0')}`,
      name: `User ${i} ${'x'.repeat(40)}`,
      resigned: false,
      created_at: 0,
    }));
    await store.transaction((tx) => tx.insertUsers(users));
    const grewBy = () => statSync(file).size - before;
    assert.ok(await waitFor(() => grewBy() > 1_000_000), `the database file grew by only ${grewBy()} bytes`);
  } finally {
    probe.close();
    await store.close();
  }
  // The last connection to close (the worker's) checkpoints the rest and removes the log.
  assert.equal(existsSync(`${file}-wal`), false);
  const reopened = await createStore({ dataDir });
  assert.equal((await reopened.listUsers('wal-tenant', { limit: 100_000 })).length, 20_000);
  await reopened.close();
});

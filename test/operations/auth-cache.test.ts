import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthCache } from '../../src/operations/auth-cache.js';
import type { AccessTokenRecord, AppRecord, Store, TenantRecord } from '../../src/store/store.js';

/** A store of two tenants with one app and one token each, counting its reads. */
function countingStore() {
  const reads: string[] = [];
  const tenant = (key: string): TenantRecord => ({ tenant_key: key, name: key, api_permission: true, created_at: 0 });
  const app = (id: string, key: string) => ({ app_id: id, tenant_key: key }) as AppRecord;
  const token = (digest: string, id: string, key: string) => ({ token_digest: digest, app_id: id, tenant_key: key }) as AccessTokenRecord;
  const apps: Record<string, AppRecord> = { a1: app('a1', 't1'), a2: app('a2', 't2') };
  const tokens: Record<string, AccessTokenRecord> = { d1: token('d1', 'a1', 't1'), d2: token('d2', 'a2', 't2') };
  const store = {
    getTenant: async (key: string) => (reads.push(`tenant ${key}`), tenant(key)),
    getApp: async (id: string) => (reads.push(`app ${id}`), apps[id]),
    getAccessToken: async (digest: string) => (reads.push(`token ${digest}`), tokens[digest]),
  } as unknown as Store;
  return { store, reads };
}

const touchAll = async (cache: AuthCache) => {
  for (const [digest, app, tenant] of [['d1', 'a1', 't1'], ['d2', 'a2', 't2']]) {
    await cache.token(digest);
    await cache.app(app);
    await cache.tenant(tenant);
  }
};

/** What the cache reads again, once warm, after `forget`. */
async function readsAfter(forget: (cache: AuthCache) => void): Promise<string[]> {
  const { store, reads } = countingStore();
  const cache = new AuthCache(store);
  await touchAll(cache);
  reads.length = 0;
  forget(cache);
  await touchAll(cache);
  return reads;
}

test('forgetting a tenant reads again its row, its apps and their tokens, and nothing of other tenants', async () => {
  assert.deepEqual(await readsAfter((cache) => cache.forgetTenant('t1')), ['token d1', 'app a1', 'tenant t1']);
});

test('forgetting an app reads again that app and its tokens only', async () => {
  assert.deepEqual(await readsAfter((cache) => cache.forgetApp('a2')), ['token d2', 'app a2']);
});

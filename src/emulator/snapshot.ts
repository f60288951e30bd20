// Export and import of the whole stored state. Both run in one transaction: an export is a
// consistent picture, an import replaces everything or nothing.
import { Compile } from 'typebox/compile';
import type { Services } from '../operations/context.js';
import { applyPendingSyncOff } from '../operations/pending-sync-off.js';
import type { StoredOpen, StoreReader, StoreTransaction } from '../store/store.js';
import { Snapshot, type SnapshotTenant } from './snapshot-schema.js';

const checkSnapshot = Compile(Snapshot);
const PAGE = 1000;

export class SnapshotError extends Error {}

async function allUsers(tx: StoreReader, tenantKey: string) {
  const users = [];
  let after: string | undefined;
  for (;;) {
    const page = await tx.listUsers(tenantKey, { after, limit: PAGE });
    users.push(...page);
    if (page.length < PAGE) return users;
    after = page[page.length - 1].user_id;
  }
}

async function exportTenant(tx: StoreTransaction, tenant: Awaited<ReturnType<StoreReader['listTenants']>>[number]): Promise<SnapshotTenant> {
  const key = tenant.tenant_key;
  const apps = [];
  for (const app of await tx.listApps(key)) {
    apps.push({
      app_id: app.app_id,
      name: app.name,
      app_secret_digest: app.app_secret_digest,
      type: app.type,
      developer: app.developer,
      scopes: [...app.scopes],
      contact_scope: app.contact_scope_all ? ('all' as const) : await tx.listAppContactUsers(app.app_id),
      created_at: app.created_at,
    });
  }
  const users = await allUsers(tx, key);
  const statuses = await tx.listSystemStatuses(key);
  // Whole-tenant reads (not one per chunk of users), arranged in the order snapshots have always had:
  // toggles by status, then user; opens by user, then status.
  const toggles = new Map<string, Map<string, boolean>>();
  for (const toggle of await tx.tenantSyncPreferences(key)) {
    const ofStatus = toggles.get(toggle.system_status_id) ?? toggles.set(toggle.system_status_id, new Map()).get(toggle.system_status_id)!;
    ofStatus.set(toggle.user_id, toggle.sync_on);
  }
  const sync_preferences = [];
  for (const status of statuses) {
    const ofStatus = toggles.get(status.system_status_id) ?? new Map<string, boolean>();
    for (const userId of [...ofStatus.keys()].sort()) {
      sync_preferences.push({ user_id: userId, system_status_id: status.system_status_id, sync_on: ofStatus.get(userId)! });
    }
  }
  const byUser = new Map<string, StoredOpen[]>();
  for (const open of await tx.tenantOpens(key)) {
    const list = byUser.get(open.user_id);
    if (list) list.push(open);
    else byUser.set(open.user_id, [open]);
  }
  const opens = [];
  for (const { user_id } of users) {
    const list = (byUser.get(user_id) ?? []).sort((a, b) => a.system_status_id.localeCompare(b.system_status_id));
    for (const { sync_on: _derived, ...open } of list) opens.push(open);
  }
  return {
    tenant_key: key,
    name: tenant.name,
    api_permission: tenant.api_permission,
    created_at: tenant.created_at,
    apps,
    users: users.map(({ tenant_key: _tenant, ...user }) => user),
    system_statuses: statuses,
    sync_preferences,
    opens,
    pending_sync_off: await tx.listPendingSyncOff(key),
  };
}

export async function exportSnapshot(services: Services): Promise<Snapshot> {
  return services.store.transaction(async (tx) => {
    const tenants = [];
    for (const tenant of await tx.listTenants()) tenants.push(await exportTenant(tx, tenant));
    return { format: 'sysstatus-snapshot', version: 1, tenants, access_tokens: await tx.listAccessTokens() };
  });
}

/** Shape errors, listed the way a person can fix them. */
export function parseSnapshot(document: unknown): Snapshot {
  if (!checkSnapshot.Check(document)) {
    const problems = [...checkSnapshot.Errors(document)].slice(0, 5).map((issue) => `${issue.instancePath || '/'} ${issue.message}`);
    throw new SnapshotError(`not a sysstatus snapshot: ${problems.join('; ')}`);
  }
  return document;
}

/** Replaces every stored row with the snapshot's. */
export async function importSnapshot(services: Services, snapshot: Snapshot): Promise<void> {
  const now = services.clock.now();
  await services.store.transaction(async (tx) => {
    for (const tenant of await tx.listTenants()) await tx.deleteTenant(tenant.tenant_key);
    for (const tenant of snapshot.tenants) {
      const key = tenant.tenant_key;
      await tx.insertTenant({ tenant_key: key, name: tenant.name, api_permission: tenant.api_permission, created_at: tenant.created_at });
      await tx.insertUsers(tenant.users.map((user) => ({ ...user, tenant_key: key })));
      for (const { contact_scope, ...app } of tenant.apps) await tx.insertApp({ ...app, tenant_key: key }, contact_scope);
      for (const pending of tenant.pending_sync_off ?? []) await tx.addPendingSyncOff(key, pending.user_id, pending.title);
      // Statuses the import creates take their pending titles; the snapshot's own toggles come after and win.
      for (const status of tenant.system_statuses) {
        await tx.insertSystemStatus(key, status, now);
        await applyPendingSyncOff(tx, key, status);
      }
      for (const preference of tenant.sync_preferences) {
        await tx.setSyncPreference(key, preference.user_id, preference.system_status_id, preference.sync_on);
      }
      // sync_on is derived on read from the preferences above; writeOpens does not store it.
      await tx.writeOpens(key, tenant.opens.map((open) => ({ ...open, sync_on: open.open_by_default })));
    }
    const apps = new Set(snapshot.tenants.flatMap((tenant) => tenant.apps.map((app) => app.app_id)));
    for (const token of snapshot.access_tokens) {
      if (!apps.has(token.app_id)) throw new SnapshotError(`access token of unknown app ${token.app_id}`);
      await tx.insertAccessToken(token);
    }
  });
  services.auth.clear();
  await services.store.refreshStatistics();
}

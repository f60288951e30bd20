// How the control API shows stored records: one shape per resource, shared by every route.
import { deriveOpenId, deriveUnionId } from '../domain/identifiers.js';
import { type OpenView, statusView, type UserStatusView } from '../operations/user-status-view.js';
import type { AppRecord, ContactScope, StoreReader, TenantRecord, UserRecord } from '../store/store.js';

export interface AppView {
  app_id: string;
  tenant_key: string;
  name: string;
  type: string;
  developer: string;
  scopes: string[];
  contact_scope: ContactScope;
  created_at: number;
  /** Emulator mode only, and only when the emulator saw the secret (seed or create call). */
  app_secret?: string;
}

export interface UserView {
  user_id: string;
  name: string;
  resigned: boolean;
  shown: UserStatusView['shown'];
  open: OpenView[];
}

/** The tenant as the control API lists it: its stored record, nothing more (the console reads it as that type). */
export const tenantView = (tenant: TenantRecord): TenantRecord => ({
  tenant_key: tenant.tenant_key,
  name: tenant.name,
  api_permission: tenant.api_permission,
  created_at: tenant.created_at,
});

export async function appView(store: StoreReader, app: AppRecord, secret?: string): Promise<AppView> {
  return {
    app_id: app.app_id,
    tenant_key: app.tenant_key,
    name: app.name,
    type: app.type,
    developer: app.developer,
    scopes: [...app.scopes],
    contact_scope: app.contact_scope_all ? 'all' : await store.listAppContactUsers(app.app_id),
    created_at: app.created_at,
    ...(secret !== undefined ? { app_secret: secret } : {}),
  };
}

/** The IDs each app (open_id) and developer (union_id) of the tenant knows the user by. */
export function userIds(apps: readonly AppRecord[], tenantKey: string, userId: string) {
  const open_ids: Record<string, string> = {};
  const union_ids: Record<string, string> = {};
  for (const app of apps) {
    open_ids[app.app_id] = deriveOpenId(app.app_id, tenantKey, userId);
    union_ids[app.developer] = deriveUnionId(app.developer, tenantKey, userId);
  }
  return { open_ids, union_ids };
}

/** Users with what their client shows now and their active opens (highest priority first). */
export async function userViews(store: StoreReader, tenantKey: string, users: readonly UserRecord[], nowMs: number): Promise<UserView[]> {
  const nowSeconds = Math.floor(nowMs / 1000);
  const opens = await store.userOpens(
    tenantKey,
    users.map((user) => user.user_id),
  );
  return users.map((user) => ({
    user_id: user.user_id,
    name: user.name,
    resigned: user.resigned,
    ...statusView(opens.get(user.user_id) ?? [], nowSeconds),
  }));
}

/** A user as one control call shows them: what the client shows and the IDs each app knows. */
export async function userView(store: StoreReader, user: UserRecord, nowMs: number) {
  const [shown] = await userViews(store, user.tenant_key, [user], nowMs);
  return { ...shown, ...userIds(await store.listApps(user.tenant_key), user.tenant_key, user.user_id) };
}

/** The answer to a tenant's creation: its credentials (the one answer with secrets in production mode) and IDs. */
export async function createdTenantView(store: StoreReader, created: { tenant_key: string; apps: { app_id: string; app_secret: string }[] }) {
  const tenantKey = created.tenant_key;
  const tenant = (await store.getTenant(tenantKey))!;
  const apps = await store.listApps(tenantKey);
  const secrets = new Map(created.apps.map((app) => [app.app_id, app.app_secret]));
  const users = await store.listUsers(tenantKey);
  return {
    ...tenantView(tenant),
    apps: await Promise.all(apps.map((app) => appView(store, app, secrets.get(app.app_id)))),
    users: users.map((user) => ({ user_id: user.user_id, name: user.name, resigned: user.resigned, ...userIds(apps, tenantKey, user.user_id) })),
    system_statuses: await store.listSystemStatuses(tenantKey),
    pending_sync_off: await store.listPendingSyncOff(tenantKey),
  };
}

/** A tenant, its apps (secrets as the vault reveals them) and how much it holds. */
export async function tenantDescription(store: StoreReader, tenant: TenantRecord, reveal: (app: AppRecord) => string | undefined) {
  const apps = await store.listApps(tenant.tenant_key);
  const users = await store.listUsers(tenant.tenant_key);
  const statuses = await store.listSystemStatuses(tenant.tenant_key);
  return {
    ...tenantView(tenant),
    apps: await Promise.all(apps.map((app) => appView(store, app, reveal(app)))),
    counts: { apps: apps.length, users: users.length, resigned_users: users.filter((user) => user.resigned).length, system_statuses: statuses.length },
    // A typo in a seed's sync_off stays visible here instead of failing the start.
    pending_sync_off: await store.listPendingSyncOff(tenant.tenant_key),
  };
}

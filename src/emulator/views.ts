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

// Table shapes shared by both engines. Booleans are 0/1 integers and JSON is text, so the
// same rows and the same migrations work on SQLite and PostgreSQL.

export interface TenantsTable {
  tenant_key: string;
  name: string;
  api_permission: number;
  created_at: number;
}

export interface AppsTable {
  app_id: string;
  tenant_key: string;
  name: string;
  app_secret_digest: string;
  type: string;
  developer: string;
  /** JSON array of granted scopes. */
  scopes: string;
  /** 1 when the contact scope is the whole tenant; else app_contact_users lists it. */
  contact_scope_all: number;
  created_at: number;
}

export interface AppContactUsersTable {
  app_id: string;
  user_id: string;
}

export interface UsersTable {
  tenant_key: string;
  user_id: string;
  name: string;
  resigned: number;
  created_at: number;
}

/** Reverse index of derived open_ids / union_ids. */
export interface UserIdsTable {
  id_value: string;
  id_type: string;
  tenant_key: string;
  user_id: string;
  /** open_id: the app it belongs to; union_id: the developer. */
  owner: string;
}

export interface AccessTokensTable {
  token_digest: string;
  kind: string;
  app_id: string;
  tenant_key: string;
  nonce: string;
  issued_at: number;
  expires_at: number;
}

export interface SystemStatusesTable {
  system_status_id: string;
  tenant_key: string;
  title: string;
  i18n_title: string | null;
  icon_key: string;
  color: string;
  priority: number;
  sync_setting: string;
  created_at: number;
  updated_at: number;
}

/** One row per name (title or i18n title): the unique key makes duplicate names impossible under races. */
export interface SystemStatusNamesTable {
  tenant_key: string;
  name: string;
  system_status_id: string;
}

export interface UserSyncPreferencesTable {
  tenant_key: string;
  user_id: string;
  system_status_id: string;
  sync_on: number;
}

/** An open status of a user, with the definition it was opened with. */
export interface UserSystemStatusesTable {
  tenant_key: string;
  user_id: string;
  system_status_id: string;
  end_time: number;
  opened_at: number;
  title: string;
  i18n_title: string | null;
  icon_key: string;
  color: string;
  priority: number;
  open_by_default: number;
}

/** A seed's sync_off title that no status of the tenant has yet (see PendingSyncOff). */
export interface PendingSyncOffTable {
  tenant_key: string;
  user_id: string;
  title: string;
}

export interface Database {
  tenants: TenantsTable;
  apps: AppsTable;
  app_contact_users: AppContactUsersTable;
  users: UsersTable;
  user_ids: UserIdsTable;
  access_tokens: AccessTokensTable;
  system_statuses: SystemStatusesTable;
  system_status_names: SystemStatusNamesTable;
  user_sync_preferences: UserSyncPreferencesTable;
  user_system_statuses: UserSystemStatusesTable;
  pending_sync_off: PendingSyncOffTable;
}

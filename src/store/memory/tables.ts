// The embedded engine's live state: every table of schema.ts held in memory, with the indexes
// the Store's reads need. Rows are kept in their domain shape (booleans, parsed JSON) so reads
// convert nothing; the SQL shape exists only where rows cross into the database (log, fold, load).
import type { AppType, Color, I18nText, IconKey } from '../../domain/enums.js';
import type { SyncSetting, SystemStatus } from '../../domain/system-status.js';
import type { UserStatusOpen } from '../../domain/user-status.js';
import type { Database } from '../schema.js';
import type { AccessTokenRecord, AppRecord, TenantRecord, UserRecord } from '../store.js';

/** A status as stored: the definition with its tenant and times. */
export type StatusRow = SystemStatus & { tenant_key: string; created_at: number; updated_at: number };

/** A user's open as stored: sync_on is not kept with it (the user's toggle resolves it on read). */
export type OpenRow = Omit<UserStatusOpen, 'sync_on'> & { tenant_key: string; user_id: string };

export interface UserIdRow {
  id_value: string;
  id_type: 'open_id' | 'union_id';
  tenant_key: string;
  user_id: string;
  owner: string;
}

/** One table's rows as the database stores them. */
export interface TableCodec<R> {
  readonly name: keyof Database;
  /** Columns of the primary key, then the rest: the order of values in a log record. */
  readonly columns: readonly string[];
  readonly keyColumns: number;
  toSql(row: R): unknown[];
  fromSql(values: readonly unknown[]): R;
}

/**
 * SQLite hands every row's text over as a new string, so a million rows would each hold their own
 * copy of the same tenant key, app id or status definition. Columns with few distinct values are
 * loaded through an intern table: the same text gives the same (never changed) value.
 */
function internTable<V>(make: (text: string) => V): (value: unknown) => V {
  const known = new Map<string, V>();
  return (value) => {
    const text = String(value);
    let found = known.get(text);
    if (found === undefined) {
      found = make(text);
      // Bounded: an unusual data folder must not turn this into a second copy of everything.
      if (known.size < 65_536) known.set(text, found);
    }
    return found;
  };
}
const shared = internTable((text) => text);
const sharedI18n = internTable((text) => JSON.parse(text) as I18nText);

const int = (value: boolean) => (value ? 1 : 0);
const bool = (value: unknown) => Number(value) === 1;
const num = (value: unknown) => Number(value);
// Rows are never changed in place, and opens share their status's i18n_title object: its JSON is made once.
const jsonOfObject = new WeakMap<object, string>();
const json = (value: unknown): string | null => {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  let text = jsonOfObject.get(value);
  if (text === undefined) jsonOfObject.set(value, (text = JSON.stringify(value)));
  return text;
};
const parsed = <T>(value: unknown): T | undefined => (value === null || value === undefined ? undefined : (JSON.parse(String(value)) as T));
const parsedShared = (value: unknown): I18nText | undefined => (value === null || value === undefined ? undefined : sharedI18n(value));

function codec<R>(name: keyof Database, columns: string[], keyColumns: number, toSql: (row: R) => unknown[], fromSql: (v: readonly unknown[]) => R): TableCodec<R> {
  return { name, columns, keyColumns, toSql, fromSql };
}

export const tenantsCodec = codec<TenantRecord>(
  'tenants',
  ['tenant_key', 'name', 'api_permission', 'created_at'],
  1,
  (r) => [r.tenant_key, r.name, int(r.api_permission), r.created_at],
  (v) => ({ tenant_key: String(v[0]), name: String(v[1]), api_permission: bool(v[2]), created_at: num(v[3]) }),
);

export const appsCodec = codec<AppRecord>(
  'apps',
  ['app_id', 'tenant_key', 'name', 'app_secret_digest', 'type', 'developer', 'scopes', 'contact_scope_all', 'created_at'],
  1,
  (r) => [r.app_id, r.tenant_key, r.name, r.app_secret_digest, r.type, r.developer, JSON.stringify(r.scopes), int(r.contact_scope_all), r.created_at],
  (v) => ({
    app_id: String(v[0]),
    tenant_key: String(v[1]),
    name: String(v[2]),
    app_secret_digest: String(v[3]),
    type: String(v[4]) as AppType,
    developer: String(v[5]),
    scopes: JSON.parse(String(v[6])) as string[],
    contact_scope_all: bool(v[7]),
    created_at: num(v[8]),
  }),
);

export const contactUsersCodec = codec<{ app_id: string; user_id: string }>(
  'app_contact_users',
  ['app_id', 'user_id'],
  2,
  (r) => [r.app_id, r.user_id],
  (v) => ({ app_id: shared(v[0]), user_id: String(v[1]) }),
);

export const usersCodec = codec<UserRecord>(
  'users',
  ['tenant_key', 'user_id', 'name', 'resigned', 'created_at'],
  2,
  (r) => [r.tenant_key, r.user_id, r.name, int(r.resigned), r.created_at],
  (v) => ({ tenant_key: shared(v[0]), user_id: String(v[1]), name: String(v[2]), resigned: bool(v[3]), created_at: num(v[4]) }),
);

export const userIdsCodec = codec<UserIdRow>(
  'user_ids',
  ['id_value', 'id_type', 'tenant_key', 'user_id', 'owner'],
  1,
  (r) => [r.id_value, r.id_type, r.tenant_key, r.user_id, r.owner],
  (v) => ({ id_value: String(v[0]), id_type: shared(v[1]) as UserIdRow['id_type'], tenant_key: shared(v[2]), user_id: String(v[3]), owner: shared(v[4]) }),
);

export const tokensCodec = codec<AccessTokenRecord>(
  'access_tokens',
  ['token_digest', 'kind', 'app_id', 'tenant_key', 'nonce', 'issued_at', 'expires_at'],
  1,
  (r) => [r.token_digest, r.kind, r.app_id, r.tenant_key, r.nonce, r.issued_at, r.expires_at],
  (v) => ({
    token_digest: String(v[0]),
    kind: String(v[1]) as AccessTokenRecord['kind'],
    app_id: String(v[2]),
    tenant_key: String(v[3]),
    nonce: String(v[4]),
    issued_at: num(v[5]),
    expires_at: num(v[6]),
  }),
);

export const statusesCodec = codec<StatusRow>(
  'system_statuses',
  ['system_status_id', 'tenant_key', 'title', 'i18n_title', 'icon_key', 'color', 'priority', 'sync_setting', 'created_at', 'updated_at'],
  1,
  (r) => [r.system_status_id, r.tenant_key, r.title, json(r.i18n_title), r.icon_key, r.color, r.priority, JSON.stringify(r.sync_setting), r.created_at, r.updated_at],
  (v) => {
    const i18n = parsed<I18nText>(v[3]);
    return {
      system_status_id: shared(v[0]),
      tenant_key: shared(v[1]),
      title: String(v[2]),
      ...(i18n ? { i18n_title: i18n } : {}),
      icon_key: String(v[4]) as IconKey,
      color: String(v[5]) as Color,
      priority: num(v[6]),
      sync_setting: JSON.parse(String(v[7])) as SyncSetting,
      created_at: num(v[8]),
      updated_at: num(v[9]),
    };
  },
);

export const namesCodec = codec<{ tenant_key: string; name: string; system_status_id: string }>(
  'system_status_names',
  ['tenant_key', 'name', 'system_status_id'],
  2,
  (r) => [r.tenant_key, r.name, r.system_status_id],
  (v) => ({ tenant_key: String(v[0]), name: String(v[1]), system_status_id: String(v[2]) }),
);

export const preferencesCodec = codec<{ tenant_key: string; user_id: string; system_status_id: string; sync_on: boolean }>(
  'user_sync_preferences',
  ['tenant_key', 'user_id', 'system_status_id', 'sync_on'],
  3,
  (r) => [r.tenant_key, r.user_id, r.system_status_id, int(r.sync_on)],
  (v) => ({ tenant_key: shared(v[0]), user_id: String(v[1]), system_status_id: shared(v[2]), sync_on: bool(v[3]) }),
);

export const opensCodec = codec<OpenRow>(
  'user_system_statuses',
  ['tenant_key', 'user_id', 'system_status_id', 'end_time', 'opened_at', 'title', 'i18n_title', 'icon_key', 'color', 'priority', 'open_by_default'],
  3,
  (r) => [r.tenant_key, r.user_id, r.system_status_id, r.end_time, r.opened_at, r.title, json(r.i18n_title), r.icon_key, r.color, r.priority, int(r.open_by_default)],
  // The same shape as memory-store's openRow: i18n_title always present.
  (v) => ({
    tenant_key: shared(v[0]),
    user_id: String(v[1]),
    system_status_id: shared(v[2]),
    end_time: num(v[3]),
    opened_at: num(v[4]),
    title: shared(v[5]),
    i18n_title: parsedShared(v[6]),
    icon_key: shared(v[7]) as IconKey,
    color: shared(v[8]) as Color,
    priority: num(v[9]),
    open_by_default: bool(v[10]),
  }),
);

export const pendingSyncOffCodec = codec<{ tenant_key: string; user_id: string; title: string }>(
  'pending_sync_off',
  ['tenant_key', 'user_id', 'title'],
  3,
  (r) => [r.tenant_key, r.user_id, r.title],
  (v) => ({ tenant_key: String(v[0]), user_id: String(v[1]), title: String(v[2]) }),
);

/** Every table, in dependency order (a load inserts in this order). Index = the table's number in log records. */
export const CODECS = [
  tenantsCodec,
  appsCodec,
  contactUsersCodec,
  usersCodec,
  userIdsCodec,
  tokensCodec,
  statusesCodec,
  namesCodec,
  preferencesCodec,
  opensCodec,
  pendingSyncOffCodec,
] as const;

/** A table's number in CODECS, which log records name it by. */
export const tableNumber = (codec: TableCodec<any>): number => (CODECS as readonly TableCodec<any>[]).indexOf(codec);

/** Text in the order SQLite's BINARY collation (UTF-8 bytes, i.e. code points) sorts it. */
export function compareText(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP character in code point order.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;
    else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    else if (y >= 0xe000) y -= 0x800;
    return x - y;
  }
  return a.length - b.length;
}

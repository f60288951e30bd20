// The Store over the in-memory state. Transactions run one at a time; each records the row
// images it wrote (for the durable log) and how to undo them (for a rollback). What makes the
// state durable comes in through a ChangeSink (the SQLite engine's log); without one, as with
// --memory, the state lives as long as the process.
import type { UserIdType } from '../../domain/enums.js';
import { deriveOpenId, deriveUnionId } from '../../domain/identifiers.js';
import type { SystemStatus, SystemStatusDefinition } from '../../domain/system-status.js';
import { isStorableText, statusNames } from '../../domain/system-status.js';
import type { ResolvedUser } from '../../domain/user-resolution.js';
import type { UserState } from '../../domain/batch-open.js';
import { type OpenRank, outranksBy, type UserStatusOpen } from '../../domain/user-status.js';
import {
  type AccessTokenRecord,
  type AppRecord,
  ConflictError,
  type ContactScope,
  OpenEndsByStatus,
  type PendingSyncOff,
  type SavedState,
  type Store,
  type StoreDump,
  type StoreReader,
  type StoredOpen,
  type StoreTransaction,
  type TenantRecord,
  type TokenKind,
  type UserRecord,
} from '../store.js';
import { AppContactScope, type TenantUsers } from './compact-tables.js';
import { decodeState, encodeState } from './state-image.js';
import { MemoryState, type NestedTable, OPEN_STRIDE, type OpenDefinition, type OpenEntries, type TableState } from './state.js';
import { CODECS, compareText, type OpenRow, type StatusRow } from './tables.js';

/** One row image a transaction wrote: [table number, values in codec column order] or [table number, null, key]. */
export type RowChange = [number, unknown[]] | [number, null, unknown[]];

/**
 * Where committed changes go to become durable: each transaction's changes are staged as it
 * commits in memory (encoded there and then, so that its row images need not live until the
 * turn's write), and `append` makes everything staged since the last one durable as one write.
 * It returns once all are durable, or throws and none is. A staging that throws keeps nothing of
 * that transaction.
 */
export interface ChangeSink {
  stage(changes: readonly RowChange[]): void;
  append(): void;
  close(): Promise<void>;
  /** Told how to know that every change in memory is durable (the sink may then read the state). */
  foldWhen?(settled: () => boolean): void;
  /** Keeps the state's image where it costs no memory (beside the database), if the sink has such a place. */
  saveImage?(state: MemoryState): { read(): { bytes: Buffer; id: string } } | undefined;
}

class ForeignKeyError extends Error {
  constructor(what: string) {
    super(`FOREIGN KEY constraint failed: ${what}`);
  }
}

/**
 * What a transaction did, in order: the images for the log until they are staged, and for a
 * rollback each write's table with the row it replaced, or the row it added. Kept until the turn's
 * append: only what a rollback needs stays alive that long.
 */
class Recorder {
  changes: RowChange[] = [];
  private readonly undo: unknown[] = [];

  wrote<R>(table: TableState<R>, row: R, previous: R | undefined) {
    if (previous === undefined) this.undo.push(table, row, true);
    else this.undo.push(table, previous, false);
  }

  rollBack() {
    for (let i = this.undo.length - 3; i >= 0; i -= 3) {
      const table = this.undo[i] as TableState<unknown>;
      const row = this.undo[i + 1];
      if (this.undo[i + 2]) table.remove(table.key(row));
      else table.put(row);
    }
  }
}

function toStoredOpen(row: OpenRow, syncOn: boolean | undefined): StoredOpen {
  return storedOpen(row.user_id, row, row.end_time, row.opened_at, syncOn ?? row.open_by_default);
}

// Two literals instead of a spread: i18n_title keeps its place in the key order (answers show
// it), and each literal has one shape.
function storedOpen(user_id: string, definition: OpenDefinition, end_time: number, opened_at: number, sync_on: boolean): StoredOpen {
  const { system_status_id, title, i18n_title, icon_key, color, priority, open_by_default } = definition;
  return i18n_title
    ? { user_id, system_status_id, end_time, opened_at, title, i18n_title, icon_key, color, priority, open_by_default, sync_on }
    : { user_id, system_status_id, end_time, opened_at, title, icon_key, color, priority, open_by_default, sync_on };
}

/** ranksAbove for two entries of a user's opens. */
function outranks(entries: OpenEntries, at: number, best: number): boolean {
  return outranksBy((entries[at] as OpenDefinition).priority, entries[at + 2] as number, (entries[best] as OpenDefinition).priority, entries[best + 2] as number);
}

/** The open's sync as the user has it: their toggle for its status, else the status's default. */
function syncOnOf(preferences: Map<string, { sync_on: boolean }> | undefined, definition: OpenDefinition): boolean {
  return preferences?.get(definition.system_status_id)?.sync_on ?? definition.open_by_default;
}

/** The rank of the open at `at` of a user's entries. */
function rankAt(entries: OpenEntries, at: number, sync_on: boolean): OpenRank {
  const definition = entries[at] as OpenDefinition;
  return { system_status_id: definition.system_status_id, end_time: entries[at + 1] as number, opened_at: entries[at + 2] as number, priority: definition.priority, sync_on };
}

/** outranks, with ties falling to the smaller status id (the order userOpens gives). */
function outranksInIdOrder(entries: OpenEntries, at: number, best: number): boolean {
  return (
    outranks(entries, at, best) ||
    (!outranks(entries, best, at) && compareText((entries[at] as OpenDefinition).system_status_id, (entries[best] as OpenDefinition).system_status_id) < 0)
  );
}

/** Every open row has the same shape (i18n_title present, if undefined), so reads of its fields stay monomorphic. */
function openRow(tenantKey: string, userId: string, open: Omit<UserStatusOpen, 'sync_on'>): OpenRow {
  return {
    tenant_key: tenantKey,
    user_id: userId,
    system_status_id: open.system_status_id,
    end_time: open.end_time,
    opened_at: open.opened_at,
    title: open.title,
    i18n_title: open.i18n_title,
    icon_key: open.icon_key,
    color: open.color,
    priority: open.priority,
    open_by_default: open.open_by_default,
  };
}

function toSystemStatus(row: StatusRow): SystemStatus {
  return {
    system_status_id: row.system_status_id,
    title: row.title,
    ...(row.i18n_title ? { i18n_title: row.i18n_title } : {}),
    icon_key: row.icon_key,
    color: row.color,
    priority: row.priority,
    sync_setting: row.sync_setting,
  };
}

const copy = <T extends object>(row: T): T => ({ ...row });
const INVALID: ResolvedUser = Object.freeze({ kind: 'invalid' });
const OTHER_TENANT: ResolvedUser = Object.freeze({ kind: 'other_tenant' });
/** The scope of an app that sees nobody. */
const NOBODY = new AppContactScope(undefined);
/** A user the request may change, as the app sees them. */
function userOf(users: TenantUsers, slot: number, contactScope: AppContactScope | undefined): ResolvedUser {
  const user_id = users.userId(slot);
  return { kind: 'user', user_id, resigned: users.resigned(slot), visible: contactScope === undefined || contactScope.has(slot, user_id) };
}
const byText = <T>(key: (item: T) => string) => (a: T, b: T) => compareText(key(a), key(b));

export class MemoryRepository implements StoreTransaction {
  constructor(
    protected state: MemoryState,
    /** Undefined outside a transaction: such a repository only reads. */
    private readonly recorder?: Recorder,
  ) {}

  private put<R>(table: TableState<R>, row: R): void {
    const recorder = this.recorder;
    if (!recorder) throw new Error('memory store: a write outside a transaction');
    recorder.wrote(table, row, table.put(row));
    recorder.changes.push([table.index, table.codec.toSql(row)]);
  }

  private remove<R>(table: TableState<R>, key: readonly string[]): boolean {
    const recorder = this.recorder;
    if (!recorder) throw new Error('memory store: a write outside a transaction');
    const previous = table.get(key);
    if (!previous) return false;
    table.remove(key);
    // Undone by putting the previous row back.
    recorder.wrote(table, previous, previous);
    recorder.changes.push([table.index, null, [...key]]);
    return true;
  }

  // ---- tenants, apps, users --------------------------------------------------------------

  async getTenant(tenantKey: string) {
    if (!isStorableText(tenantKey)) return undefined;
    const row = this.state.tenants.get([tenantKey]);
    return row && copy(row);
  }

  async listTenants() {
    return [...this.state.tenants.rows()].sort((a, b) => a.created_at - b.created_at || compareText(a.tenant_key, b.tenant_key)).map(copy);
  }

  async insertTenant(tenant: TenantRecord) {
    if (this.state.tenants.get([tenant.tenant_key])) throw new ConflictError('primary_key');
    this.put(this.state.tenants, copy(tenant));
  }

  async updateTenant(tenantKey: string, changes: Partial<Pick<TenantRecord, 'name' | 'api_permission'>>) {
    const row = this.state.tenants.get([tenantKey]);
    if (!row || (changes.name === undefined && changes.api_permission === undefined)) return;
    this.put(this.state.tenants, {
      ...row,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.api_permission !== undefined ? { api_permission: changes.api_permission } : {}),
    });
  }

  async deleteTenant(tenantKey: string) {
    this.removeTenant(tenantKey);
  }

  private removeTenant(tenantKey: string) {
    const { state } = this;
    // What the database deletes by tenant or cascades from it: users with all they own, apps with
    // their contact users and tokens, statuses with their names.
    for (const userId of [...(state.users.of(tenantKey)?.userIds() ?? [])]) this.removeUser(tenantKey, userId);
    for (const app of [...(state.appsByTenant.get(tenantKey)?.values() ?? [])]) this.removeApp(app);
    for (const status of [...(state.statusesByTenant.get(tenantKey)?.values() ?? [])]) {
      this.removeNames(tenantKey, status.system_status_id);
      this.remove(state.statuses, [status.system_status_id]);
    }
    for (const token of [...state.tokens.rows()]) if (token.tenant_key === tenantKey) this.remove(state.tokens, [token.token_digest]);
    this.remove(state.tenants, [tenantKey]);
  }

  /** Every row of every table (the emulator's reset), including rows no tenant owns. */
  removeEverything() {
    for (const tenant of [...this.state.tenants.rows()]) this.removeTenant(tenant.tenant_key);
    for (const table of this.state.tables) for (const row of [...table.rows()]) this.remove(table, table.key(row));
  }

  /** Every row of another state written into this one, table by table (a saved state put back). */
  putEverything(from: MemoryState) {
    // Users first, as a load does: the rows that name a user share its user_id string.
    const users = this.state.users.index;
    for (const index of [users, ...[...from.tables.keys()].filter((other) => other !== users)]) {
      for (const row of from.tables[index].rows()) this.put(this.state.tables[index], row);
    }
  }

  async getApp(appId: string) {
    if (!isStorableText(appId)) return undefined;
    const row = this.state.apps.get([appId]);
    return row && { ...row, scopes: [...row.scopes] };
  }

  async listApps(tenantKey?: string) {
    const apps = tenantKey === undefined ? [...this.state.apps.rows()] : [...(this.state.appsByTenant.get(tenantKey)?.values() ?? [])];
    return apps.sort((a, b) => a.created_at - b.created_at || compareText(a.app_id, b.app_id)).map((app) => ({ ...app, scopes: [...app.scopes] }));
  }

  async listAppContactUsers(appId: string) {
    return [...this.state.contactUsers.seconds(appId)].sort(compareText);
  }

  async insertApp(app: Omit<AppRecord, 'contact_scope_all'>, contactScope: ContactScope) {
    const { state } = this;
    if (state.apps.get([app.app_id])) throw new ConflictError('primary_key');
    if (!state.tenants.get([app.tenant_key])) throw new ForeignKeyError(`apps.tenant_key ${app.tenant_key}`);
    const developerKnown = [...(state.appsByTenant.get(app.tenant_key)?.values() ?? [])].some((other) => other.developer === app.developer);
    this.put(state.apps, { ...app, scopes: [...app.scopes], contact_scope_all: contactScope === 'all' });
    if (contactScope !== 'all') this.writeContactUsers(app.app_id, contactScope);
    for (const user of state.users.of(app.tenant_key)?.rows() ?? []) {
      this.putId('open_id', deriveOpenId(app.app_id, user.tenant_key, user.user_id), user, app.app_id);
      if (!developerKnown) this.putId('union_id', deriveUnionId(app.developer, user.tenant_key, user.user_id), user, app.developer);
    }
  }

  private putId(type: 'open_id' | 'union_id', value: string, user: UserRecord, owner: string) {
    if (this.state.userIds.get([value])) throw new Error(`UNIQUE constraint failed: user_ids.id_value ${value}`);
    this.put(this.state.userIds, { id_value: value, id_type: type, tenant_key: user.tenant_key, user_id: user.user_id, owner });
  }

  private writeContactUsers(appId: string, userIds: readonly string[]) {
    for (const user_id of new Set(userIds)) this.put(this.state.contactUsers, { app_id: appId, user_id });
  }

  async updateApp(appId: string, changes: Partial<Pick<AppRecord, 'name' | 'scopes' | 'app_secret_digest'>>) {
    const row = this.state.apps.get([appId]);
    if (!row || Object.values(changes).every((value) => value === undefined)) return;
    this.put(this.state.apps, {
      ...row,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.scopes !== undefined ? { scopes: [...changes.scopes] } : {}),
      ...(changes.app_secret_digest !== undefined ? { app_secret_digest: changes.app_secret_digest } : {}),
    });
  }

  async setAppContactScope(appId: string, contactScope: ContactScope) {
    const row = this.state.apps.get([appId]);
    if (row) this.put(this.state.apps, { ...row, contact_scope_all: contactScope === 'all' });
    for (const userId of await this.listAppContactUsers(appId)) this.remove(this.state.contactUsers, [appId, userId]);
    if (contactScope !== 'all') {
      if (!row) throw new ForeignKeyError(`app_contact_users.app_id ${appId}`);
      this.writeContactUsers(appId, contactScope);
    }
  }

  /** The app and what the database cascades from it: contact users, tokens. */
  private removeApp(app: AppRecord) {
    for (const userId of [...this.state.contactUsers.seconds(app.app_id)]) {
      this.remove(this.state.contactUsers, [app.app_id, userId]);
    }
    for (const digest of [...(this.state.tokensByApp.get(app.app_id)?.keys() ?? [])]) this.remove(this.state.tokens, [digest]);
    this.remove(this.state.apps, [app.app_id]);
  }

  async deleteApp(appId: string) {
    const { state } = this;
    const app = state.apps.get([appId]);
    if (!app) return;
    for (const user of state.users.of(app.tenant_key)?.rows() ?? []) {
      this.removeOwnedId(deriveOpenId(appId, user.tenant_key, user.user_id), 'open_id', appId);
    }
    this.removeApp(app);
    const sameDeveloper = [...(state.appsByTenant.get(app.tenant_key)?.values() ?? [])].some((other) => other.developer === app.developer);
    if (!sameDeveloper) {
      for (const user of state.users.of(app.tenant_key)?.rows() ?? []) {
        this.removeOwnedId(deriveUnionId(app.developer, user.tenant_key, user.user_id), 'union_id', app.developer);
      }
    }
  }

  private removeOwnedId(value: string, type: 'open_id' | 'union_id', owner: string) {
    const row = this.state.userIds.get([value]);
    if (row && row.id_type === type && row.owner === owner) this.remove(this.state.userIds, [value]);
  }

  async getUser(tenantKey: string, userId: string) {
    if (!isStorableText(tenantKey) || !isStorableText(userId)) return undefined;
    return this.state.users.get([tenantKey, userId]);
  }

  async listUsers(tenantKey: string, options: { after?: string; limit?: number } = {}) {
    const users = this.state.users.of(tenantKey);
    if (!users) return [];
    return users.page(options.after, options.limit ?? Number.MAX_SAFE_INTEGER).map((userId) => users.get(userId)!);
  }

  async insertUsers(users: readonly UserRecord[]) {
    const { state } = this;
    for (const user of users) {
      if (state.users.get([user.tenant_key, user.user_id])) throw new ConflictError('primary_key');
      if (!state.tenants.get([user.tenant_key])) throw new ForeignKeyError(`users.tenant_key ${user.tenant_key}`);
      const record = copy(user);
      this.put(state.users, record);
      const apps = [...(state.appsByTenant.get(user.tenant_key)?.values() ?? [])];
      for (const app of apps) this.putId('open_id', deriveOpenId(app.app_id, user.tenant_key, user.user_id), record, app.app_id);
      for (const developer of new Set(apps.map((app) => app.developer))) {
        this.putId('union_id', deriveUnionId(developer, user.tenant_key, user.user_id), record, developer);
      }
    }
  }

  async updateUser(tenantKey: string, userId: string, changes: Partial<Pick<UserRecord, 'name' | 'resigned'>>) {
    const row = this.state.users.get([tenantKey, userId]);
    if (!row || (changes.name === undefined && changes.resigned === undefined)) return;
    this.put(this.state.users, {
      ...row,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.resigned !== undefined ? { resigned: changes.resigned } : {}),
    });
  }

  async deleteUser(tenantKey: string, userId: string) {
    this.removeUser(tenantKey, userId);
  }

  private removeUser(tenantKey: string, userId: string) {
    const { state } = this;
    for (const open of state.opens.of(tenantKey, userId)) this.remove(state.opens, [tenantKey, userId, open.system_status_id]);
    for (const table of [state.preferences, state.pendingSyncOff] as NestedTable<unknown>[]) {
      for (const last of [...(table.map.branch([tenantKey, userId])?.keys() ?? [])]) this.remove(table, [tenantKey, userId, last]);
    }
    const apps = [...(state.appsByTenant.get(tenantKey)?.values() ?? [])];
    for (const app of apps) {
      const value = deriveOpenId(app.app_id, tenantKey, userId);
      if (state.userIds.get([value])?.user_id === userId) this.remove(state.userIds, [value]);
      this.remove(state.contactUsers, [app.app_id, userId]);
    }
    for (const developer of new Set(apps.map((app) => app.developer))) {
      const value = deriveUnionId(developer, tenantKey, userId);
      if (state.userIds.get([value])?.user_id === userId) this.remove(state.userIds, [value]);
    }
    this.remove(state.users, [tenantKey, userId]);
  }

  async setSyncPreference(tenantKey: string, userId: string, systemStatusId: string, syncOn: boolean) {
    if (!this.state.users.get([tenantKey, userId])) throw new ForeignKeyError(`user_sync_preferences user ${userId}`);
    this.put(this.state.preferences, { tenant_key: tenantKey, user_id: userId, system_status_id: systemStatusId, sync_on: syncOn });
  }

  async listPendingSyncOff(tenantKey: string): Promise<PendingSyncOff[]> {
    return this.pendingOf(tenantKey, () => true);
  }

  private pendingOf(tenantKey: string, wanted: (title: string) => boolean): PendingSyncOff[] {
    const rows: PendingSyncOff[] = [];
    for (const [userId, titles] of (this.state.pendingSyncOff.map.branch([tenantKey]) ?? new Map()) as Map<string, Map<string, unknown>>) {
      for (const title of titles.keys()) if (wanted(title)) rows.push({ user_id: userId, title });
    }
    return rows.sort((a, b) => compareText(a.user_id, b.user_id) || compareText(a.title, b.title));
  }

  async addPendingSyncOff(tenantKey: string, userId: string, title: string) {
    if (!this.state.users.get([tenantKey, userId])) throw new ForeignKeyError(`pending_sync_off user ${userId}`);
    if (!this.state.pendingSyncOff.get([tenantKey, userId, title])) this.put(this.state.pendingSyncOff, { tenant_key: tenantKey, user_id: userId, title });
  }

  async takePendingSyncOff(tenantKey: string, names: readonly string[]) {
    const wanted = new Set(names);
    const taken = this.pendingOf(tenantKey, (title) => wanted.has(title));
    for (const row of taken) this.remove(this.state.pendingSyncOff, [tenantKey, row.user_id, row.title]);
    return taken;
  }

  // ---- tokens -----------------------------------------------------------------------------

  async getAccessToken(tokenDigest: string) {
    const row = this.state.tokens.get([tokenDigest]);
    return row && copy(row);
  }

  async listAccessTokens() {
    return [...this.state.tokens.rows()].sort((a, b) => a.issued_at - b.issued_at || compareText(a.token_digest, b.token_digest)).map(copy);
  }

  async latestAccessToken(appId: string, kind: TokenKind, validAt: number, issuedBy?: number) {
    let latest: AccessTokenRecord | undefined;
    for (const token of this.state.tokensByApp.get(appId)?.values() ?? []) {
      if (token.kind !== kind || token.expires_at <= validAt || (issuedBy !== undefined && token.issued_at > issuedBy)) continue;
      if (!latest || token.expires_at > latest.expires_at) latest = token;
    }
    return latest && copy(latest);
  }

  async insertAccessToken(token: AccessTokenRecord) {
    if (this.state.tokens.get([token.token_digest])) throw new ConflictError('primary_key');
    if (!this.state.apps.get([token.app_id])) throw new ForeignKeyError(`access_tokens.app_id ${token.app_id}`);
    this.put(this.state.tokens, copy(token));
  }

  async deleteExpiredAccessTokens(before: number) {
    let deleted = 0;
    for (const token of [...this.state.tokens.rows()]) {
      if (token.expires_at <= before && this.remove(this.state.tokens, [token.token_digest])) deleted++;
    }
    return deleted;
  }

  // ---- system statuses --------------------------------------------------------------------

  async getSystemStatus(tenantKey: string, systemStatusId: string) {
    const row = this.state.statuses.get([systemStatusId]);
    return row && row.tenant_key === tenantKey ? toSystemStatus(row) : undefined;
  }

  async listSystemStatuses(tenantKey: string, options: { after?: string; limit?: number } = {}) {
    const { after, limit = Number.MAX_SAFE_INTEGER } = options;
    // Ids are fixed-width decimal strings, so text order is creation order.
    return [...(this.state.statusesByTenant.get(tenantKey)?.values() ?? [])]
      .filter((row) => after === undefined || compareText(row.system_status_id, after) > 0)
      .sort(byText((row) => row.system_status_id))
      .slice(0, limit)
      .map(toSystemStatus);
  }

  /** The database's unique rules, in the order its statements meet them: the row's keys, then its names. */
  private checkStatus(tenantKey: string, systemStatusId: string, definition: SystemStatusDefinition, inserting: boolean) {
    if (inserting && this.state.statuses.get([systemStatusId])) throw new ConflictError('primary_key');
    for (const other of this.state.statusesByTenant.get(tenantKey)?.values() ?? []) {
      if (other.system_status_id !== systemStatusId && other.priority === definition.priority) throw new ConflictError('priority');
    }
    if (!Number.isInteger(definition.priority) || definition.priority < 0 || definition.priority > 9) {
      throw new Error('CHECK constraint failed: priority between 0 and 9');
    }
    for (const name of statusNames(definition)) {
      const holder = this.state.names.get([tenantKey, name]);
      if (holder && holder.system_status_id !== systemStatusId) throw new ConflictError('name');
    }
  }

  private writeStatus(tenantKey: string, systemStatusId: string, definition: SystemStatusDefinition, createdAt: number, now: number) {
    const { state } = this;
    this.put(state.statuses, {
      system_status_id: systemStatusId,
      tenant_key: tenantKey,
      title: definition.title,
      ...(definition.i18n_title ? { i18n_title: { ...definition.i18n_title } } : {}),
      icon_key: definition.icon_key,
      color: definition.color,
      priority: definition.priority,
      sync_setting: structuredClone(definition.sync_setting),
      created_at: createdAt,
      updated_at: now,
    });
    this.removeNames(tenantKey, systemStatusId);
    for (const name of statusNames(definition)) this.put(state.names, { tenant_key: tenantKey, name, system_status_id: systemStatusId });
  }

  private removeNames(tenantKey: string, systemStatusId: string) {
    for (const row of [...((this.state.names.map.branch([tenantKey])?.values() ?? []) as Iterable<{ name: string; system_status_id: string }>)]) {
      if (row.system_status_id === systemStatusId) this.remove(this.state.names, [tenantKey, row.name]);
    }
  }

  async insertSystemStatus(tenantKey: string, status: SystemStatus, now: number) {
    this.checkStatus(tenantKey, status.system_status_id, status, true);
    if (!this.state.tenants.get([tenantKey])) throw new ForeignKeyError(`system_statuses.tenant_key ${tenantKey}`);
    this.writeStatus(tenantKey, status.system_status_id, status, now, now);
  }

  async updateSystemStatus(tenantKey: string, systemStatusId: string, definition: SystemStatusDefinition, now: number) {
    const row = this.state.statuses.get([systemStatusId]);
    if (!row || row.tenant_key !== tenantKey) {
      if (statusNames(definition).length > 0) throw new ForeignKeyError(`system_status_names.system_status_id ${systemStatusId}`);
      return;
    }
    this.checkStatus(tenantKey, systemStatusId, definition, false);
    this.writeStatus(tenantKey, systemStatusId, definition, row.created_at, now);
  }

  async deleteSystemStatus(tenantKey: string, systemStatusId: string) {
    const { state } = this;
    const row = state.statuses.get([systemStatusId]);
    // Status ids are unique across tenants, so its names are in its own tenant.
    if (row) this.removeNames(row.tenant_key, systemStatusId);
    for (const [userId, preferences] of (state.preferences.map.branch([tenantKey]) ?? new Map()) as Map<string, Map<string, unknown>>) {
      if (preferences.has(systemStatusId)) this.remove(state.preferences, [tenantKey, userId, systemStatusId]);
    }
    if (!row || row.tenant_key !== tenantKey) return false;
    return this.remove(state.statuses, [systemStatusId]);
  }

  // ---- users' statuses --------------------------------------------------------------------

  async resolveUserIds(app: AppRecord, userIdType: UserIdType, ids: readonly string[]) {
    const { state } = this;
    const resolved = new Map<string, ResolvedUser>();
    // Unstorable IDs first, then the others in the order first named (as the SQL engines answer).
    for (const id of ids) if (!isStorableText(id)) resolved.set(id, INVALID);
    const tenantUsers = state.users.of(app.tenant_key);
    const contactScope = app.contact_scope_all ? undefined : (state.contactUsers.scope(app.app_id) ?? NOBODY);
    const owner = userIdType === 'open_id' ? app.app_id : app.developer;
    for (const id of ids) {
      if (resolved.has(id)) continue;
      let slot: number | null | undefined;
      if (userIdType === 'user_id') slot = tenantUsers?.slotOf(id);
      // Another app's open_id (or another developer's union_id) of this tenant names nobody here.
      else if (tenantUsers) slot = state.userIds.userSlotOf(id, userIdType, tenantUsers, owner);
      else slot = state.userIds.userOf(id, userIdType, app.tenant_key, owner) === null ? null : undefined;
      if (slot === null) {
        resolved.set(id, OTHER_TENANT);
        continue;
      }
      resolved.set(id, slot === undefined ? INVALID : userOf(tenantUsers!, slot, contactScope));
    }
    return resolved;
  }

  private preferencesOf(tenantKey: string, userId: string): Map<string, { sync_on: boolean }> | undefined {
    return this.state.preferences.map.root.get(tenantKey)?.get(userId);
  }

  private storedOpens(tenantKey: string, userId: string): StoredOpen[] {
    const opens = this.state.opens.of(tenantKey, userId);
    if (opens.length === 0) return [];
    const preferences = this.preferencesOf(tenantKey, userId);
    return opens
      .sort(byText((open) => open.system_status_id))
      .map((open) => toStoredOpen(open, preferences?.get(open.system_status_id)?.sync_on));
  }

  async userOpens(tenantKey: string, userIds: readonly string[]) {
    const byUser = new Map<string, StoredOpen[]>();
    for (const userId of userIds) {
      const opens = this.storedOpens(tenantKey, userId);
      if (opens.length > 0) byUser.set(userId, opens);
    }
    return byUser;
  }

  async tenantOpens(tenantKey: string) {
    const users = this.state.opens.byTenant.get(tenantKey);
    if (!users) return [];
    return [...users.keys()].sort(compareText).flatMap((userId) => this.storedOpens(tenantKey, userId));
  }

  async tenantOpenEnds(tenantKey: string, afterSeconds: number) {
    const ends = new OpenEndsByStatus();
    for (const [userId, entries] of this.state.opens.byTenant.get(tenantKey) ?? []) {
      for (let at = 0; at < entries.length; at += OPEN_STRIDE) {
        const endTime = entries[at + 1] as number;
        if (endTime > afterSeconds) ends.add((entries[at] as OpenDefinition).system_status_id, userId, endTime);
      }
    }
    return ends.list();
  }

  async tenantSyncPreferences(tenantKey: string) {
    const users = this.state.preferences.map.branch([tenantKey]);
    if (!users) return [];
    const rows: { user_id: string; system_status_id: string; sync_on: boolean }[] = [];
    for (const userId of [...(users.keys() as Iterable<string>)].sort(compareText)) {
      for (const preference of [...this.preferencesOf(tenantKey, userId)!.values()] as { system_status_id: string; sync_on: boolean }[]) {
        rows.push({ user_id: userId, system_status_id: preference.system_status_id, sync_on: preference.sync_on });
      }
    }
    return rows;
  }

  async batchOpenStates(tenantKey: string, systemStatusId: string, userIds: readonly string[], nowSeconds: number) {
    const states = new Map<string, UserState>();
    const byUser = this.state.opens.byTenant.get(tenantKey);
    // The stored opens share their status's id string: compared as the same string, not by content.
    const statusId = this.state.statuses.map.lookup(systemStatusId)?.system_status_id ?? systemStatusId;
    const preferencesByUser = this.state.preferences.map.root.get(tenantKey) as Map<string, Map<string, { sync_on: boolean }>> | undefined;
    for (const userId of userIds) {
      const preferences = preferencesByUser?.get(userId);
      const entries = byUser?.get(userId);
      // Of the other statuses only the open that would be shown matters to ranking; it keeps its
      // place before or after this status's open, so that ties fall as over all of them. A user's
      // sync toggles are looked up only for an open that would outrank the best so far.
      let own = -1;
      let best = -1;
      let bestPriority = 0;
      let bestOpenedAt = 0;
      let active = false;
      if (entries) {
        for (let at = 0; at < entries.length; at += OPEN_STRIDE) {
          if ((entries[at + 1] as number) <= nowSeconds) continue;
          active = true;
          const definition = entries[at] as OpenDefinition;
          if (definition.system_status_id === statusId) {
            own = at;
            continue;
          }
          const openedAt = entries[at + 2] as number;
          if (best >= 0 && !outranksBy(definition.priority, openedAt, bestPriority, bestOpenedAt)) continue;
          if (!syncOnOf(preferences, definition)) continue;
          best = at;
          bestPriority = definition.priority;
          bestOpenedAt = openedAt;
        }
      }
      const preference = preferences?.get(statusId);
      // A user with no active open (sync off ones count) and no toggle of this status is left out.
      if (!active && preference === undefined) continue;
      const open = own < 0 ? undefined : storedOpen(userId, entries![own] as OpenDefinition, entries![own + 1] as number, entries![own + 2] as number, syncOnOf(preferences, entries![own] as OpenDefinition));
      const rank = best < 0 ? undefined : rankAt(entries!, best, true);
      // Arrays of their exact length: a push onto [] reserves 17 slots, for every user of a batch.
      let ranked: OpenRank[];
      if (!rank) ranked = open ? [open] : [];
      else if (!open) ranked = [rank];
      else ranked = best < own ? [rank, open] : [open, rank];
      // One literal, every field: fields added later would go to a properties store of their own.
      const state: UserState = { opens: ranked, open, sync_preference: preference?.sync_on };
      states.set(userId, state);
    }
    return states;
  }

  async batchCloseOpens(tenantKey: string, systemStatusId: string, userIds: readonly string[], nowSeconds: number) {
    const byUser = new Map<string, OpenRank[]>();
    const opensByUser = this.state.opens.byTenant.get(tenantKey);
    if (!opensByUser) return byUser;
    const preferencesByUser = this.state.preferences.map.root.get(tenantKey) as Map<string, Map<string, { sync_on: boolean }>> | undefined;
    for (const userId of userIds) {
      const entries = opensByUser.get(userId);
      if (!entries) continue;
      const preferences = preferencesByUser?.get(userId);
      let own = -1;
      let best = -1;
      for (let at = 0; at < entries.length; at += OPEN_STRIDE) {
        const definition = entries[at] as OpenDefinition;
        if (definition.system_status_id === systemStatusId) own = at;
        // The other open that would be shown; on a tie the smaller status id, first in userOpens' order.
        else if ((entries[at + 1] as number) > nowSeconds && syncOnOf(preferences, definition) && (best < 0 || outranksInIdOrder(entries, at, best))) best = at;
      }
      if (own < 0 && best < 0) continue;
      const ownRank = own < 0 ? undefined : rankAt(entries, own, syncOnOf(preferences, entries[own] as OpenDefinition));
      const bestRank = best < 0 ? undefined : rankAt(entries, best, syncOnOf(preferences, entries[best] as OpenDefinition));
      // Arrays of their exact length, as in batchOpenStates.
      let ranks: OpenRank[];
      if (!bestRank) ranks = [ownRank!];
      else if (!ownRank) ranks = [bestRank];
      else ranks = compareText((entries[best] as OpenDefinition).system_status_id, systemStatusId) < 0 ? [bestRank, ownRank] : [ownRank, bestRank];
      byUser.set(userId, ranks);
    }
    return byUser;
  }

  async syncPreferences(tenantKey: string, systemStatusId: string, userIds: readonly string[]) {
    const preferences = new Map<string, boolean>();
    for (const userId of userIds) {
      const preference = this.preferencesOf(tenantKey, userId)?.get(systemStatusId);
      if (preference) preferences.set(userId, preference.sync_on);
    }
    return preferences;
  }

  async writeOpens(tenantKey: string, opens: readonly StoredOpen[]) {
    const { state } = this;
    const users = state.users.of(tenantKey);
    for (const open of opens) {
      // A user with opens is stored (removing a user removes their opens): only a first open looks the user up.
      if (state.opens.entries(tenantKey, open.user_id) === undefined && users?.slotOf(open.user_id) === undefined) {
        throw new ForeignKeyError(`user_system_statuses user ${open.user_id}`);
      }
      this.put(state.opens, openRow(tenantKey, open.user_id, open));
    }
  }

  async deleteOpens(tenantKey: string, systemStatusId: string, userIds: readonly string[]) {
    for (const userId of userIds) this.remove(this.state.opens, [tenantKey, userId, systemStatusId]);
  }

  // One writer at a time already: every transaction has the rows to itself.
  async lockUsers() {}

  // One writer at a time here too: reading the tenant is all a lock needs.
  lockTenant(tenantKey: string) {
    return this.getTenant(tenantKey);
  }
}

type WriterMethod = {
  [K in keyof StoreTransaction]: K extends `insert${string}` | `update${string}` | `delete${string}` | `set${string}` | 'writeOpens' | 'addPendingSyncOff' | 'takePendingSyncOff' ? K : never;
}[keyof StoreTransaction];

const WRITERS: WriterMethod[] = [
  'insertTenant',
  'updateTenant',
  'deleteTenant',
  'insertApp',
  'updateApp',
  'setAppContactScope',
  'deleteApp',
  'insertUsers',
  'updateUser',
  'deleteUser',
  'setSyncPreference',
  'insertAccessToken',
  'deleteExpiredAccessTokens',
  'insertSystemStatus',
  'updateSystemStatus',
  'deleteSystemStatus',
  'writeOpens',
  'deleteOpens',
  'addPendingSyncOff',
  'takePendingSyncOff',
];

/** Transactions that committed in memory during one turn of the event loop, awaiting one durable append. */
interface CommitGroup {
  recorders: Recorder[];
  written: Promise<void>;
  settle: (error?: unknown) => void;
}

/** Every reader method, typed so that a reader added to the interface cannot be left out here. */
const READERS: Record<keyof StoreReader, true> = {
  getTenant: true,
  listTenants: true,
  getApp: true,
  listApps: true,
  listAppContactUsers: true,
  getUser: true,
  listUsers: true,
  getAccessToken: true,
  listAccessTokens: true,
  latestAccessToken: true,
  getSystemStatus: true,
  listSystemStatuses: true,
  resolveUserIds: true,
  userOpens: true,
  batchCloseOpens: true,
  batchOpenStates: true,
  syncPreferences: true,
  tenantOpens: true,
  tenantOpenEnds: true,
  tenantSyncPreferences: true,
  listPendingSyncOff: true,
};

/**
 * The embedded engine's store: reads answer from memory; each transaction (and each write made
 * outside one, which is a transaction of its own) is handed to the sink before it counts as
 * committed. Group commit: the transactions of one turn of the event loop run one after another
 * in memory and are appended together once the turn's requests are handled, so a busy server
 * makes one durable write per turn, not one per request. None of them returns before that write,
 * and if it fails all of them are rolled back. A read outside a transaction waits until none is
 * running or awaiting its write, so no answer shows a change that is not (yet) durable.
 */
export class MemoryStore extends MemoryRepository implements Store {
  readonly engine = 'sqlite' as const;
  private running: Promise<void> | undefined;
  private group: CommitGroup | undefined;

  constructor(
    state: MemoryState,
    private readonly sink: ChangeSink | undefined,
  ) {
    super(state);
    // A write outside a transaction is one of its own.
    for (const method of WRITERS) {
      (this as any)[method] = (...args: unknown[]) => this.transaction((tx) => (tx as any)[method](...args));
    }
    if (!sink) return;
    sink.foldWhen?.(() => this.running === undefined && this.group === undefined);
    for (const method of [...(Object.keys(READERS) as (keyof StoreReader)[]), 'dump' as const]) {
      const read = (this as any)[method].bind(this) as (...args: unknown[]) => Promise<unknown>;
      (this as any)[method] = (...args: unknown[]) => (this.running || this.group ? this.settled().then(() => read(...args)) : read(...args));
    }
  }

  /** Once no transaction is running and none awaits its durable write. */
  private async settled(): Promise<void> {
    for (;;) {
      if (this.running) await this.running;
      else if (this.group) await this.group.written.catch(() => {});
      else return;
    }
  }

  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    while (this.running) await this.running;
    let release!: () => void;
    this.running = new Promise((resolve) => (release = resolve));
    const recorder = new Recorder();
    let result: T;
    try {
      result = await work(new MemoryRepository(this.state, recorder));
    } catch (error) {
      recorder.rollBack();
      throw error;
    } finally {
      this.running = undefined;
      release();
    }
    if (recorder.changes.length > 0 && this.sink) await this.joinGroup(recorder);
    return result;
  }

  /** Hands the transaction's changes to the sink now and joins the turn's group, made durable by one append. */
  private joinGroup(recorder: Recorder): Promise<void> {
    try {
      this.sink!.stage(recorder.changes);
    } catch (error) {
      recorder.rollBack();
      throw error;
    }
    recorder.changes = [];
    if (!this.group) {
      let settle!: (error?: unknown) => void;
      const written = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))));
      this.group = { recorders: [], written, settle };
      // After the I/O callbacks of this turn: every request they started has committed in memory by then.
      setImmediate(() => this.writeGroup());
    }
    this.group.recorders.push(recorder);
    return this.group.written;
  }

  private writeGroup() {
    const group = this.group!;
    this.group = undefined;
    try {
      this.sink!.append();
      group.settle();
    } catch (error) {
      // Later transactions built on earlier ones: undo them newest first.
      for (let i = group.recorders.length - 1; i >= 0; i--) group.recorders[i].rollBack();
      group.settle(error);
    }
  }

  async clear() {
    await this.transaction(async (tx) => (tx as unknown as MemoryRepository).removeEverything());
  }

  /**
   * The state's image (memory/state-image.ts): beside the database where the sink keeps it there,
   * else as bytes off the JS heap; no second set of row objects either way. Putting it back is
   * one transaction that removes every row and writes the saved ones, durable like any other.
   */
  async saveState(): Promise<SavedState> {
    await this.settled();
    let kept = this.sink?.saveImage?.(this.state);
    if (!kept) {
      const bytes = encodeState(this.state, 'saved');
      kept = { read: () => ({ bytes, id: 'saved' }) };
    }
    const image = kept;
    return {
      restore: async (tokens) => {
        const { bytes, id } = image.read();
        const saved = decodeState(bytes, id);
        await this.transaction(async (tx) => {
          const repository = tx as unknown as MemoryRepository;
          repository.removeEverything();
          repository.putEverything(saved);
          for (const token of tokens) await repository.insertAccessToken(token);
        });
      },
    };
  }

  async dump(): Promise<StoreDump> {
    const out: StoreDump = {};
    for (const table of this.state.tables) {
      const { codec } = table;
      const rows = [...table.rows()].map((row) => codec.toSql(row));
      rows.sort((a, b) => {
        for (let i = 0; i < codec.keyColumns; i++) {
          const order = compareText(String(a[i]), String(b[i]));
          if (order !== 0) return order;
        }
        return 0;
      });
      const names = codec.columns.map((name, index) => [name, index] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out[codec.name] = rows.map((values) => Object.fromEntries(names.map(([name, index]) => [name, values[index]])));
    }
    // The dump lists tables in the same order as the SQL engines' dump.
    return Object.fromEntries(DUMP_ORDER.map((name) => [name, out[name]]));
  }

  async ping() {}

  async refreshStatistics() {}

  async close() {
    await this.settled();
    // Whatever still holds the store fails from now on, as it would with a closed database.
    this.state = CLOSED;
    await this.sink?.close();
  }
}

const CLOSED = new Proxy({} as MemoryState, {
  get() {
    throw new TypeError('The database connection is not open');
  },
});

const DUMP_ORDER = CODECS.map((codec) => codec.name);

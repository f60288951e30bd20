// The store interface: everything sysstatus keeps, behind one small surface that each
// engine (SQLite, PostgreSQL) serves. Callers never see SQL or a driver.
import type { AppType, UserIdType } from '../domain/enums.js';
import type { SystemStatus, SystemStatusDefinition } from '../domain/system-status.js';
import type { ResolvedUser } from '../domain/user-resolution.js';
import type { OpenRank, UserStatusOpen } from '../domain/user-status.js';
import type { UserState } from '../domain/batch-open.js';

export interface TenantRecord {
  tenant_key: string;
  name: string;
  api_permission: boolean;
  created_at: number;
}

export interface AppRecord {
  app_id: string;
  tenant_key: string;
  name: string;
  app_secret_digest: string;
  type: AppType;
  developer: string;
  scopes: string[];
  /** True when the app may see every user of the tenant; else listAppContactUsers says whom. */
  contact_scope_all: boolean;
  created_at: number;
}

/** 'all', or the user_ids an app may see. */
export type ContactScope = 'all' | string[];

export interface UserRecord {
  tenant_key: string;
  user_id: string;
  name: string;
  resigned: boolean;
  created_at: number;
}

export type TokenKind = 'tenant' | 'app';

export interface AccessTokenRecord {
  token_digest: string;
  kind: TokenKind;
  app_id: string;
  tenant_key: string;
  nonce: string;
  issued_at: number;
  expires_at: number;
}

/** A user's open of one status, with the user's sync toggle resolved. */
export interface StoredOpen extends UserStatusOpen {
  user_id: string;
}

/** When the opens of one status end (Unix seconds), user by user: columns, not an object per open. */
export interface StatusOpenEnds {
  system_status_id: string;
  user_ids: string[];
  end_times: number[];
}

/** Collects open ends into StatusOpenEnds, one per status (both engines' tenantOpenEnds). */
export class OpenEndsByStatus {
  private readonly byStatus = new Map<string, StatusOpenEnds>();

  add(systemStatusId: string, userId: string, endTime: number): void {
    let ends = this.byStatus.get(systemStatusId);
    if (!ends) this.byStatus.set(systemStatusId, (ends = { system_status_id: systemStatusId, user_ids: [], end_times: [] }));
    ends.user_ids.push(userId);
    ends.end_times.push(endTime);
  }

  list(): StatusOpenEnds[] {
    return [...this.byStatus.values()];
  }
}

/**
 * A user's sync_off (from a seed) naming a title, or an i18n title, that no status of the tenant
 * has yet: it turns the user's sync off for the status created with that name, whatever creates it.
 */
export interface PendingSyncOff {
  user_id: string;
  title: string;
}

/** A unique key the database refused: which rule it protects. */
export class ConflictError extends Error {
  constructor(readonly rule: 'name' | 'priority' | 'primary_key') {
    super(`conflict on ${rule}`);
  }
}

/**
 * The database cannot be reached, is too slow, or kept refusing a transaction for transient
 * reasons (connection lost, timeouts, repeated deadlocks). Nothing of the failed transaction was
 * committed, unless the connection broke during COMMIT itself (then its outcome is unknown).
 * Rendered as a 503 on every surface (src/http/errors/failure.ts reads it as "unavailable").
 */
export class StoreUnavailableError extends Error {
  readonly code = 'SYSSTATUS_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface StoreReader {
  getTenant(tenantKey: string): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;
  getApp(appId: string): Promise<AppRecord | undefined>;
  listApps(tenantKey?: string): Promise<AppRecord[]>;
  listAppContactUsers(appId: string): Promise<string[]>;
  getUser(tenantKey: string, userId: string): Promise<UserRecord | undefined>;
  /** A page of a tenant's users in user_id order. */
  listUsers(tenantKey: string, options?: { after?: string; limit?: number }): Promise<UserRecord[]>;
  getAccessToken(tokenDigest: string): Promise<AccessTokenRecord | undefined>;
  /** Every stored token (snapshots and the emulator's reset keep them). */
  listAccessTokens(): Promise<AccessTokenRecord[]>;
  /**
   * The newest token of that kind for the app that is still valid at `validAt` and, when
   * `issuedBy` is given, was issued at or before it (the clock may have been moved back).
   */
  latestAccessToken(appId: string, kind: TokenKind, validAt: number, issuedBy?: number): Promise<AccessTokenRecord | undefined>;

  getSystemStatus(tenantKey: string, systemStatusId: string): Promise<SystemStatus | undefined>;
  /** The tenant's statuses in creation (id) order, optionally after an id. */
  listSystemStatuses(tenantKey: string, options?: { after?: string; limit?: number }): Promise<SystemStatus[]>;

  /** Resolves the IDs a batch request names, as seen by `app`. */
  resolveUserIds(app: AppRecord, userIdType: UserIdType, ids: readonly string[]): Promise<Map<string, ResolvedUser>>;
  /** Every stored open of these users (active or expired), with sync toggles resolved. */
  userOpens(tenantKey: string, userIds: readonly string[]): Promise<Map<string, StoredOpen[]>>;
  /**
   * What a batch_close of `systemStatusId` needs of these users' opens (domain's opensForClose of
   * userOpens: the status's open, active or expired, and the other open that would be shown at
   * `nowSeconds`, in userOpens' order), as ranks; users with neither may be left out.
   */
  batchCloseOpens(tenantKey: string, systemStatusId: string, userIds: readonly string[], nowSeconds: number): Promise<Map<string, OpenRank[]>>;
  /**
   * What batch_open needs of these users in one round trip: their opens still active at
   * `nowSeconds` (sync toggles resolved; other statuses' only as far as ranking needs, this
   * status's in full) and their explicit sync toggle for `systemStatusId`. Users with neither are absent.
   */
  batchOpenStates(tenantKey: string, systemStatusId: string, userIds: readonly string[], nowSeconds: number): Promise<Map<string, UserState>>;
  /** Explicit sync toggles the users set for one status. */
  syncPreferences(tenantKey: string, systemStatusId: string, userIds: readonly string[]): Promise<Map<string, boolean>>;
  /** Every stored open of the tenant (active or expired), sync toggles resolved: one read, for snapshots and indexes. */
  tenantOpens(tenantKey: string): Promise<StoredOpen[]>;
  /** The opens of the tenant that end after `afterSeconds`, by status, in no order: one light read, for the expiry index. */
  tenantOpenEnds(tenantKey: string, afterSeconds: number): Promise<StatusOpenEnds[]>;
  /** Every explicit sync toggle of the tenant: one read, for snapshots. */
  tenantSyncPreferences(tenantKey: string): Promise<{ user_id: string; system_status_id: string; sync_on: boolean }[]>;
  /** The tenant's pending sync_off titles, by user_id then title. */
  listPendingSyncOff(tenantKey: string): Promise<PendingSyncOff[]>;
}

export interface StoreWriter {
  insertTenant(tenant: TenantRecord): Promise<void>;
  updateTenant(tenantKey: string, changes: Partial<Pick<TenantRecord, 'name' | 'api_permission'>>): Promise<void>;
  deleteTenant(tenantKey: string): Promise<void>;
  /** Inserts the app and the open_ids / union_ids of the tenant's users for it. */
  insertApp(app: Omit<AppRecord, 'contact_scope_all'>, contactScope: ContactScope): Promise<void>;
  updateApp(appId: string, changes: Partial<Pick<AppRecord, 'name' | 'scopes' | 'app_secret_digest'>>): Promise<void>;
  setAppContactScope(appId: string, contactScope: ContactScope): Promise<void>;
  deleteApp(appId: string): Promise<void>;
  /** Inserts users and their open_ids / union_ids for every app of the tenant. */
  insertUsers(users: readonly UserRecord[]): Promise<void>;
  updateUser(tenantKey: string, userId: string, changes: Partial<Pick<UserRecord, 'name' | 'resigned'>>): Promise<void>;
  deleteUser(tenantKey: string, userId: string): Promise<void>;
  setSyncPreference(tenantKey: string, userId: string, systemStatusId: string, syncOn: boolean): Promise<void>;
  /** Records a pending sync_off title for the user; recording it again changes nothing. */
  addPendingSyncOff(tenantKey: string, userId: string, title: string): Promise<void>;
  /** Removes and answers the pending sync_off titles among `names` (a new status's), by user_id then title. */
  takePendingSyncOff(tenantKey: string, names: readonly string[]): Promise<PendingSyncOff[]>;

  insertAccessToken(token: AccessTokenRecord): Promise<void>;
  deleteExpiredAccessTokens(before: number): Promise<number>;

  /** Throws ConflictError('name' | 'priority') when the database refuses the row. */
  insertSystemStatus(tenantKey: string, status: SystemStatus, now: number): Promise<void>;
  updateSystemStatus(tenantKey: string, systemStatusId: string, definition: SystemStatusDefinition, now: number): Promise<void>;
  deleteSystemStatus(tenantKey: string, systemStatusId: string): Promise<boolean>;

  /**
   * Upserts the users' opens of one status (rows in the given, stable order). Like deleteOpens and
   * lockUsers, it may take effect only with the transaction's next statement or its commit, and a
   * failure may surface there: no caller reads anything of these three but their effect.
   */
  writeOpens(tenantKey: string, opens: readonly StoredOpen[]): Promise<void>;
  deleteOpens(tenantKey: string, systemStatusId: string, userIds: readonly string[]): Promise<void>;
}

export interface StoreTransaction extends StoreReader, StoreWriter {
  /**
   * Takes the users' row locks, in an order of the store's own that is the same for every batch,
   * so that concurrent batches on the same users serialise instead of interleaving (and cannot
   * deadlock). A no-op where the engine already runs one writer at a time. The locks are held
   * before the transaction's next statement runs (PostgreSQL sends them with it).
   */
  lockUsers(tenantKey: string, userIds: readonly string[]): Promise<void>;
  /**
   * Reads the tenant and holds its row's write lock until the transaction ends, so that changes
   * of one tenant's apps and users serialise (an app and a user created at once would otherwise
   * each miss the other, and the user would have no open_id for the app).
   */
  lockTenant(tenantKey: string): Promise<TenantRecord | undefined>;
}

/** The whole stored state, kept by the store that saved it to be put back later (Store.saveState). */
export interface SavedState {
  /** Replaces every stored row with the saved ones, plus `tokens`, in one transaction. */
  restore(tokens: readonly AccessTokenRecord[]): Promise<void>;
}

/** Every row of every table, each table sorted by its key: two dumps are equal iff the states are. */
export type StoreDump = Record<string, Record<string, unknown>[]>;

export interface Store extends StoreReader, StoreWriter {
  readonly engine: 'sqlite' | 'postgres';
  /** The whole state, engine-neutral (numbers as numbers), for tests and diagnostics. */
  dump(): Promise<StoreDump>;
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Deletes every row (the emulator's reset). */
  clear(): Promise<void>;
  /**
   * The whole state as it is now, to be put back later (the emulator's start state), where the
   * engine keeps a cheap copy of it (the embedded engine: its state image). Engines without one
   * leave it out, and the caller exports a snapshot instead.
   */
  saveState?(): Promise<SavedState>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  /** After a bulk load (an import, a reset): lets the planner see the new data instead of waiting for it. */
  refreshStatistics(): Promise<void>;
  close(): Promise<void>;
}

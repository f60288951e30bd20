// The store over Kysely, shared by both engines. What differs between SQLite and PostgreSQL
// (drivers, error codes, row locks) comes in through EngineDialect; nothing here asks which
// database it runs on.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppType, Color, I18nText, IconKey, UserIdType } from '../domain/enums.js';
import { deriveOpenId, deriveUnionId } from '../domain/identifiers.js';
import type { SyncSetting, SystemStatus, SystemStatusDefinition } from '../domain/system-status.js';
import { isStorableText, statusNames } from '../domain/system-status.js';
import type { ResolvedUser } from '../domain/user-resolution.js';
import type { UserState } from '../domain/batch-open.js';
import { opensForClose } from '../domain/batch-close.js';
import type { OpenRank } from '../domain/user-status.js';
import { CompiledShapes } from './compiled-shapes.js';
import type { Database, SystemStatusesTable, UserSystemStatusesTable } from './schema.js';
import type {
  AccessTokenRecord,
  AppRecord,
  ContactScope,
  PendingSyncOff,
  Store,
  StoreTransaction,
  StoredOpen,
  StoreDump,
  TenantRecord,
  TokenKind,
  UserRecord,
} from './store.js';
import { ConflictError, OpenEndsByStatus } from './store.js';

export interface EngineDialect {
  readonly name: Store['engine'];
  /** True where a failed statement aborts the rest of its transaction (PostgreSQL). */
  readonly errorAbortsTransaction: boolean;
  /** Maps a driver error to the rule it broke, or undefined when it is not a unique violation. */
  conflictRule(error: unknown): ConflictError['rule'] | undefined;
  /** Locks the users' rows in the order given, or does nothing where writers are already serial. */
  lockUsers(db: Transaction<Database>, tenantKey: string, userIds: readonly string[]): Promise<void>;
  /** Refreshes the planner's statistics of these tables, where the engine keeps any. */
  refreshStatistics(db: Kysely<Database>, tables: readonly (keyof Database)[]): Promise<void>;
  /** Runs a transaction; an engine may wrap it (SQLite runs one at a time on its one connection). */
  transaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

/** Rows per statement when inserting many (well under both engines' bound-parameter limits). */
const CHUNK = 500;

const chunks = <T>(items: readonly T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * A look-up by any number of user ids in parts of CHUNK: one statement may
 * bind only so many parameters (SQLite 32766, PostgreSQL 65535), and ids are disjoint across parts.
 */
async function inParts<V>(userIds: readonly string[], lookUp: (part: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
  const merged = new Map<string, V>();
  for (const part of chunks(userIds)) for (const [key, value] of await lookUp(part)) merged.set(key, value);
  return merged;
}

const parseJson = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));
const bool = (value: number) => value === 1;
const int = (value: boolean) => (value ? 1 : 0);

function toSystemStatus(row: SystemStatusesTable): SystemStatus {
  const i18n = parseJson<I18nText>(row.i18n_title);
  return {
    system_status_id: row.system_status_id,
    title: row.title,
    ...(i18n ? { i18n_title: i18n } : {}),
    icon_key: row.icon_key as IconKey,
    color: row.color as Color,
    priority: Number(row.priority),
    sync_setting: JSON.parse(row.sync_setting) as SyncSetting,
  };
}

type OpenRow = UserSystemStatusesTable & { sync_on: number | null };

function toStoredOpen(row: OpenRow): StoredOpen {
  const i18n = parseJson<I18nText>(row.i18n_title);
  return {
    user_id: row.user_id,
    system_status_id: row.system_status_id,
    end_time: Number(row.end_time),
    opened_at: Number(row.opened_at),
    title: row.title,
    ...(i18n ? { i18n_title: i18n } : {}),
    icon_key: row.icon_key as IconKey,
    color: row.color as Color,
    priority: Number(row.priority),
    open_by_default: bool(row.open_by_default),
    sync_on: row.sync_on === null ? bool(row.open_by_default) : bool(row.sync_on),
  };
}

function toApp(row: Database['apps']): AppRecord {
  return {
    app_id: row.app_id,
    tenant_key: row.tenant_key,
    name: row.name,
    app_secret_digest: row.app_secret_digest,
    type: row.type as AppType,
    developer: row.developer,
    scopes: JSON.parse(row.scopes) as string[],
    contact_scope_all: bool(row.contact_scope_all),
    created_at: Number(row.created_at),
  };
}

const toUser = (row: Database['users']): UserRecord => ({
  tenant_key: row.tenant_key,
  user_id: row.user_id,
  name: row.name,
  resigned: bool(row.resigned),
  created_at: Number(row.created_at),
});

const toTenant = (row: Database['tenants']): TenantRecord => ({
  tenant_key: row.tenant_key,
  name: row.name,
  api_permission: bool(row.api_permission),
  created_at: Number(row.created_at),
});

const toToken = (row: Database['access_tokens']): AccessTokenRecord => ({
  ...row,
  kind: row.kind as TokenKind,
  issued_at: Number(row.issued_at),
  expires_at: Number(row.expires_at),
});

function definitionColumns(definition: SystemStatusDefinition) {
  return {
    title: definition.title,
    i18n_title: definition.i18n_title ? JSON.stringify(definition.i18n_title) : null,
    icon_key: definition.icon_key,
    color: definition.color,
    priority: definition.priority,
    sync_setting: JSON.stringify(definition.sync_setting),
  };
}

/** The open_id / union_id rows of users for apps (every pair of the two lists). */
function idRows(apps: readonly Pick<AppRecord, 'app_id' | 'developer'>[], users: readonly UserRecord[]) {
  const rows: Database['user_ids'][] = [];
  const developers = [...new Set(apps.map((app) => app.developer))];
  for (const user of users) {
    for (const app of apps) {
      rows.push({
        id_value: deriveOpenId(app.app_id, user.tenant_key, user.user_id),
        id_type: 'open_id',
        tenant_key: user.tenant_key,
        user_id: user.user_id,
        owner: app.app_id,
      });
    }
    for (const developer of developers) {
      rows.push({
        id_value: deriveUnionId(developer, user.tenant_key, user.user_id),
        id_type: 'union_id',
        tenant_key: user.tenant_key,
        user_id: user.user_id,
        owner: developer,
      });
    }
  }
  return rows;
}

export class KyselyRepository implements StoreTransaction {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly dialect: EngineDialect,
    /** The hot path's queries, compiled once per shape and shared by every transaction of the store. */
    protected readonly shapes = new CompiledShapes(),
  ) {}

  /**
   * Runs a write that a unique key may refuse and turns the refusal into a ConflictError. Where a
   * failed statement aborts the whole transaction, the write runs inside a savepoint, so that the
   * caller can still read (e.g. to tell 2005004 from 2005005) before it gives up.
   */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    const savepoint = this.dialect.errorAbortsTransaction && this.db.isTransaction;
    if (savepoint) await sql`savepoint sysstatus_guard`.execute(this.db);
    try {
      const result = await work();
      if (savepoint) await sql`release savepoint sysstatus_guard`.execute(this.db);
      return result;
    } catch (error) {
      const rule = this.dialect.conflictRule(error);
      if (savepoint && rule) await sql`rollback to savepoint sysstatus_guard`.execute(this.db);
      if (rule) throw new ConflictError(rule);
      throw error;
    }
  }

  // ---- tenants, apps, users --------------------------------------------------------------

  async getTenant(tenantKey: string) {
    if (!isStorableText(tenantKey)) return undefined;
    const row = await this.db.selectFrom('tenants').selectAll().where('tenant_key', '=', tenantKey).executeTakeFirst();
    return row && toTenant(row);
  }

  async listTenants() {
    return (await this.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('tenant_key').execute()).map(
      toTenant,
    );
  }

  async insertTenant(tenant: TenantRecord) {
    await this.guard(() =>
      this.db
        .insertInto('tenants')
        .values({ ...tenant, api_permission: int(tenant.api_permission) })
        .execute(),
    );
  }

  async updateTenant(tenantKey: string, changes: Partial<Pick<TenantRecord, 'name' | 'api_permission'>>) {
    const values: Partial<Database['tenants']> = {};
    if (changes.name !== undefined) values.name = changes.name;
    if (changes.api_permission !== undefined) values.api_permission = int(changes.api_permission);
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('tenants').set(values).where('tenant_key', '=', tenantKey).execute();
  }

  async deleteTenant(tenantKey: string) {
    // Rows without a foreign key to tenants go first; the rest cascade.
    await this.db.deleteFrom('user_system_statuses').where('tenant_key', '=', tenantKey).execute();
    await this.db.deleteFrom('user_sync_preferences').where('tenant_key', '=', tenantKey).execute();
    await this.db.deleteFrom('pending_sync_off').where('tenant_key', '=', tenantKey).execute();
    await this.db.deleteFrom('user_ids').where('tenant_key', '=', tenantKey).execute();
    await this.db.deleteFrom('system_status_names').where('tenant_key', '=', tenantKey).execute();
    await this.db.deleteFrom('access_tokens').where('tenant_key', '=', tenantKey).execute();
    await this.db.deleteFrom('tenants').where('tenant_key', '=', tenantKey).execute();
  }

  async getApp(appId: string) {
    if (!isStorableText(appId)) return undefined;
    const row = await this.db.selectFrom('apps').selectAll().where('app_id', '=', appId).executeTakeFirst();
    return row && toApp(row);
  }

  async listApps(tenantKey?: string) {
    let query = this.db.selectFrom('apps').selectAll();
    if (tenantKey !== undefined) query = query.where('tenant_key', '=', tenantKey);
    return (await query.orderBy('created_at').orderBy('app_id').execute()).map(toApp);
  }

  async listAppContactUsers(appId: string) {
    const rows = await this.db
      .selectFrom('app_contact_users')
      .select('user_id')
      .where('app_id', '=', appId)
      .orderBy('user_id')
      .execute();
    return rows.map((row) => row.user_id);
  }

  async insertApp(app: Omit<AppRecord, 'contact_scope_all'>, contactScope: ContactScope) {
    await this.guard(() =>
      this.db
        .insertInto('apps')
        .values({ ...app, scopes: JSON.stringify(app.scopes), contact_scope_all: int(contactScope === 'all') })
        .execute(),
    );
    if (contactScope !== 'all') await this.setAppContactScope(app.app_id, contactScope);
    const users = await this.db.selectFrom('users').selectAll().where('tenant_key', '=', app.tenant_key).execute();
    const developerKnown = await this.db
      .selectFrom('apps')
      .select('app_id')
      .where('tenant_key', '=', app.tenant_key)
      .where('developer', '=', app.developer)
      .where('app_id', '!=', app.app_id)
      .executeTakeFirst();
    const rows = idRows([app], users.map(toUser)).filter((row) => row.id_type === 'open_id' || !developerKnown);
    for (const part of chunks(rows)) await this.db.insertInto('user_ids').values(part).execute();
  }

  async updateApp(appId: string, changes: Partial<Pick<AppRecord, 'name' | 'scopes' | 'app_secret_digest'>>) {
    const values: Partial<Database['apps']> = {};
    if (changes.name !== undefined) values.name = changes.name;
    if (changes.scopes !== undefined) values.scopes = JSON.stringify(changes.scopes);
    if (changes.app_secret_digest !== undefined) values.app_secret_digest = changes.app_secret_digest;
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('apps').set(values).where('app_id', '=', appId).execute();
  }

  async setAppContactScope(appId: string, contactScope: ContactScope) {
    await this.db
      .updateTable('apps')
      .set({ contact_scope_all: int(contactScope === 'all') })
      .where('app_id', '=', appId)
      .execute();
    await this.db.deleteFrom('app_contact_users').where('app_id', '=', appId).execute();
    if (contactScope === 'all') return;
    const rows = [...new Set(contactScope)].map((user_id) => ({ app_id: appId, user_id }));
    for (const part of chunks(rows)) await this.db.insertInto('app_contact_users').values(part).execute();
  }

  async deleteApp(appId: string) {
    const app = await this.getApp(appId);
    if (!app) return;
    await this.db.deleteFrom('user_ids').where('id_type', '=', 'open_id').where('owner', '=', appId).execute();
    await this.db.deleteFrom('apps').where('app_id', '=', appId).execute();
    const sameDeveloper = await this.db
      .selectFrom('apps')
      .select('app_id')
      .where('tenant_key', '=', app.tenant_key)
      .where('developer', '=', app.developer)
      .executeTakeFirst();
    if (!sameDeveloper) {
      await this.db
        .deleteFrom('user_ids')
        .where('id_type', '=', 'union_id')
        .where('tenant_key', '=', app.tenant_key)
        .where('owner', '=', app.developer)
        .execute();
    }
  }

  async getUser(tenantKey: string, userId: string) {
    if (!isStorableText(tenantKey) || !isStorableText(userId)) return undefined;
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_key', '=', tenantKey)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async listUsers(tenantKey: string, options: { after?: string; limit?: number } = {}) {
    let query = this.db.selectFrom('users').selectAll().where('tenant_key', '=', tenantKey);
    if (options.after !== undefined) query = query.where('user_id', '>', options.after);
    if (options.limit !== undefined) query = query.limit(options.limit);
    return (await query.orderBy('user_id').execute()).map(toUser);
  }

  async insertUsers(users: readonly UserRecord[]) {
    if (users.length === 0) return;
    const rows = users.map((user) => ({ ...user, resigned: int(user.resigned) }));
    for (const part of chunks(rows)) await this.guard(() =>this.db.insertInto('users').values(part).execute());
    const tenants = [...new Set(users.map((user) => user.tenant_key))];
    for (const tenantKey of tenants) {
      const apps = await this.listApps(tenantKey);
      const ids = idRows(
        apps,
        users.filter((user) => user.tenant_key === tenantKey),
      );
      for (const part of chunks(ids)) await this.db.insertInto('user_ids').values(part).execute();
    }
  }

  async updateUser(tenantKey: string, userId: string, changes: Partial<Pick<UserRecord, 'name' | 'resigned'>>) {
    const values: Partial<Database['users']> = {};
    if (changes.name !== undefined) values.name = changes.name;
    if (changes.resigned !== undefined) values.resigned = int(changes.resigned);
    if (Object.keys(values).length === 0) return;
    await this.db
      .updateTable('users')
      .set(values)
      .where('tenant_key', '=', tenantKey)
      .where('user_id', '=', userId)
      .execute();
  }

  async deleteUser(tenantKey: string, userId: string) {
    for (const table of ['user_system_statuses', 'user_sync_preferences', 'pending_sync_off', 'user_ids'] as const) {
      await this.db.deleteFrom(table).where('tenant_key', '=', tenantKey).where('user_id', '=', userId).execute();
    }
    await this.db
      .deleteFrom('app_contact_users')
      .where('user_id', '=', userId)
      .where('app_id', 'in', this.db.selectFrom('apps').select('app_id').where('tenant_key', '=', tenantKey))
      .execute();
    await this.db.deleteFrom('users').where('tenant_key', '=', tenantKey).where('user_id', '=', userId).execute();
  }

  async setSyncPreference(tenantKey: string, userId: string, systemStatusId: string, syncOn: boolean) {
    await this.db
      .insertInto('user_sync_preferences')
      .values({ tenant_key: tenantKey, user_id: userId, system_status_id: systemStatusId, sync_on: int(syncOn) })
      .onConflict((oc) =>
        oc.columns(['tenant_key', 'user_id', 'system_status_id']).doUpdateSet({ sync_on: int(syncOn) }),
      )
      .execute();
  }

  async listPendingSyncOff(tenantKey: string): Promise<PendingSyncOff[]> {
    return this.db
      .selectFrom('pending_sync_off')
      .select(['user_id', 'title'])
      .where('tenant_key', '=', tenantKey)
      .orderBy('user_id')
      .orderBy('title')
      .execute();
  }

  async addPendingSyncOff(tenantKey: string, userId: string, title: string) {
    await this.db
      .insertInto('pending_sync_off')
      .values({ tenant_key: tenantKey, user_id: userId, title })
      .onConflict((oc) => oc.columns(['tenant_key', 'user_id', 'title']).doNothing())
      .execute();
  }

  async takePendingSyncOff(tenantKey: string, names: readonly string[]): Promise<PendingSyncOff[]> {
    if (names.length === 0) return [];
    const taken = await this.db
      .deleteFrom('pending_sync_off')
      .where('tenant_key', '=', tenantKey)
      .where('title', 'in', names)
      .returning(['user_id', 'title'])
      .execute();
    return taken.sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  }

  // ---- tokens -----------------------------------------------------------------------------

  async getAccessToken(tokenDigest: string) {
    const row = await this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('token_digest', '=', tokenDigest)
      .executeTakeFirst();
    return row && toToken(row);
  }

  async listAccessTokens() {
    return (await this.db.selectFrom('access_tokens').selectAll().orderBy('issued_at').orderBy('token_digest').execute()).map(toToken);
  }

  async latestAccessToken(appId: string, kind: TokenKind, validAt: number, issuedBy?: number) {
    let query = this.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('app_id', '=', appId)
      .where('kind', '=', kind)
      .where('expires_at', '>', validAt);
    if (issuedBy !== undefined) query = query.where('issued_at', '<=', issuedBy);
    const row = await query
      .orderBy('expires_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toToken(row);
  }

  async insertAccessToken(token: AccessTokenRecord) {
    await this.guard(() =>this.db.insertInto('access_tokens').values(token).execute());
  }

  async deleteExpiredAccessTokens(before: number) {
    const result = await this.db.deleteFrom('access_tokens').where('expires_at', '<=', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // ---- system statuses --------------------------------------------------------------------

  async getSystemStatus(tenantKey: string, systemStatusId: string) {
    const { rows } = await this.shapes.execute(this.db, 'system_status', [tenantKey, systemStatusId], () =>
      this.db
        .selectFrom('system_statuses')
        .selectAll()
        .where('tenant_key', '=', tenantKey)
        .where('system_status_id', '=', systemStatusId),
    );
    const row = rows[0];
    return row && toSystemStatus(row);
  }

  async listSystemStatuses(tenantKey: string, options: { after?: string; limit?: number } = {}) {
    let query = this.db.selectFrom('system_statuses').selectAll().where('tenant_key', '=', tenantKey);
    if (options.after !== undefined) query = query.where('system_status_id', '>', options.after);
    if (options.limit !== undefined) query = query.limit(options.limit);
    // Ids are fixed-width decimal strings, so text order is creation order.
    return (await query.orderBy('system_status_id').execute()).map(toSystemStatus);
  }

  private async insertNames(tenantKey: string, systemStatusId: string, definition: SystemStatusDefinition) {
    const rows = statusNames(definition).map((name) => ({
      tenant_key: tenantKey,
      name,
      system_status_id: systemStatusId,
    }));
    await this.guard(() =>this.db.insertInto('system_status_names').values(rows).execute());
  }

  async insertSystemStatus(tenantKey: string, status: SystemStatus, now: number) {
    await this.guard(() =>
      this.db
        .insertInto('system_statuses')
        .values({
          system_status_id: status.system_status_id,
          tenant_key: tenantKey,
          ...definitionColumns(status),
          created_at: now,
          updated_at: now,
        })
        .execute(),
    );
    await this.insertNames(tenantKey, status.system_status_id, status);
  }

  async updateSystemStatus(tenantKey: string, systemStatusId: string, definition: SystemStatusDefinition, now: number) {
    await this.guard(() =>
      this.db
        .updateTable('system_statuses')
        .set({ ...definitionColumns(definition), updated_at: now })
        .where('tenant_key', '=', tenantKey)
        .where('system_status_id', '=', systemStatusId)
        .execute(),
    );
    await this.db.deleteFrom('system_status_names').where('system_status_id', '=', systemStatusId).execute();
    await this.insertNames(tenantKey, systemStatusId, definition);
  }

  async deleteSystemStatus(tenantKey: string, systemStatusId: string) {
    await this.db.deleteFrom('system_status_names').where('system_status_id', '=', systemStatusId).execute();
    await this.db
      .deleteFrom('user_sync_preferences')
      .where('tenant_key', '=', tenantKey)
      .where('system_status_id', '=', systemStatusId)
      .execute();
    const result = await this.db
      .deleteFrom('system_statuses')
      .where('tenant_key', '=', tenantKey)
      .where('system_status_id', '=', systemStatusId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // ---- users' statuses --------------------------------------------------------------------

  async resolveUserIds(app: AppRecord, userIdType: UserIdType, ids: readonly string[]) {
    const resolved = new Map<string, ResolvedUser>();
    // Text no user id can be (a lone surrogate, U+0000, which PostgreSQL refuses outright) names nobody.
    const unique = [...new Set(ids)].filter(isStorableText);
    for (const id of ids) if (!unique.includes(id)) resolved.set(id, { kind: 'invalid' });
    if (unique.length === 0) return resolved;
    const found = new Map<string, { user_id: string; resigned: boolean; visible: boolean }>();
    // With a limited contact scope, the scope check rides along as a LEFT JOIN (one statement, not two).
    const scoped = !app.contact_scope_all;

    if (userIdType === 'user_id') {
      const key = `resolve_user_ids:${scoped ? 'scoped:' : ''}${unique.length}`;
      const parameters = scoped ? [app.app_id, app.tenant_key, ...unique] : [app.tenant_key, ...unique];
      const { rows } = await this.shapes.execute(this.db, key, parameters, () => {
        const base = this.db.selectFrom('users');
        const query = scoped
          ? base
              .leftJoin('app_contact_users as c', (join) => join.on('c.app_id', '=', app.app_id).onRef('c.user_id', '=', 'users.user_id'))
              .select(['users.user_id', 'users.resigned', 'c.user_id as contact_user_id'])
          : base.select(['users.user_id', 'users.resigned', sql<null>`null`.as('contact_user_id')]);
        return query.where('users.tenant_key', '=', app.tenant_key).where('users.user_id', 'in', unique);
      });
      for (const row of rows) {
        found.set(row.user_id, { user_id: row.user_id, resigned: bool(row.resigned), visible: !scoped || row.contact_user_id !== null });
      }
    } else {
      const owner = userIdType === 'open_id' ? app.app_id : app.developer;
      const key = `resolve_derived_ids:${scoped ? 'scoped:' : ''}${unique.length}`;
      const parameters = scoped ? [app.app_id, ...unique, userIdType] : [...unique, userIdType];
      const { rows } = await this.shapes.execute(this.db, key, parameters, () => {
        const base = this.db
          .selectFrom('user_ids')
          .innerJoin('users', (join) =>
            join.onRef('users.tenant_key', '=', 'user_ids.tenant_key').onRef('users.user_id', '=', 'user_ids.user_id'),
          );
        const columns = ['user_ids.id_value', 'user_ids.tenant_key', 'user_ids.user_id', 'user_ids.owner', 'users.resigned'] as const;
        const query = scoped
          ? base
              .leftJoin('app_contact_users as c', (join) => join.on('c.app_id', '=', app.app_id).onRef('c.user_id', '=', 'user_ids.user_id'))
              .select([...columns, 'c.user_id as contact_user_id'])
          : base.select([...columns, sql<null>`null`.as('contact_user_id')]);
        return query.where('user_ids.id_value', 'in', unique).where('user_ids.id_type', '=', userIdType);
      });
      for (const row of rows) {
        if (row.tenant_key !== app.tenant_key) resolved.set(row.id_value, { kind: 'other_tenant' });
        // Another app's open_id (or another developer's union_id) of this tenant names nobody here.
        else if (row.owner === owner) {
          found.set(row.id_value, { user_id: row.user_id, resigned: bool(row.resigned), visible: !scoped || row.contact_user_id !== null });
        }
      }
    }

    for (const id of unique) {
      if (resolved.has(id)) continue;
      const user = found.get(id);
      resolved.set(
        id,
        user
          ? { kind: 'user', user_id: user.user_id, resigned: user.resigned, visible: user.visible }
          : { kind: 'invalid' },
      );
    }
    return resolved;
  }

  /** Opens (`o`) beside the sync toggles (`p`) that resolve their sync_on. */
  private opensAndToggles() {
    return this.db
      .selectFrom('user_system_statuses as o')
      .leftJoin('user_sync_preferences as p', (join) =>
        join
          .onRef('p.tenant_key', '=', 'o.tenant_key')
          .onRef('p.user_id', '=', 'o.user_id')
          .onRef('p.system_status_id', '=', 'o.system_status_id'),
      );
  }

  private opensWithToggles(tenantKey: string) {
    return this.opensAndToggles().selectAll('o').select('p.sync_on').where('o.tenant_key', '=', tenantKey);
  }

  async userOpens(tenantKey: string, userIds: readonly string[]): Promise<Map<string, StoredOpen[]>> {
    if (userIds.length > CHUNK) return inParts(userIds, (part) => this.userOpens(tenantKey, part));
    const byUser = new Map<string, StoredOpen[]>();
    if (userIds.length === 0) return byUser;
    const { rows } = await this.shapes.execute(this.db, `user_opens:${userIds.length}`, [tenantKey, ...userIds], () =>
      this.opensWithToggles(tenantKey).where('o.user_id', 'in', userIds),
    );
    for (const row of rows) {
      const open = toStoredOpen(row);
      const list = byUser.get(row.user_id);
      if (list) list.push(open);
      else byUser.set(row.user_id, [open]);
    }
    return byUser;
  }

  async batchCloseOpens(tenantKey: string, systemStatusId: string, userIds: readonly string[], nowSeconds: number) {
    const byUser = new Map<string, OpenRank[]>();
    for (const [userId, opens] of await this.userOpens(tenantKey, userIds)) byUser.set(userId, opensForClose(opens, systemStatusId, nowSeconds));
    return byUser;
  }

  async tenantOpens(tenantKey: string) {
    return (await this.opensWithToggles(tenantKey).execute()).map(toStoredOpen);
  }

  async tenantOpenEnds(tenantKey: string, afterSeconds: number) {
    const rows = await this.db
      .selectFrom('user_system_statuses')
      .select(['user_id', 'system_status_id', 'end_time'])
      .where('tenant_key', '=', tenantKey)
      .where('end_time', '>', afterSeconds)
      .execute();
    const ends = new OpenEndsByStatus();
    for (const row of rows) ends.add(row.system_status_id, row.user_id, Number(row.end_time));
    return ends.list();
  }

  async tenantSyncPreferences(tenantKey: string) {
    const rows = await this.db
      .selectFrom('user_sync_preferences')
      .select(['user_id', 'system_status_id', 'sync_on'])
      .where('tenant_key', '=', tenantKey)
      .execute();
    return rows.map((row) => ({ user_id: row.user_id, system_status_id: row.system_status_id, sync_on: bool(row.sync_on) }));
  }

  async batchOpenStates(tenantKey: string, systemStatusId: string, userIds: readonly string[], nowSeconds: number) {
    const states = new Map<string, UserState>();
    if (userIds.length === 0) return states;
    // Other statuses' opens need only what ranking reads; the definition columns come back for this status alone.
    const ofThisStatus = (column: 'title' | 'i18n_title' | 'icon_key' | 'color') =>
      sql<string | null>`case when ${sql.ref('o.system_status_id')} = ${systemStatusId} then ${sql.ref(`o.${column}`)} end`.as(column);
    const parameters = [systemStatusId, systemStatusId, systemStatusId, systemStatusId, tenantKey, ...userIds, nowSeconds, tenantKey, systemStatusId, ...userIds];
    // Active opens, then the toggles for this status as rows whose open columns are null (end_time tells them apart).
    const { rows } = await this.shapes.execute(this.db, `batch_open_states:${userIds.length}`, parameters, () =>
      this.opensAndToggles()
        .select([
          'o.user_id',
          'o.system_status_id',
          'o.end_time',
          'o.opened_at',
          ofThisStatus('title'),
          ofThisStatus('i18n_title'),
          ofThisStatus('icon_key'),
          ofThisStatus('color'),
          'o.priority',
          'o.open_by_default',
          'p.sync_on',
        ])
        .where('o.tenant_key', '=', tenantKey)
        .where('o.user_id', 'in', userIds)
        .where('o.end_time', '>', nowSeconds)
        .unionAll(
          this.db
            .selectFrom('user_sync_preferences')
            .select([
              'user_id',
              'system_status_id',
              sql<null>`null`.as('end_time'),
              sql<null>`null`.as('opened_at'),
              sql<null>`null`.as('title'),
              sql<null>`null`.as('i18n_title'),
              sql<null>`null`.as('icon_key'),
              sql<null>`null`.as('color'),
              sql<null>`null`.as('priority'),
              sql<null>`null`.as('open_by_default'),
              'sync_on',
            ])
            .where('tenant_key', '=', tenantKey)
            .where('system_status_id', '=', systemStatusId)
            .where('user_id', 'in', userIds) as never,
        ),
    );
    for (const row of rows as (OpenRow | (Pick<OpenRow, 'user_id' | 'system_status_id' | 'sync_on'> & { end_time: null }))[]) {
      let state = states.get(row.user_id);
      if (!state) states.set(row.user_id, (state = { opens: [] }));
      if (row.end_time === null) {
        state.sync_preference = bool(row.sync_on!);
        continue;
      }
      if (row.system_status_id === systemStatusId) {
        const open = toStoredOpen(row);
        state.open = open;
        state.opens.push(open);
      } else {
        state.opens.push({
          system_status_id: row.system_status_id,
          end_time: Number(row.end_time),
          opened_at: Number(row.opened_at),
          priority: Number(row.priority),
          sync_on: row.sync_on === null ? bool(row.open_by_default) : bool(row.sync_on),
        });
      }
    }
    return states;
  }

  async syncPreferences(tenantKey: string, systemStatusId: string, userIds: readonly string[]): Promise<Map<string, boolean>> {
    if (userIds.length > CHUNK) return inParts(userIds, (part) => this.syncPreferences(tenantKey, systemStatusId, part));
    const preferences = new Map<string, boolean>();
    if (userIds.length === 0) return preferences;
    const parameters = [tenantKey, systemStatusId, ...userIds];
    const { rows } = await this.shapes.execute(this.db, `sync_preferences:${userIds.length}`, parameters, () =>
      this.db
        .selectFrom('user_sync_preferences')
        .select(['user_id', 'sync_on'])
        .where('tenant_key', '=', tenantKey)
        .where('system_status_id', '=', systemStatusId)
        .where('user_id', 'in', userIds),
    );
    for (const row of rows) preferences.set(row.user_id, bool(row.sync_on));
    return preferences;
  }

  async writeOpens(tenantKey: string, opens: readonly StoredOpen[]) {
    if (opens.length === 0) return;
    const rows: UserSystemStatusesTable[] = opens.map((open) => ({
      tenant_key: tenantKey,
      user_id: open.user_id,
      system_status_id: open.system_status_id,
      end_time: open.end_time,
      opened_at: open.opened_at,
      title: open.title,
      i18n_title: open.i18n_title ? JSON.stringify(open.i18n_title) : null,
      icon_key: open.icon_key,
      color: open.color,
      priority: open.priority,
      open_by_default: int(open.open_by_default),
    }));
    // Every row has every column, in this order: the parameters are the rows' values, row by row.
    await this.shapes.execute(this.db, `write_opens:${rows.length}`, rows.flatMap(Object.values), () =>
      this.db
        .insertInto('user_system_statuses')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['tenant_key', 'user_id', 'system_status_id']).doUpdateSet((eb) => ({
            end_time: eb.ref('excluded.end_time'),
            opened_at: eb.ref('excluded.opened_at'),
            title: eb.ref('excluded.title'),
            i18n_title: eb.ref('excluded.i18n_title'),
            icon_key: eb.ref('excluded.icon_key'),
            color: eb.ref('excluded.color'),
            priority: eb.ref('excluded.priority'),
            open_by_default: eb.ref('excluded.open_by_default'),
          })),
        ),
      true,
    );
  }

  async deleteOpens(tenantKey: string, systemStatusId: string, userIds: readonly string[]) {
    if (userIds.length === 0) return;
    await this.shapes.execute(this.db, `delete_opens:${userIds.length}`, [tenantKey, systemStatusId, ...userIds], () =>
      this.db
        .deleteFrom('user_system_statuses')
        .where('tenant_key', '=', tenantKey)
        .where('system_status_id', '=', systemStatusId)
        .where('user_id', 'in', userIds),
      true,
    );
  }

  async lockTenant(tenantKey: string) {
    if (!isStorableText(tenantKey)) return undefined;
    // An update that changes nothing takes the row's write lock on every engine (no dialect flag needed).
    const row = await this.db
      .updateTable('tenants')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('tenant_key', '=', tenantKey)
      .returningAll()
      .executeTakeFirst();
    return row && toTenant(row);
  }

  async lockUsers(tenantKey: string, userIds: readonly string[]) {
    await this.dialect.lockUsers(this.db as Transaction<Database>, tenantKey, [...userIds].sort());
  }
}

/** Every table with the columns that order its rows (its key), in dependency order. */
const TABLE_KEYS: { [T in keyof Database]: (keyof Database[T] & string)[] } = {
  tenants: ['tenant_key'],
  apps: ['app_id'],
  app_contact_users: ['app_id', 'user_id'],
  users: ['tenant_key', 'user_id'],
  user_ids: ['id_value'],
  access_tokens: ['token_digest'],
  system_statuses: ['system_status_id'],
  system_status_names: ['tenant_key', 'name'],
  user_sync_preferences: ['tenant_key', 'user_id', 'system_status_id'],
  user_system_statuses: ['tenant_key', 'user_id', 'system_status_id'],
  pending_sync_off: ['tenant_key', 'user_id', 'title'],
};

/** Drivers differ in how they hand back integers (number, bigint, numeric string); a dump does not. */
const neutral = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value]),
  );

export class KyselyStore extends KyselyRepository implements Store {
  readonly engine: Store['engine'];

  constructor(
    db: Kysely<Database>,
    dialect: EngineDialect,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    super(db, dialect);
    this.engine = dialect.name;
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.dialect.transaction(this.db, (trx) => work(new KyselyRepository(trx, this.dialect, this.shapes)));
  }

  async clear() {
    await this.dialect.transaction(this.db, async (trx) => {
      for (const table of [
        'pending_sync_off',
        'user_system_statuses',
        'user_sync_preferences',
        'system_status_names',
        'system_statuses',
        'access_tokens',
        'user_ids',
        'app_contact_users',
        'apps',
        'users',
        'tenants',
      ] as const) {
        await trx.deleteFrom(table).execute();
      }
    });
  }

  async dump(): Promise<StoreDump> {
    return this.dialect.transaction(this.db, async (trx) => {
      const out: StoreDump = {};
      for (const [table, keys] of Object.entries(TABLE_KEYS) as [keyof Database, string[]][]) {
        let query = trx.selectFrom(table).selectAll();
        for (const key of keys) query = query.orderBy(key as never);
        out[table] = (await query.execute()).map((row) => neutral(row as Record<string, unknown>));
      }
      return out;
    });
  }

  async ping() {
    await this.db.selectFrom('tenants').select('tenant_key').limit(1).execute();
  }

  refreshStatistics() {
    return this.dialect.refreshStatistics(this.db, Object.keys(TABLE_KEYS) as (keyof Database)[]);
  }

  async close() {
    await this.db.destroy();
    await this.onClose();
  }
}

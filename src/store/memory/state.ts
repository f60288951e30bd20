// The live rows of every table and the indexes reads need. Each table offers the same
// row-level primitives (get, put, remove by key), which writes, undo, log replay and the load
// from the database all use; the store's methods are written on top of them.
import type { AccessTokenRecord, AppRecord, TenantRecord } from '../store.js';
import { ContactUsersTable, type TenantUsers, UserIdTable, UsersTable } from './compact-tables.js';
import {
  appsCodec,
  CODECS,
  namesCodec,
  opensCodec,
  type OpenRow,
  pendingSyncOffCodec,
  preferencesCodec,
  type StatusRow,
  statusesCodec,
  type TableCodec,
  tableNumber,
  tenantsCodec,
  tokensCodec,
  userIdsCodec,
} from './tables.js';

export interface TableState<R> {
  readonly codec: TableCodec<R>;
  /** The table's number in CODECS and in log records. */
  readonly index: number;
  key(row: R): string[];
  get(key: readonly string[]): R | undefined;
  /** Stores the row and returns the one it replaced. */
  put(row: R): R | undefined;
  remove(key: readonly string[]): void;
  rows(): Iterable<R>;
}

/**
 * The innermost map of a three-level table (a user's sync toggles, pending titles), with a Map's
 * methods and order. Most users have one entry, and a Map costs ~190 bytes even then (at 1M users
 * the toggles' maps of 77k users held ~10 MiB): the first entry is kept in two fields, a Map
 * holds the rest.
 */
export class Leaf<V> {
  private firstKey: string | undefined = undefined;
  private firstValue: V | undefined = undefined;
  /** Never empty: entries after the first, in insertion order. */
  private rest: Map<string, V> | undefined = undefined;

  get size(): number {
    return this.firstKey === undefined ? 0 : 1 + (this.rest?.size ?? 0);
  }

  get(key: string): V | undefined {
    return key === this.firstKey ? this.firstValue : this.rest?.get(key);
  }

  has(key: string): boolean {
    return key === this.firstKey || (this.rest?.has(key) ?? false);
  }

  set(key: string, value: V): this {
    if (key === this.firstKey) this.firstValue = value;
    else if (this.firstKey === undefined) {
      this.firstKey = key;
      this.firstValue = value;
    } else (this.rest ??= new Map()).set(key, value);
    return this;
  }

  delete(key: string): boolean {
    if (key !== this.firstKey) {
      const deleted = this.rest?.delete(key) ?? false;
      if (this.rest?.size === 0) this.rest = undefined;
      return deleted;
    }
    // The next entry in insertion order moves up.
    const next = this.rest?.entries().next().value;
    if (next) {
      this.rest!.delete(next[0]);
      if (this.rest!.size === 0) this.rest = undefined;
      [this.firstKey, this.firstValue] = next;
    } else {
      this.firstKey = undefined;
      this.firstValue = undefined;
    }
    return true;
  }

  keys(): IterableIterator<string> {
    if (this.firstKey === undefined) return [].values();
    return (this.rest ? [this.firstKey, ...this.rest.keys()] : [this.firstKey]).values();
  }

  values(): IterableIterator<V> {
    if (this.firstKey === undefined) return [].values();
    return (this.rest ? [this.firstValue!, ...this.rest.values()] : [this.firstValue!]).values();
  }

  entries(): IterableIterator<[string, V]> {
    if (this.firstKey === undefined) return [].values();
    const first: [string, V] = [this.firstKey, this.firstValue!];
    return (this.rest ? [first, ...this.rest.entries()] : [first]).values();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  forEach(each: (value: V, key: string, map: this) => void): void {
    for (const [key, value] of this.entries()) each(value, key, this);
  }
}

/** A map of maps, `depth` levels deep, whose empty inner maps are dropped; three levels deep, the innermost are Leafs. */
export class Nested<V> {
  readonly root = new Map<string, any>();
  constructor(private readonly depth: number) {}

  get(key: readonly string[]): V | undefined {
    let node: any = this.root;
    for (let i = 0; i < this.depth && node; i++) node = node.get(key[i]);
    return node as V | undefined;
  }

  /** get() with the key's parts as arguments: the hot paths build no key array. */
  lookup(a: string, b?: string, c?: string): V | undefined {
    const first = this.root.get(a);
    if (this.depth === 1 || first === undefined) return first;
    const second = first.get(b);
    return this.depth === 2 || second === undefined ? second : second.get(c);
  }

  /** The inner map under a prefix of the key. */
  branch(prefix: readonly string[]): Map<string, any> | undefined {
    let node: any = this.root;
    for (const part of prefix) {
      node = node.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  /** Sets the value and returns the one it replaced. */
  set(key: readonly unknown[], value: V): V | undefined {
    let node = this.root;
    for (let i = 0; i < this.depth - 1; i++) {
      let next = node.get(key[i] as string);
      if (!next) node.set(key[i] as string, (next = i === 1 && this.depth === 3 ? new Leaf() : new Map()));
      node = next;
    }
    const last = key[this.depth - 1] as string;
    const previous = node.get(last);
    node.set(last, value);
    return previous;
  }

  delete(key: readonly string[]): void {
    const path: Map<string, any>[] = [this.root];
    for (let i = 0; i < this.depth - 1; i++) {
      const next = path[i].get(key[i]);
      if (!next) return;
      path.push(next);
    }
    path[this.depth - 1].delete(key[this.depth - 1]);
    for (let i = this.depth - 1; i > 0 && path[i].size === 0; i--) path[i - 1].delete(key[i - 1]);
  }

  *values(node: Map<string, any> = this.root, level = 1): Iterable<V> {
    for (const value of node.values()) {
      if (level === this.depth) yield value as V;
      else yield* this.values(value, level + 1);
    }
  }
}

/** A table stored in one Nested map keyed by its primary key columns. */
export class NestedTable<R> implements TableState<R> {
  readonly map: Nested<R>;
  readonly index: number;
  constructor(
    readonly codec: TableCodec<R>,
    readonly key: (row: R) => string[],
    private readonly onPut?: (row: R, previous: R | undefined) => void,
    private readonly onRemove?: (row: R) => void,
  ) {
    this.map = new Nested<R>(codec.keyColumns);
    this.index = tableNumber(codec);
  }
  get(key: readonly string[]) {
    return this.map.get(key);
  }
  put(row: R) {
    const previous = this.map.set(this.key(row), row);
    this.onPut?.(row, previous);
    return previous;
  }
  remove(key: readonly string[]) {
    const row = this.map.get(key);
    if (!row) return;
    this.map.delete(key);
    this.onRemove?.(row);
  }
  rows() {
    return this.map.values();
  }
}

/** What an open keeps of its status when it was opened: one object for every open made from it. */
export type OpenDefinition = Omit<OpenRow, 'tenant_key' | 'user_id' | 'end_time' | 'opened_at'>;

/**
 * The entries of a user's opens: [definition, end_time, opened_at] for each, in order; `written`
 * once an open of theirs was put since OpensTable.takeWritten() last listed them. A class of its
 * own so that `written` is kept in the array object: set on a plain array, it went to a properties
 * store of its own, one more object per user and a cache miss on every put (a third of the put's
 * own time), and the first push reserved 17 elements where these reserve one.
 */
export class OpenEntries extends Array<OpenDefinition | number> {
  written = false;
}
export const OPEN_STRIDE = 3;

/**
 * `user_system_statuses`, kept compact: a user's opens are one flat array of (definition,
 * end_time, opened_at) under tenant and user, the definition shared by the opens made from it.
 * batch_open reads all of a user's opens at once, and under load the state is not in the CPU's
 * caches: one open object per row (and its boxed opened_at) cost a memory access each, a user's
 * entries a few in a row. Row objects are made on demand, so undo, log, fold and dump see ordinary
 * rows. The order is a Map's: a replaced open keeps its place, a new one goes last (ties of rank
 * fall by it).
 */
export class OpensTable implements TableState<OpenRow> {
  readonly codec = opensCodec;
  readonly index = tableNumber(opensCodec);
  readonly byTenant = new Map<string, Map<string, OpenEntries>>();
  /** Known definitions by status id, a few each: a lookup cache, so dropping one only costs a duplicate. */
  private readonly definitions = new Map<string, OpenDefinition[]>();
  /**
   * By tenant, the users with an open put since the last takeWritten() (their entries' `written`
   * set), once trackWrites() was called: the change log's fold writes their opens instead of
   * reading every put's key back from the log, which cost a server under steady load more than
   * the writes (see change-log.ts). A flag on the entries a put holds already, and a list: a
   * look-up per put in a set of every user missed the CPU's caches.
   */
  private written: Map<string, string[]> | undefined;

  constructor(
    /** The users table's copy of a user_id: a look-up with that same string compares no text. */
    private readonly sharedUserId: (tenantKey: string, userId: string) => string,
  ) {}

  key(row: OpenRow) {
    return [row.tenant_key, row.user_id, row.system_status_id];
  }

  private definitionOf(row: OpenRow): OpenDefinition {
    let known = this.definitions.get(row.system_status_id);
    if (known) {
      for (const definition of known) {
        if (
          definition.title === row.title &&
          definition.i18n_title === row.i18n_title &&
          definition.icon_key === row.icon_key &&
          definition.color === row.color &&
          definition.priority === row.priority &&
          definition.open_by_default === row.open_by_default
        ) {
          return definition;
        }
      }
    } else this.definitions.set(row.system_status_id, (known = []));
    const { system_status_id, title, i18n_title, icon_key, color, priority, open_by_default } = row;
    const definition: OpenDefinition = { system_status_id, title, i18n_title, icon_key, color, priority, open_by_default };
    if (known.length >= 8) known.shift();
    known.push(definition);
    return definition;
  }

  private static row(tenantKey: string, userId: string, entries: OpenEntries, at: number): OpenRow {
    const definition = entries[at] as OpenDefinition;
    return {
      tenant_key: tenantKey,
      user_id: userId,
      system_status_id: definition.system_status_id,
      end_time: entries[at + 1] as number,
      opened_at: entries[at + 2] as number,
      title: definition.title,
      i18n_title: definition.i18n_title,
      icon_key: definition.icon_key,
      color: definition.color,
      priority: definition.priority,
      open_by_default: definition.open_by_default,
    };
  }

  /** From now on, lists the users who have an open put (what a load puts is not a change). */
  trackWrites(): void {
    this.written ??= new Map();
  }

  /**
   * The users with an open put since the last call, by tenant: each once, but a user whose opens
   * were all removed and then put again may come twice. The listing starts afresh.
   */
  takeWritten(): Map<string, string[]> {
    const taken = this.written;
    if (!taken) return new Map();
    for (const [tenantKey, userIds] of taken) {
      for (const userId of userIds) {
        const entries = this.entries(tenantKey, userId);
        if (entries) entries.written = false;
      }
    }
    this.written = new Map();
    return taken;
  }

  private markWritten(tenantKey: string, userId: string, entries: OpenEntries) {
    entries.written = true;
    let users = this.written!.get(tenantKey);
    if (!users) this.written!.set(tenantKey, (users = []));
    users.push(userId);
  }

  /** The user's entries (never empty), or undefined. */
  entries(tenantKey: string, userId: string): OpenEntries | undefined {
    return this.byTenant.get(tenantKey)?.get(userId);
  }

  /** The user's opens as rows, in order. */
  of(tenantKey: string, userId: string): OpenRow[] {
    const entries = this.entries(tenantKey, userId);
    const rows: OpenRow[] = [];
    if (entries) for (let at = 0; at < entries.length; at += OPEN_STRIDE) rows.push(OpensTable.row(tenantKey, userId, entries, at));
    return rows;
  }

  private find(entries: OpenEntries, systemStatusId: string): number {
    for (let at = 0; at < entries.length; at += OPEN_STRIDE) if ((entries[at] as OpenDefinition).system_status_id === systemStatusId) return at;
    return -1;
  }

  get(key: readonly string[]) {
    const entries = this.entries(key[0], key[1]);
    const at = entries ? this.find(entries, key[2]) : -1;
    return at < 0 ? undefined : OpensTable.row(key[0], key[1], entries!, at);
  }

  put(row: OpenRow) {
    let users = this.byTenant.get(row.tenant_key);
    if (!users) this.byTenant.set(row.tenant_key, (users = new Map()));
    const definition = this.definitionOf(row);
    const entries = users.get(row.user_id);
    if (!entries) {
      const userId = this.sharedUserId(row.tenant_key, row.user_id);
      const made = new OpenEntries();
      made.push(definition, row.end_time, row.opened_at);
      users.set(userId, made);
      if (this.written) this.markWritten(row.tenant_key, userId, made);
      return undefined;
    }
    if (this.written && !entries.written) this.markWritten(row.tenant_key, row.user_id, entries);
    const at = this.find(entries, row.system_status_id);
    if (at < 0) {
      entries.push(definition, row.end_time, row.opened_at);
      return undefined;
    }
    const previous = OpensTable.row(row.tenant_key, row.user_id, entries, at);
    entries[at] = definition;
    entries[at + 1] = row.end_time;
    // A re-open keeps opened_at: rewritten, the same value would be boxed anew (long-lived, so promoted).
    if (entries[at + 2] !== row.opened_at) entries[at + 2] = row.opened_at;
    return previous;
  }

  /**
   * One user's opens at once, in order, for a user with none yet (an image's load): `userId` is
   * the users table's own string, so no look-up shares it.
   */
  loadUser(tenantKey: string, userId: string, rows: readonly OpenRow[]): void {
    let users = this.byTenant.get(tenantKey);
    if (!users) this.byTenant.set(tenantKey, (users = new Map()));
    if (users.has(userId)) throw new Error(`user_system_statuses: ${userId} loaded twice`);
    const entries = new OpenEntries();
    for (const row of rows) entries.push(this.definitionOf(row), row.end_time, row.opened_at);
    users.set(userId, entries);
  }

  remove(key: readonly string[]) {
    const users = this.byTenant.get(key[0]);
    const entries = users?.get(key[1]);
    if (!entries) return;
    const at = this.find(entries, key[2]);
    if (at < 0) return;
    entries.splice(at, OPEN_STRIDE);
    if (entries.length > 0) return;
    users!.delete(key[1]);
    if (users!.size === 0) this.byTenant.delete(key[0]);
  }

  *rows(): Iterable<OpenRow> {
    for (const [tenantKey, users] of this.byTenant) {
      for (const [userId, entries] of users) for (let at = 0; at < entries.length; at += OPEN_STRIDE) yield OpensTable.row(tenantKey, userId, entries, at);
    }
  }
}

const grouped = <V>(index: Map<string, Map<string, V>>, group: string, key: string, value: V | undefined) => {
  let members = index.get(group);
  if (value === undefined) {
    members?.delete(key);
    if (members?.size === 0) index.delete(group);
    return;
  }
  if (!members) index.set(group, (members = new Map()));
  members.set(key, value);
};

export class MemoryState {
  readonly appsByTenant = new Map<string, Map<string, AppRecord>>();
  readonly tokensByApp = new Map<string, Map<string, AccessTokenRecord>>();
  readonly statusesByTenant = new Map<string, Map<string, StatusRow>>();

  readonly tenants = new NestedTable<TenantRecord>(tenantsCodec, (r) => [r.tenant_key]);
  readonly apps = new NestedTable<AppRecord>(
    appsCodec,
    (r) => [r.app_id],
    (row, previous) => {
      if (previous && previous.tenant_key !== row.tenant_key) grouped(this.appsByTenant, previous.tenant_key, previous.app_id, undefined);
      grouped(this.appsByTenant, row.tenant_key, row.app_id, row);
    },
    (row) => grouped(this.appsByTenant, row.tenant_key, row.app_id, undefined),
  );
  readonly users = new UsersTable((tenantKey, slot, userId) => this.contactUsers.userRemoved(tenantKey, slot, userId));
  /** The users table's own copy of a user_id: rows that name a user share it instead of holding their own. */
  private readonly sharedUserId = (tenantKey: string, userId: string) => {
    // A user's IDs are written together, so they usually arrive one after another.
    let users = this.lastUsers;
    if (users?.tenantKey !== tenantKey) users = this.users.of(tenantKey);
    if (!users) return userId;
    this.lastUsers = users;
    const slot = users.slotOf(userId);
    return slot === undefined ? userId : users.userId(slot);
  };
  private lastUsers: TenantUsers | undefined;
  readonly contactUsers: ContactUsersTable = new ContactUsersTable(this.users, (appId) => this.apps.map.lookup(appId)?.tenant_key);
  readonly userIds = new UserIdTable(userIdsCodec, this.sharedUserId);
  readonly tokens = new NestedTable<AccessTokenRecord>(
    tokensCodec,
    (r) => [r.token_digest],
    (row) => grouped(this.tokensByApp, row.app_id, row.token_digest, row),
    (row) => grouped(this.tokensByApp, row.app_id, row.token_digest, undefined),
  );
  readonly statuses = new NestedTable<StatusRow>(
    statusesCodec,
    (r) => [r.system_status_id],
    (row, previous) => {
      if (previous && previous.tenant_key !== row.tenant_key) grouped(this.statusesByTenant, previous.tenant_key, previous.system_status_id, undefined);
      grouped(this.statusesByTenant, row.tenant_key, row.system_status_id, row);
    },
    (row) => grouped(this.statusesByTenant, row.tenant_key, row.system_status_id, undefined),
  );
  readonly names = new NestedTable(namesCodec, (r) => [r.tenant_key, r.name]);
  readonly preferences = new NestedTable(preferencesCodec, (r) => [r.tenant_key, r.user_id, r.system_status_id]);
  readonly opens = new OpensTable(this.sharedUserId);
  readonly pendingSyncOff = new NestedTable(pendingSyncOffCodec, (r) => [r.tenant_key, r.user_id, r.title]);

  /** The tables in CODECS order: a log record's table number indexes this list. */
  readonly tables: TableState<any>[] = [
    this.tenants,
    this.apps,
    this.contactUsers,
    this.users,
    this.userIds,
    this.tokens,
    this.statuses,
    this.names,
    this.preferences,
    this.opens,
    this.pendingSyncOff,
  ];

  constructor() {
    this.tables.forEach((table, index) => {
      if (table.index !== index) throw new Error(`table ${index} is ${table.codec.name}, not ${CODECS[index].name}`);
    });
  }

  /** Applies a row image from the database or the log: values in codec column order, or a deletion by key. */
  apply(tableIndex: number, values: readonly unknown[] | null, key: readonly unknown[]): void {
    const table = this.tables[tableIndex];
    if (values) table.put(table.codec.fromSql(values));
    else table.remove(key.map(String));
  }

  clear(): void {
    for (const table of this.tables) for (const row of [...table.rows()]) table.remove(table.key(row));
  }
}

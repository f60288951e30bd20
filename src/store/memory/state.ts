// The live rows of every table and the indexes reads need. Each table offers the same
// row-level primitives (get, put, remove by key), which writes, undo, log replay and the load
// from the database all use; the store's methods are written on top of them.
import type { AccessTokenRecord, AppRecord, TenantRecord, UserRecord } from '../store.js';
import { KeyPairTable, UserIdTable } from './compact-tables.js';
import {
  appsCodec,
  CODECS,
  compareText,
  contactUsersCodec,
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
  usersCodec,
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

/** A map of maps, `depth` levels deep, whose empty inner maps are dropped. */
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
      if (!next) node.set(key[i] as string, (next = new Map()));
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

/**
 * `user_system_statuses`: a user's opens as one small array under tenant and user. A user has a
 * few opens and batch_open reads all of them at once; an array is scanned faster than a Map is
 * iterated, and costs less memory. The order is a Map's: a replaced open keeps its place, a new
 * one goes last (ties of rank fall by it).
 */
export class OpensTable implements TableState<OpenRow> {
  readonly codec = opensCodec;
  readonly index = tableNumber(opensCodec);
  readonly byTenant = new Map<string, Map<string, OpenRow[]>>();

  constructor(
    /** The users table's copy of a user_id: a look-up with that same string compares no text. */
    private readonly sharedUserId: (tenantKey: string, userId: string) => string,
  ) {}

  key(row: OpenRow) {
    return [row.tenant_key, row.user_id, row.system_status_id];
  }

  /** The user's opens (never empty), or undefined. */
  of(tenantKey: string, userId: string): readonly OpenRow[] | undefined {
    return this.byTenant.get(tenantKey)?.get(userId);
  }

  get(key: readonly string[]) {
    const opens = this.of(key[0], key[1]);
    if (!opens) return undefined;
    for (const open of opens) if (open.system_status_id === key[2]) return open;
    return undefined;
  }

  put(row: OpenRow) {
    let users = this.byTenant.get(row.tenant_key);
    if (!users) this.byTenant.set(row.tenant_key, (users = new Map()));
    const opens = users.get(row.user_id);
    if (!opens) {
      users.set(this.sharedUserId(row.tenant_key, row.user_id), [row]);
      return undefined;
    }
    for (let i = 0; i < opens.length; i++) {
      if (opens[i].system_status_id !== row.system_status_id) continue;
      const previous = opens[i];
      opens[i] = row;
      return previous;
    }
    opens.push(row);
    return undefined;
  }

  remove(key: readonly string[]) {
    const users = this.byTenant.get(key[0]);
    const opens = users?.get(key[1]);
    if (!opens) return;
    const at = opens.findIndex((open) => open.system_status_id === key[2]);
    if (at < 0) return;
    opens.splice(at, 1);
    if (opens.length > 0) return;
    users!.delete(key[1]);
    if (users!.size === 0) this.byTenant.delete(key[0]);
  }

  *rows(): Iterable<OpenRow> {
    for (const users of this.byTenant.values()) for (const opens of users.values()) yield* opens;
  }
}

/** A tenant's user_ids in order, made on demand from its users map: listing pages stays cheap between changes. */
class SortedKeys {
  private sorted: string[] | undefined;
  constructor(private readonly keys: Map<string, unknown>) {}
  changed() {
    this.sorted = undefined;
  }
  /** Keys after `after` (all when undefined), in order. */
  page(after: string | undefined, limit: number): string[] {
    this.sorted ??= [...this.keys.keys()].sort(compareText);
    let start = 0;
    if (after !== undefined) {
      let low = 0;
      let high = this.sorted.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (compareText(this.sorted[middle], after) <= 0) low = middle + 1;
        else high = middle;
      }
      start = low;
    }
    return this.sorted.slice(start, start + limit);
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
  readonly userOrder = new Map<string, SortedKeys>();
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
  readonly users = new NestedTable<UserRecord>(
    usersCodec,
    (r) => [r.tenant_key, r.user_id],
    (row, previous) => {
      if (previous) return;
      let order = this.userOrder.get(row.tenant_key);
      if (!order) this.userOrder.set(row.tenant_key, (order = new SortedKeys(this.users.map.root.get(row.tenant_key))));
      order.changed();
    },
    (row) => {
      const order = this.userOrder.get(row.tenant_key);
      if (!this.users.map.root.has(row.tenant_key)) this.userOrder.delete(row.tenant_key);
      else order?.changed();
    },
  );
  /** The users table's own copy of a user_id: rows that name a user share it instead of holding their own. */
  private readonly sharedUserId = (tenantKey: string, userId: string) => {
    // A user's IDs are written together, so they usually arrive one after another.
    const last = this.lastShared;
    if (last && last.user_id === userId && last.tenant_key === tenantKey) return last.user_id;
    const user = this.users.map.lookup(tenantKey, userId);
    if (!user) return userId;
    this.lastShared = user;
    return user.user_id;
  };
  private lastShared: UserRecord | undefined;
  readonly contactUsers = new KeyPairTable<{ app_id: string; user_id: string }>(contactUsersCodec, ['app_id', 'user_id'], (appId, userId) => {
    const app = this.apps.map.lookup(appId);
    return app ? this.sharedUserId(app.tenant_key, userId) : userId;
  });
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

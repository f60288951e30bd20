// A typed client of the control API under /_sysstatus: one method per route, for a server started
// by startSysstatus() or elsewhere (connect()). Only fetch: it runs wherever the tests run.
import { EventStream } from './event-stream.js';
import { SysstatusError } from './sysstatus-error.js';
import { TestTenant } from './test-tenant.js';
import { durationMs, instantValue } from './time-values.js';
import type {
  AppChanges,
  AppCreated,
  AppFragment,
  AppUsersPage,
  AppView,
  ClockState,
  Duration,
  EmulatorEvent,
  EventQuery,
  FaultRule,
  FaultRuleSpec,
  Instant,
  JournalEntry,
  JournalFilter,
  JournalFindFilter,
  MintedToken,
  NewUser,
  ResetOptions,
  ServerInfo,
  Snapshot,
  SyncChange,
  SystemStatus,
  TenantChanges,
  TenantCreated,
  TenantDescription,
  TenantFragment,
  TenantSummary,
  UserChanges,
  UserDetail,
  UsersPage,
  UsersPageQuery,
  UserStatusView,
} from './types.js';

export const CONTROL_PATH = '/_sysstatus';

export interface ConnectOptions {
  /** The server's admin token (needed in production mode, or from another machine). */
  adminToken?: string;
}

type Query = Record<string, string | number | boolean | undefined>;
interface CallOptions {
  query?: Query;
  body?: unknown;
}

export interface TenantsControl {
  list(): Promise<TenantSummary[]>;
  /** The created tenant with its apps' secrets, users' IDs and statuses (see also client.tenant()). */
  create(fragment: TenantFragment & { name: string }): Promise<TenantCreated>;
  get(tenantKey: string): Promise<TenantDescription>;
  update(tenantKey: string, changes: TenantChanges): Promise<TenantSummary>;
  delete(tenantKey: string): Promise<void>;
  systemStatuses(tenantKey: string): Promise<SystemStatus[]>;
}

export interface AppsControl {
  list(tenantKey: string): Promise<AppView[]>;
  create(tenantKey: string, app?: AppFragment): Promise<AppCreated>;
  get(appId: string): Promise<AppView>;
  update(appId: string, changes: AppChanges): Promise<AppView>;
  delete(appId: string): Promise<void>;
  /** A tenant_access_token minted without the secret (emulator mode). */
  token(appId: string): Promise<MintedToken>;
  /** The tenant's users with the open_id and union_id this app sees. */
  users(appId: string, page?: { page_size?: number; page_token?: string }): Promise<AppUsersPage>;
}

export interface UsersControl {
  list(tenantKey: string, query?: UsersPageQuery): Promise<UsersPage>;
  create(tenantKey: string, user: NewUser): Promise<UserDetail>;
  get(tenantKey: string, userId: string): Promise<UserDetail>;
  update(tenantKey: string, userId: string, changes: UserChanges): Promise<UserDetail>;
  delete(tenantKey: string, userId: string): Promise<void>;
  /** The user leaves: batch calls answer resign_user_id. */
  resign(tenantKey: string, userId: string): Promise<UserDetail>;
  reinstate(tenantKey: string, userId: string): Promise<UserDetail>;
  /** The user's auto-open (sync) toggle for one status. */
  setSync(tenantKey: string, userId: string, systemStatusId: string, syncOn: boolean): Promise<SyncChange>;
}

export interface ClockControl {
  get(): Promise<ClockState>;
  /** Stops time (at `at`, or now). */
  freeze(at?: Instant): Promise<ClockState>;
  unfreeze(): Promise<ClockState>;
  set(at: Instant): Promise<ClockState>;
  /** Moves time on (negative: back); expiries it passes have fired when this resolves. */
  advance(by: Duration): Promise<ClockState>;
  /** Back to wall time. */
  reset(): Promise<ClockState>;
}

export interface FaultsControl {
  list(): Promise<FaultRule[]>;
  add(rule: FaultRuleSpec): Promise<FaultRule>;
  get(id: string): Promise<FaultRule>;
  delete(id: string): Promise<void>;
  clear(): Promise<void>;
}

export interface JournalControl {
  /** Recorded Open API requests, newest first (credentials redacted). */
  find(filter?: JournalFindFilter): Promise<JournalEntry[]>;
  count(filter?: JournalFilter): Promise<number>;
  clear(): Promise<void>;
}

export interface SnapshotControl {
  /** The whole stored state (secrets only as digests). */
  export(): Promise<Snapshot>;
  /** Replaces the whole stored state (all or nothing). */
  import(snapshot: Snapshot): Promise<{ imported: { tenants: number; access_tokens: number } }>;
}

function journalQuery(filter: JournalFindFilter = {}): Query {
  const { since, until, ...rest } = filter;
  return {
    ...rest,
    since: since === undefined ? undefined : String(instantValue(since)),
    until: until === undefined ? undefined : String(instantValue(until)),
  };
}

const eventQuery = (query: EventQuery = {}): Query => ({ since: query.since, types: query.types?.join(',') });

export class SysstatusClient {
  /** The server's base URL, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** What lark.Client takes as `domain`: the base URL. */
  readonly domain: string;
  readonly tenants: TenantsControl;
  readonly apps: AppsControl;
  readonly users: UsersControl;
  readonly clock: ClockControl;
  readonly faults: FaultsControl;
  readonly journal: JournalControl;
  readonly snapshot: SnapshotControl;
  private readonly headers: Record<string, string>;
  private readonly streams = new Set<EventStream>();
  private tenantsMade = 0;

  constructor(url: string, options: ConnectOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    this.domain = this.url;
    this.headers = options.adminToken ? { authorization: `Bearer ${options.adminToken}` } : {};
    const t = (key: string) => encodeURIComponent(key);

    this.tenants = {
      list: async () => (await this.call<{ tenants: TenantSummary[] }>('GET', '/tenants')).tenants,
      create: (fragment) => this.call('POST', '/tenants', { body: fragment }),
      get: (tenantKey) => this.call('GET', `/tenants/${t(tenantKey)}`),
      update: (tenantKey, changes) => this.call('PATCH', `/tenants/${t(tenantKey)}`, { body: changes }),
      delete: (tenantKey) => this.call('DELETE', `/tenants/${t(tenantKey)}`),
      systemStatuses: async (tenantKey) => (await this.call<{ items: SystemStatus[] }>('GET', `/tenants/${t(tenantKey)}/system_statuses`)).items,
    };
    this.apps = {
      list: async (tenantKey) => (await this.call<{ apps: AppView[] }>('GET', `/tenants/${t(tenantKey)}/apps`)).apps,
      create: (tenantKey, app = {}) => this.call('POST', `/tenants/${t(tenantKey)}/apps`, { body: app }),
      get: (appId) => this.call('GET', `/apps/${t(appId)}`),
      update: (appId, changes) => this.call('PATCH', `/apps/${t(appId)}`, { body: changes }),
      delete: (appId) => this.call('DELETE', `/apps/${t(appId)}`),
      token: (appId) => this.call('POST', `/apps/${t(appId)}/token`),
      users: (appId, page = {}) => this.call('GET', `/apps/${t(appId)}/users`, { query: page }),
    };
    const user = (tenantKey: string, userId: string) => `/tenants/${t(tenantKey)}/users/${t(userId)}`;
    this.users = {
      list: (tenantKey, query = {}) => this.call('GET', `/tenants/${t(tenantKey)}/users`, { query }),
      create: (tenantKey, body) => this.call('POST', `/tenants/${t(tenantKey)}/users`, { body }),
      get: (tenantKey, userId) => this.call('GET', user(tenantKey, userId)),
      update: (tenantKey, userId, changes) => this.call('PATCH', user(tenantKey, userId), { body: changes }),
      delete: (tenantKey, userId) => this.call('DELETE', user(tenantKey, userId)),
      resign: (tenantKey, userId) => this.call('POST', `${user(tenantKey, userId)}/resign`),
      reinstate: (tenantKey, userId) => this.call('POST', `${user(tenantKey, userId)}/reinstate`),
      setSync: (tenantKey, userId, statusId, syncOn) =>
        this.call('PUT', `${user(tenantKey, userId)}/sync/${t(statusId)}`, { body: { sync_on: syncOn } }),
    };
    const clock = (body: Record<string, unknown>) => this.call<ClockState>('POST', '/clock', { body });
    this.clock = {
      get: () => this.call('GET', '/clock'),
      freeze: (at) => clock({ action: 'freeze', ...(at === undefined ? {} : { at: instantValue(at) }) }),
      unfreeze: () => clock({ action: 'unfreeze' }),
      set: (at) => clock({ action: 'set', at: instantValue(at) }),
      advance: (by) => clock({ action: 'advance', ms: durationMs(by) }),
      reset: () => clock({ action: 'reset' }),
    };
    this.faults = {
      list: async () => (await this.call<{ rules: FaultRule[] }>('GET', '/faults')).rules,
      add: (rule) => this.call('POST', '/faults', { body: rule }),
      get: (id) => this.call('GET', `/faults/${t(id)}`),
      delete: (id) => this.call('DELETE', `/faults/${t(id)}`),
      clear: () => this.call('DELETE', '/faults'),
    };
    this.journal = {
      find: async (filter) => (await this.call<{ entries: JournalEntry[] }>('GET', '/journal', { query: journalQuery(filter) })).entries,
      count: async (filter) => (await this.call<{ count: number }>('GET', '/journal/count', { query: journalQuery(filter) })).count,
      clear: () => this.call('DELETE', '/journal'),
    };
    this.snapshot = {
      export: () => this.call('GET', '/snapshot'),
      import: (snapshot) => this.call('POST', '/snapshot', { body: snapshot }),
    };
  }

  /** The mode, the docs' address and the clock. */
  info(): Promise<ServerInfo> {
    return this.call('GET', '');
  }

  /** The control API's OpenAPI document. */
  openapi(): Promise<{ paths: Record<string, Record<string, unknown>> } & Record<string, unknown>> {
    return this.call('GET', '/openapi.json');
  }

  /**
   * A fresh isolated tenant in one call: random tenant_key, app_id and app_secret unless given,
   * one app with the system status scopes when the fragment names none. Tests running in parallel
   * each take their own.
   */
  async tenant(fragment: TenantFragment = {}): Promise<TestTenant> {
    const created = await this.tenants.create({
      ...fragment,
      name: fragment.name ?? `test tenant ${++this.tenantsMade}`,
      apps: fragment.apps ?? [{}],
    });
    return new TestTenant(this, created);
  }

  /** Back to the start state: the seed (same IDs), empty journal, no faults, the clock as it started. */
  async reset(options: ResetOptions = {}): Promise<void> {
    await this.call('POST', '/reset', { body: options });
  }

  /** What the user's client shows now, and every open status of the user. */
  userStatus(tenantKey: string, userId: string): Promise<UserStatusView> {
    return this.call('GET', `/tenants/${encodeURIComponent(tenantKey)}/users/${encodeURIComponent(userId)}/status`);
  }

  /** The tenant's live events (SSE): opened, replaced, closed, expired, shown, hidden. */
  async events(tenantKey: string, query?: EventQuery): Promise<EventStream> {
    const stream = await EventStream.open(this.address(`/tenants/${encodeURIComponent(tenantKey)}/events`, eventQuery(query)), this.headers);
    this.streams.add(stream);
    return stream;
  }

  /** The tenant's kept events, oldest first, without waiting. */
  async eventHistory(tenantKey: string, query?: EventQuery): Promise<EmulatorEvent[]> {
    return (await this.call<{ events: EmulatorEvent[] }>('GET', `/tenants/${encodeURIComponent(tenantKey)}/events/history`, { query: eventQuery(query) })).events;
  }

  /** Ends the event streams this client opened. */
  async close(): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.close()));
    this.streams.clear();
  }

  private address(path: string, query: Query = {}): string {
    const url = new URL(`${this.url}${CONTROL_PATH}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  private async call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const url = this.address(path, options.query);
    const hasBody = options.body !== undefined;
    const response = await fetch(url, {
      method,
      headers: { ...this.headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
    });
    if (!response.ok) throw await SysstatusError.from(method, url, response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

/** A control client for a server started elsewhere (another process, a shared CI instance). */
export function connect(url: string, options: ConnectOptions = {}): SysstatusClient {
  return new SysstatusClient(url, options);
}

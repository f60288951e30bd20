// One test's own tenant: what POST /_sysstatus/tenants answered, and the control calls scoped to it,
// so that tests running in parallel on one server never see each other's requests, faults or events.
import type { SysstatusClient } from './control-client.js';
import type { EventStream } from './event-stream.js';
import type {
  EmulatorEvent,
  EventQuery,
  FaultRule,
  FaultRuleSpec,
  JournalEntry,
  JournalFilter,
  JournalFindFilter,
  LarkClientOptions,
  SystemStatus,
  TenantCreated,
  UserStatusView,
} from './types.js';

type TenantApp = TenantCreated['apps'][number] & { app_secret: string };

const TOKEN_APIS = new Set(['tenant_access_token', 'app_access_token']);

export class TestTenant {
  readonly tenant_key: string;
  readonly name: string;
  readonly api_permission: boolean;
  /** The tenant's apps, each with its app_secret. */
  readonly apps: TenantApp[];
  /** Its users with the open_id (per app) and union_id (per developer) each one has. */
  readonly users: TenantCreated['users'];
  readonly system_statuses: TenantCreated['system_statuses'];
  /** Everything the server answered when it created the tenant. */
  readonly created: TenantCreated;

  constructor(
    private readonly client: SysstatusClient,
    created: TenantCreated,
  ) {
    this.created = created;
    this.tenant_key = created.tenant_key;
    this.name = created.name;
    this.api_permission = created.api_permission;
    this.apps = created.apps as TenantApp[];
    this.users = created.users;
    this.system_statuses = created.system_statuses;
  }

  /** The first app. */
  get app(): TenantApp {
    if (this.apps.length === 0) throw new Error(`tenant ${this.tenant_key} has no app`);
    return this.apps[0];
  }

  /** `new lark.Client(tenant.larkOptions())`: the app's credentials and the server as domain. */
  larkOptions(appId = this.app.app_id): LarkClientOptions {
    const app = this.apps.find((candidate) => candidate.app_id === appId);
    if (!app) throw new Error(`tenant ${this.tenant_key} has no app ${appId}`);
    return { appId: app.app_id, appSecret: app.app_secret, domain: this.client.domain };
  }

  /** The open_id the app (the first one by default) knows the user by. */
  openId(userId: string, appId = this.app.app_id): string {
    const user = this.users.find((candidate) => candidate.user_id === userId);
    const openId = user?.open_ids[appId];
    if (!openId) throw new Error(`tenant ${this.tenant_key} has no user ${userId} seen by app ${appId}`);
    return openId;
  }

  /** What the user's client shows now, and every open status of the user. */
  userStatus(userId: string): Promise<UserStatusView> {
    return this.client.userStatus(this.tenant_key, userId);
  }

  systemStatuses(): Promise<SystemStatus[]> {
    return this.client.tenants.systemStatuses(this.tenant_key);
  }

  /** The tenant's live events. */
  events(query?: EventQuery): Promise<EventStream> {
    return this.client.events(this.tenant_key, query);
  }

  eventHistory(query?: EventQuery): Promise<EmulatorEvent[]> {
    return this.client.eventHistory(this.tenant_key, query);
  }

  /** The journal, filtered to this tenant's requests. */
  readonly journal = {
    find: (filter: JournalFindFilter = {}): Promise<JournalEntry[]> => this.client.journal.find({ ...filter, tenant_key: this.tenant_key }),
    count: (filter: JournalFilter = {}): Promise<number> => this.client.journal.count({ ...filter, tenant_key: this.tenant_key }),
  };

  /**
   * Fault rules that fire for this tenant only. Token requests carry no tenant before they are
   * answered, so a rule for tenant_access_token or app_access_token matches this tenant's first
   * app unless it names another app_id.
   */
  readonly faults = {
    add: (rule: FaultRuleSpec): Promise<FaultRule> =>
      this.client.faults.add(
        TOKEN_APIS.has(rule.api)
          ? { ...rule, app_id: rule.app_id ?? this.app.app_id }
          : { ...rule, match: { ...rule.match, tenant_key: this.tenant_key } },
      ),
  };

  /** Deletes the tenant and all it holds. */
  delete(): Promise<void> {
    return this.client.tenants.delete(this.tenant_key);
  }
}

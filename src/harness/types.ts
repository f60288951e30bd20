// The harness's public types. Request and answer shapes are taken from the server's own schemas and
// handlers (type-only imports), so the client cannot drift from the routes it calls.
import type { Static } from 'typebox';
import type { ClockState } from '../clock.js';
import type { EmulatorEvent, EventType } from '../emulator/event-hub.js';
import type { FaultRule, FaultRuleInput } from '../emulator/faults.js';
import type { JournalEntry } from '../emulator/journal.js';
import type {
  ControlApp,
  CreateTenantBody,
  CreateUserBody,
  PatchAppBody,
  PatchTenantBody,
  PatchUserBody,
  UsersQuery,
} from '../emulator/routes/provisioning-schemas.js';
import type { mintConsoleToken } from '../operations/apps/mint-console-token.js';
import type { listUsers } from '../operations/users/list-users.js';
import type { Snapshot } from '../emulator/snapshot-schema.js';
import type { AppView, createdTenantView, tenantDescription, tenantView, UserView, userView } from '../emulator/views.js';
import type { JournalApiId } from '../emulator/api-ids.js';
import type { UserStatusView } from '../operations/user-status-view.js';
import type { SeedFile, SeedTenant } from '../seed/seed-schema.js';
import type { SystemStatus } from '../domain/system-status.js';

export type { AppView, ClockState, EmulatorEvent, EventType, FaultRule, JournalApiId, JournalEntry, SeedFile, SeedTenant, Snapshot, SystemStatus, UserStatusView };

/** A point in (clock) time: milliseconds since the epoch, an ISO 8601 string, or a Date. */
export type Instant = number | string | Date;
/** A length of time: milliseconds, or a number with a unit: '500ms', '90s', '15m', '2h', '1d'. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/** POST /_sysstatus/tenants: a seed tenant whose name, tenant_key, app_id and app_secret may be left out. */
export type TenantFragment = Partial<CreateTenantBody>;
export type AppFragment = ControlApp;
export type TenantCreated = Awaited<ReturnType<typeof createdTenantView>>;
export type TenantDescription = Awaited<ReturnType<typeof tenantDescription>>;
export type TenantSummary = ReturnType<typeof tenantView>;
export type TenantChanges = Static<typeof PatchTenantBody>;
export type AppCreated = AppView;
export type AppChanges = Static<typeof PatchAppBody>;
export type MintedToken = Awaited<ReturnType<typeof mintConsoleToken>>;
export type NewUser = Static<typeof CreateUserBody>;
export type UserChanges = Static<typeof PatchUserBody>;
export type UsersPageQuery = Static<typeof UsersQuery>;
export type UsersPage = Omit<Awaited<ReturnType<typeof listUsers>>, 'users'> & { users: UserView[] };
export type UserDetail = Awaited<ReturnType<typeof userView>>;
export type SyncChange = { user_id: string; system_status_id: string; sync_on: boolean; user: UserDetail };

/** A user as one app sees it (GET /_sysstatus/apps/:app_id/users). */
export interface AppUser {
  user_id: string;
  open_id: string;
  union_id: string;
  name: string;
  resigned: boolean;
  /** Inside the app's contact scope. */
  visible: boolean;
}
export interface AppUsersPage {
  users: AppUser[];
  has_more: boolean;
  page_token?: string;
}

/** A fault rule to add: the next `times` matching calls answer `response` and/or wait `delay_ms`. */
export type FaultRuleSpec = FaultRuleInput;

export interface JournalFilter {
  api?: JournalApiId;
  app_id?: string;
  tenant_key?: string;
  /** The envelope's code, e.g. 0 or 99991400. */
  code?: number;
  /** The HTTP status. */
  status?: number;
  /** Inclusive bounds on the clock time a request arrived. */
  since?: Instant;
  until?: Instant;
}
export interface JournalFindFilter extends JournalFilter {
  /** At most this many, newest first (default 100). */
  limit?: number;
}

export interface EventQuery {
  /** Replay kept events with a larger id first. */
  since?: number;
  /** Only these event types. */
  types?: readonly EventType[];
}

export interface ResetOptions {
  /** Keep these instead of returning them to the start state. */
  keep?: readonly ('journal' | 'faults' | 'clock' | 'events')[];
}

/** GET /_sysstatus: the mode, where the docs are, and the clock. */
export interface ServerInfo {
  mode: 'emulator' | 'production';
  docs: string;
  openapi: string;
  clock: ClockState;
}

/** Options for a lark.Client (`new lark.Client(tenant.larkOptions())`). */
export interface LarkClientOptions {
  appId: string;
  appSecret: string;
  domain: string;
}

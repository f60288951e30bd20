// Every request the console makes: the control API under /_sysstatus and, for anything an app
// could do, the real platform endpoints with a real tenant_access_token.

// The platform's own shapes, from the domain (types only: nothing of the server is bundled).
export type { I18nText } from '../../domain/enums.js';
export type { SyncSetting, SystemStatus } from '../../domain/system-status.js';
export type { JournalEntry } from '../../emulator/journal-entry.js';
export type { ClockState } from '../../clock.js';
export type { FaultRule, FaultRuleInput } from '../../emulator/faults.js';
export type { TenantRecord as Tenant } from '../../store/store.js';
export type { JournalApiId } from '../../emulator/api-ids.js';
export type { EmulatorEvent, EventType } from '../../emulator/event-types.js';
import type { JournalEntry } from '../../emulator/journal-entry.js';
import type { ClockState } from '../../clock.js';
import type { FaultRule, FaultRuleInput } from '../../emulator/faults.js';
import type { TenantRecord as Tenant } from '../../store/store.js';
import type { I18nText } from '../../domain/enums.js';
import type { SystemStatus } from '../../domain/system-status.js';

export interface ChipLike {
  system_status_id: string;
  title: string;
  i18n_title?: I18nText;
  icon_key: string;
  color: string;
  end_time: number;
}

export interface OpenStatus extends ChipLike {
  priority: number;
  sync_on: boolean;
}

export interface ConsoleUser {
  user_id: string;
  name: string;
  resigned: boolean;
  shown: ChipLike | null;
  open: OpenStatus[];
}


export interface AppInfo {
  app_id: string;
  name: string;
  type: string;
  developer: string;
  scopes: string[];
  contact_scope: 'all' | string[];
  app_secret?: string;
}



/** A control API answer that was not 2xx. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const message = (body as { message?: string } | null)?.message;
    super(message ? `${status}: ${message}` : `HTTP ${status}`);
  }
}

const ADMIN_TOKEN_KEY = 'sysstatus.admin_token';

/** The admin token a production server asks for; kept for this tab only. */
export const adminToken = {
  get: () => sessionStorage.getItem(ADMIN_TOKEN_KEY) ?? undefined,
  set: (token: string) => sessionStorage.setItem(ADMIN_TOKEN_KEY, token),
};

async function controlCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = adminToken.get();
  const response = await fetch(`/_sysstatus${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ControlError(response.status, parsed);
  return parsed as T;
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

const tk = (tenantKey: string) => `/tenants/${encodeURIComponent(tenantKey)}`;

export const control = {
  /** The control plane's own description: its mode (emulator / production), among other things. */
  info: () => controlCall<{ mode?: 'emulator' | 'production'; clock?: ClockState }>('GET', ''),
  tenants: () => controlCall<{ tenants: Tenant[] }>('GET', '/tenants'),
  apps: (tenantKey: string) => controlCall<{ apps: AppInfo[] }>('GET', `${tk(tenantKey)}/apps`),
  users: (tenantKey: string, params: { q?: string; page_size?: number; page_token?: string }) =>
    controlCall<{ users: ConsoleUser[]; has_more: boolean; page_token?: string }>('GET', `${tk(tenantKey)}/users${query(params)}`),
  statuses: (tenantKey: string) => controlCall<{ items: SystemStatus[] }>('GET', `${tk(tenantKey)}/system_statuses`),
  token: (appId: string) =>
    controlCall<{ tenant_access_token: string; expire: number }>('POST', `/apps/${encodeURIComponent(appId)}/token`, {}),
  clock: () => controlCall<ClockState>('GET', '/clock'),
  setClock: (body: { action: 'freeze' | 'unfreeze' | 'set' | 'advance' | 'reset'; at?: number; ms?: number }) =>
    controlCall<ClockState>('POST', '/clock', body),
  faults: () => controlCall<{ rules: FaultRule[] }>('GET', '/faults'),
  addFault: (rule: FaultRuleInput) => controlCall<unknown>('POST', '/faults', rule),
  deleteFault: (id?: string) => controlCall<unknown>('DELETE', id ? `/faults/${encodeURIComponent(id)}` : '/faults'),
  journal: (params: { api?: string; app_id?: string; code?: string; limit?: number }) =>
    controlCall<{ entries: JournalEntry[] }>('GET', `/journal${query(params)}`),
  eventsUrl: (tenantKey: string) => `/_sysstatus${tk(tenantKey)}/events`,
};

/** What the platform answered: its envelope, HTTP status and log id. */
export interface PlatformAnswer<T> {
  status: number;
  log_id: string | null;
  code: number;
  msg: string;
  data?: T;
  body: unknown;
}

const TOKEN_ERRORS = new Set([99991661, 99991663, 99991664, 99991668]);

/** Calls the platform API as one app, the way the app itself would. */
export class PlatformClient {
  private token: { value: string; until: number } | undefined;

  constructor(readonly app: AppInfo) {}

  private async tenantToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    let answer: { tenant_access_token: string; expire: number };
    if (this.app.app_secret) {
      const response = await fetch('/open-apis/auth/v3/tenant_access_token/internal', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ app_id: this.app.app_id, app_secret: this.app.app_secret }),
      });
      const body = (await response.json()) as { code: number; msg: string; tenant_access_token: string; expire: number };
      if (body.code !== 0) throw new Error(`tenant_access_token: ${body.code} ${body.msg}`);
      answer = body;
    } else {
      answer = await control.token(this.app.app_id);
    }
    // Renew a minute early, as the SDKs do.
    this.token = { value: answer.tenant_access_token, until: Date.now() + Math.max(0, answer.expire - 60) * 1000 };
    return answer.tenant_access_token;
  }

  async call<T>(method: string, path: string, body?: unknown, retried = false): Promise<PlatformAnswer<T>> {
    const token = await this.tenantToken();
    const response = await fetch(`/open-apis/personal_settings/v1/system_statuses${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: { code?: number; msg?: string; data?: T } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { code: -1, msg: text.slice(0, 200) };
    }
    if (!retried && TOKEN_ERRORS.has(parsed.code ?? 0)) {
      this.token = undefined;
      return this.call(method, path, body, true);
    }
    return {
      status: response.status,
      log_id: response.headers.get('x-tt-logid'),
      code: parsed.code ?? -1,
      msg: parsed.msg ?? '',
      data: parsed.data,
      body: parsed,
    };
  }
}

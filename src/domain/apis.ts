// The catalogue of platform APIs sysstatus serves: one id per operation, used by routes,
// scopes, rate limits, logs, metrics and the journal.

export const SCOPES = {
  system_status_update: 'personal_settings:status:system_status_update',
  system_status_operate: 'personal_settings:status:system_status_operate',
  employee_id: 'contact:user.employee_id:readonly',
  contact_base: 'contact:contact.base:readonly',
  contact_access_as_app: 'contact:contact:access_as_app',
  contact_readonly: 'contact:contact:readonly',
  contact_readonly_as_app: 'contact:contact:readonly_as_app',
  /** Field scope: a user's name comes back only with it (or a whole-contact scope). */
  user_base: 'contact:user.base:readonly',
} as const;

/** Any one of these lets an app read users through the contact API. */
const CONTACT_READ_SCOPES = [
  SCOPES.contact_base,
  SCOPES.contact_access_as_app,
  SCOPES.contact_readonly,
  SCOPES.contact_readonly_as_app,
];

export interface RateLimit {
  per_second?: number;
  per_minute?: number;
}

export interface ApiSpec {
  readonly id: ApiId;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** Any one of these scopes grants the call. */
  readonly scopes: readonly string[];
  readonly rate_limit: RateLimit;
  /** The platform's numeric API id, used in error.troubleshooter; empty when unknown. */
  readonly method_id: string;
  /** App types the API accepts; custom only when absent. */
  readonly app_types?: readonly ('custom' | 'store')[];
}

const BASE = '/open-apis/personal_settings/v1/system_statuses';
const TIER_3: RateLimit = { per_minute: 100 };
const TIER_4: RateLimit = { per_second: 50, per_minute: 1000 };

export const APIS = {
  create: {
    id: 'create',
    method: 'POST',
    path: BASE,
    scopes: [SCOPES.system_status_update],
    rate_limit: TIER_3,
    method_id: '7161608966368821251',
  },
  delete: {
    id: 'delete',
    method: 'DELETE',
    path: `${BASE}/:system_status_id`,
    scopes: [SCOPES.system_status_update],
    rate_limit: TIER_3,
    // Not published; the family's ids are 16384 apart and this is the one gap in the run.
    method_id: '7161608966368804867',
  },
  patch: {
    id: 'patch',
    method: 'PATCH',
    path: `${BASE}/:system_status_id`,
    scopes: [SCOPES.system_status_update],
    rate_limit: TIER_3,
    method_id: '7161608966368739331',
  },
  list: {
    id: 'list',
    method: 'GET',
    path: BASE,
    scopes: [SCOPES.system_status_update],
    rate_limit: TIER_3,
    method_id: '7161608966368755715',
  },
  batch_open: {
    id: 'batch_open',
    method: 'POST',
    path: `${BASE}/:system_status_id/batch_open`,
    scopes: [SCOPES.system_status_operate],
    rate_limit: TIER_4,
    method_id: '7161608966368772099',
  },
  batch_close: {
    id: 'batch_close',
    method: 'POST',
    path: `${BASE}/:system_status_id/batch_close`,
    scopes: [SCOPES.system_status_operate],
    rate_limit: TIER_4,
    method_id: '7161608966368788483',
  },
  contact_user_get: {
    id: 'contact_user_get',
    method: 'GET',
    path: '/open-apis/contact/v3/users/:user_id',
    scopes: CONTACT_READ_SCOPES,
    rate_limit: TIER_4,
    // Seen in a live 99991672 answer listing exactly these four scopes (see docs/compatibility.md).
    method_id: '6925375841992245275',
    app_types: ['custom', 'store'],
  },
  contact_user_batch: {
    id: 'contact_user_batch',
    method: 'GET',
    path: '/open-apis/contact/v3/users/batch',
    scopes: CONTACT_READ_SCOPES,
    rate_limit: TIER_4,
    method_id: '',
    app_types: ['custom', 'store'],
  },
} as const satisfies Record<string, Omit<ApiSpec, 'id'> & { id: string }>;

export type ApiId = keyof typeof APIS;

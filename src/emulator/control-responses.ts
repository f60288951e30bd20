// What each control endpoint answers, as schemas: the OpenAPI document describes every answer from
// here (src/emulator/route-answers.ts), and test/emulator/route-answers.test.ts checks real answers
// against them. One table for the whole control surface; the control plugin refuses to start with
// a route that has none. The control surface serialises with JSON.stringify
// (src/http/serializer-compiler.ts): these schemas describe, never trim, an answer.
import Type, { type TSchema } from 'typebox';
import { APP_TYPES } from '../domain/enums.js';
import { CONTROL_ERRORS } from '../domain/errors.js';
import { SystemStatusSchema } from '../domain/system-status-schema.js';
import { JOURNAL_API_IDS } from './api-ids.js';
import { EVENT_TYPES } from './event-types.js';
import { PlainError } from '../http/health/plain-responses.js';
import { Snapshot } from './snapshot-schema.js';

export const ControlErrorBody = Type.Object({
  code: Type.Enum(Object.keys(CONTROL_ERRORS) as (keyof typeof CONTROL_ERRORS)[]),
  message: Type.String(),
  platform_code: Type.Optional(Type.Integer({ description: 'a platform rule the request broke' })),
  field_violations: Type.Optional(Type.Array(Type.Object({ field: Type.String(), value: Type.Optional(Type.String()), description: Type.String() }))),
});

const I18nText = SystemStatusSchema.properties.i18n_title;
const Ids = Type.Record(Type.String(), Type.String());

const ClockState = Type.Object({ now: Type.Integer(), frozen: Type.Boolean(), offset_ms: Type.Integer() });
const Tenant = Type.Object({ tenant_key: Type.String(), name: Type.String(), api_permission: Type.Boolean(), created_at: Type.Integer() });
const AppView = Type.Object({
  app_id: Type.String(),
  tenant_key: Type.String(),
  name: Type.String(),
  type: Type.Enum([...APP_TYPES]),
  developer: Type.String(),
  scopes: Type.Array(Type.String()),
  contact_scope: Type.Union([Type.Literal('all'), Type.Array(Type.String())]),
  created_at: Type.Integer(),
  app_secret: Type.Optional(Type.String({ description: 'emulator mode, when the server saw the secret; in production only on creation' })),
});
const Shown = Type.Object({
  system_status_id: Type.String(),
  title: Type.String(),
  i18n_title: I18nText,
  icon_key: Type.String(),
  color: Type.String(),
  end_time: Type.Integer(),
});
const OpenView = Type.Object({ ...Shown.properties, priority: Type.Integer(), sync_on: Type.Boolean() });
const UserStatus = { shown: Type.Union([Shown, Type.Null()]), open: Type.Array(OpenView) };
const UserView = Type.Object({ user_id: Type.String(), name: Type.String(), resigned: Type.Boolean(), ...UserStatus });
const UserWithIds = Type.Object({ ...UserView.properties, open_ids: Ids, union_ids: Ids });
const FaultRule = Type.Object({
  id: Type.String(),
  api: Type.Enum([...JOURNAL_API_IDS]),
  app_id: Type.Optional(Type.String()),
  times: Type.Optional(Type.Integer()),
  match: Type.Optional(Type.Record(Type.String(), Type.String())),
  response: Type.Optional(
    Type.Object({ status: Type.Integer(), code: Type.Integer(), msg: Type.String(), headers: Type.Optional(Ids) }),
  ),
  delay_ms: Type.Optional(Type.Integer()),
  probability: Type.Optional(Type.Number()),
  seed: Type.Optional(Type.Integer()),
  remaining: Type.Union([Type.Integer(), Type.Null()]),
  fired: Type.Integer(),
  created_at: Type.Integer(),
});
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const JournalEntry = Type.Object({
  id: Type.Integer(),
  time: Type.Integer(),
  api: Nullable(Type.Enum([...JOURNAL_API_IDS])),
  app_id: Nullable(Type.String()),
  tenant_key: Nullable(Type.String()),
  user_id_type: Nullable(Type.String()),
  method: Type.String(),
  path: Type.String(),
  status: Type.Integer(),
  code: Nullable(Type.Integer()),
  log_id: Type.String(),
  latency_ms: Type.Number(),
  fault_id: Nullable(Type.String()),
  request: Type.Object({ headers: Ids, query: Type.Record(Type.String(), Type.Unknown()), body: Type.Unknown() }),
  response: Type.Object({ headers: Ids, body: Type.Unknown() }),
});
const Event = Type.Object({
  id: Type.Integer(),
  type: Type.Enum([...EVENT_TYPES]),
  tenant_key: Type.String(),
  system_status_id: Type.String(),
  at: Type.Integer(),
  user_ids: Type.Optional(Type.Array(Type.String())),
  user_id: Type.Optional(Type.String()),
});

const NoContent = Type.Null({ description: 'no content' });
const Redirect = Type.Union([Type.Null(), Type.String()], { description: 'a redirect to the Swagger UI page' });
const Text = (description: string) => Type.String({ description });
const Page = (items: Record<string, TSchema>) => Type.Object({ ...items, has_more: Type.Boolean(), page_token: Type.Optional(Type.String()) });

/** Each control route's answers by HTTP status, keyed "METHOD path" under /_sysstatus. */
export const CONTROL_RESPONSES: Record<string, Partial<Record<number | '4xx' | '5xx', TSchema>>> = {
  'GET /': {
    200: Type.Object({ mode: Type.Enum(['emulator', 'production']), docs: Type.String(), openapi: Type.String(), clock: ClockState }),
  },
  'GET /openapi.json': { 200: Type.Object({ openapi: Type.String() }, { description: 'this document' }) },
  'GET /docs': { 200: Text('the Swagger UI page'), 302: Redirect },
  'GET /docs/json': { 200: Type.Object({ openapi: Type.String() }, { description: 'this document' }) },
  'GET /docs/yaml': { 200: Text('this document as YAML') },
  'GET /docs/static/index.html': { 200: Text('the Swagger UI page'), 302: Redirect },
  'GET /docs/static/swagger-initializer.js': { 200: Text('the Swagger UI start script') },
  'GET /docs/static/*': { 200: Text('a Swagger UI asset') },
  // The console's files answer their errors in plain text (src/http/errors/plain-errors.ts).
  'GET /console': { 200: Text('the console page (text/html)'), '4xx': PlainError, '5xx': PlainError },
  'GET /console/assets/:file': { 200: Text('a console asset'), '4xx': PlainError, '5xx': PlainError },

  'GET /apps/:app_id/users': {
    200: Page({
      users: Type.Array(
        Type.Object({ user_id: Type.String(), open_id: Type.String(), union_id: Type.String(), name: Type.String(), resigned: Type.Boolean(), visible: Type.Boolean() }),
      ),
    }),
  },
  'GET /tenants/:tenant_key/users/:user_id/status': { 200: Type.Object({ user_id: Type.String(), ...UserStatus }) },

  'GET /tenants': { 200: Type.Object({ tenants: Type.Array(Tenant) }) },
  'POST /tenants': {
    201: Type.Object({
      ...Tenant.properties,
      apps: Type.Array(AppView),
      users: Type.Array(Type.Object({ user_id: Type.String(), name: Type.String(), resigned: Type.Boolean(), open_ids: Ids, union_ids: Ids })),
      system_statuses: Type.Array(SystemStatusSchema),
    }),
  },
  'GET /tenants/:tenant_key': {
    200: Type.Object({
      ...Tenant.properties,
      apps: Type.Array(AppView),
      counts: Type.Object({ apps: Type.Integer(), users: Type.Integer(), resigned_users: Type.Integer(), system_statuses: Type.Integer() }),
    }),
  },
  'PATCH /tenants/:tenant_key': { 200: Tenant },
  'DELETE /tenants/:tenant_key': { 204: NoContent },
  'GET /tenants/:tenant_key/system_statuses': { 200: Type.Object({ items: Type.Array(SystemStatusSchema) }) },
  'GET /tenants/:tenant_key/apps': { 200: Type.Object({ apps: Type.Array(AppView) }) },
  'POST /tenants/:tenant_key/apps': { 201: AppView },
  'GET /apps/:app_id': { 200: AppView },
  'PATCH /apps/:app_id': { 200: AppView },
  'DELETE /apps/:app_id': { 204: NoContent },
  'POST /apps/:app_id/token': { 200: Type.Object({ tenant_access_token: Type.String(), expire: Type.Integer() }) },
  'GET /tenants/:tenant_key/users': { 200: Page({ users: Type.Array(UserView) }) },
  'POST /tenants/:tenant_key/users': { 201: UserWithIds },
  'GET /tenants/:tenant_key/users/:user_id': { 200: UserWithIds },
  'PATCH /tenants/:tenant_key/users/:user_id': { 200: UserWithIds },
  'DELETE /tenants/:tenant_key/users/:user_id': { 204: NoContent },
  'POST /tenants/:tenant_key/users/:user_id/resign': { 200: UserWithIds },
  'POST /tenants/:tenant_key/users/:user_id/reinstate': { 200: UserWithIds },
  'PUT /tenants/:tenant_key/users/:user_id/sync/:system_status_id': {
    200: Type.Object({ user_id: Type.String(), system_status_id: Type.String(), sync_on: Type.Boolean(), user: UserWithIds }),
  },

  'GET /clock': { 200: ClockState },
  'POST /clock': { 200: ClockState },

  'GET /faults': { 200: Type.Object({ rules: Type.Array(FaultRule) }) },
  'POST /faults': { 201: FaultRule },
  'GET /faults/:id': { 200: FaultRule },
  'DELETE /faults': { 204: NoContent },
  'DELETE /faults/:id': { 204: NoContent },

  'GET /journal': { 200: Type.Object({ entries: Type.Array(JournalEntry) }) },
  'GET /journal/count': { 200: Type.Object({ count: Type.Integer() }) },
  'DELETE /journal': { 204: NoContent },

  'POST /reset': { 200: Type.Object({ reset: Type.Literal(true), clock: ClockState }) },
  'GET /snapshot': { 200: Snapshot },
  'POST /snapshot': { 200: Type.Object({ imported: Type.Object({ tenants: Type.Integer(), access_tokens: Type.Integer() }) }) },

  'GET /tenants/:tenant_key/events': { 200: Text('text/event-stream: one event per status transition, JSON in data') },
  'GET /tenants/:tenant_key/events/history': { 200: Type.Object({ events: Type.Array(Event) }) },
};

/**
 * A control route's answers: its own and the control API's errors. HEAD answers as its GET does.
 * Throws for a route the table lacks, so that no control route goes undescribed.
 */
export function controlResponses(method: string, path: string): Record<string, TSchema> {
  const answers = CONTROL_RESPONSES[`${method === 'HEAD' ? 'GET' : method} ${path}`];
  if (!answers) throw new Error(`no response schema for the control route ${method} ${path} (src/emulator/control-responses.ts)`);
  return { '4xx': ControlErrorBody, '5xx': ControlErrorBody, ...answers };
}

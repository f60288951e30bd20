// The snapshot file: the whole stored state, as JSON. Secrets appear only as the digests the
// store keeps; tokens only as digest + nonce (useless without the app secret).
import Type, { type Static } from 'typebox';
import { APP_TYPES } from '../domain/enums.js';
import { I18nTextSchema, SystemStatusSchema as DomainSystemStatus } from '../domain/system-status-schema.js';

// Stricter than the API's shape: a snapshot holds no locale the platform does not know.
const I18nText = Type.Object(I18nTextSchema.properties, { additionalProperties: false });
const strictI18n = { i18n_title: Type.Optional(I18nText) };

export const SystemStatusSchema = Type.Object({
  ...DomainSystemStatus.properties,
  ...strictI18n,
  sync_setting: Type.Object({ ...DomainSystemStatus.properties.sync_setting.properties, ...strictI18n, i18n_explain: Type.Optional(I18nText) }),
});

const SnapshotApp = Type.Object({
  app_id: Type.String({ minLength: 1 }),
  name: Type.String(),
  app_secret_digest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  type: Type.Enum([...APP_TYPES]),
  developer: Type.String({ minLength: 1 }),
  scopes: Type.Array(Type.String()),
  contact_scope: Type.Union([Type.Literal('all'), Type.Array(Type.String())]),
  created_at: Type.Integer(),
});

const SnapshotUser = Type.Object({
  user_id: Type.String({ minLength: 1 }),
  name: Type.String(),
  resigned: Type.Boolean(),
  created_at: Type.Integer(),
});

const SnapshotOpen = Type.Object({
  user_id: Type.String(),
  system_status_id: Type.String(),
  end_time: Type.Integer(),
  opened_at: Type.Integer(),
  title: Type.String(),
  i18n_title: Type.Optional(I18nText),
  icon_key: DomainSystemStatus.properties.icon_key,
  color: DomainSystemStatus.properties.color,
  priority: DomainSystemStatus.properties.priority,
  open_by_default: Type.Boolean(),
});

const SnapshotTenant = Type.Object({
  tenant_key: Type.String({ minLength: 1 }),
  name: Type.String(),
  api_permission: Type.Boolean(),
  created_at: Type.Integer(),
  apps: Type.Array(SnapshotApp),
  users: Type.Array(SnapshotUser),
  system_statuses: Type.Array(SystemStatusSchema),
  sync_preferences: Type.Array(Type.Object({ user_id: Type.String(), system_status_id: Type.String(), sync_on: Type.Boolean() })),
  opens: Type.Array(SnapshotOpen),
  /** sync_off titles no status has yet; absent in snapshots made before they were kept. */
  pending_sync_off: Type.Optional(Type.Array(Type.Object({ user_id: Type.String(), title: Type.String() }))),
});

const SnapshotToken = Type.Object({
  token_digest: Type.String(),
  kind: Type.Enum(['tenant', 'app']),
  app_id: Type.String(),
  tenant_key: Type.String(),
  nonce: Type.String(),
  issued_at: Type.Integer(),
  expires_at: Type.Integer(),
});

export const Snapshot = Type.Object({
  format: Type.Literal('sysstatus-snapshot'),
  version: Type.Literal(1),
  tenants: Type.Array(SnapshotTenant),
  access_tokens: Type.Array(SnapshotToken),
});
export type Snapshot = Static<typeof Snapshot>;
export type SnapshotTenant = Static<typeof SnapshotTenant>;

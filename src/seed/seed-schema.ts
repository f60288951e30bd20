import Type, { type Static } from 'typebox';
import { APP_TYPES } from '../domain/enums.js';
import { CreateSystemStatusBody } from '../domain/system-status-schema.js';

const SeedUser = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.Optional(Type.String()),
    resigned: Type.Optional(Type.Boolean()),
    /** Titles of statuses whose auto-open (sync) this user turned off. */
    sync_off: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

const SeedApp = Type.Object(
  {
    app_id: Type.Optional(Type.String({ pattern: '^cli_[0-9a-zA-Z]{1,60}$' })),
    app_secret: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String()),
    type: Type.Optional(Type.Enum([...APP_TYPES])),
    developer: Type.Optional(Type.String({ minLength: 1 })),
    scopes: Type.Optional(Type.Array(Type.String())),
    contact_scope: Type.Optional(Type.Union([Type.Literal('all'), Type.Array(Type.String())])),
  },
  { additionalProperties: false },
);

export const SeedTenant = Type.Object(
  {
    tenant_key: Type.Optional(Type.String({ pattern: '^[0-9a-zA-Z]{1,64}$' })),
    name: Type.String({ minLength: 1 }),
    api_permission: Type.Optional(Type.Boolean()),
    apps: Type.Optional(Type.Array(SeedApp)),
    users: Type.Optional(Type.Array(SeedUser)),
    system_statuses: Type.Optional(Type.Array(CreateSystemStatusBody)),
  },
  { additionalProperties: false },
);
export type SeedTenant = Static<typeof SeedTenant>;

export const SeedFile = Type.Object({ tenants: Type.Array(SeedTenant) }, { additionalProperties: false });
export type SeedFile = Static<typeof SeedFile>;

// Request bodies and queries of the provisioning routes.
import Type, { type Static } from 'typebox';
import { SeedTenant } from '../../seed/seed-schema.js';

const SeedApp = SeedTenant.properties.apps.items;

export const ContactScopeSchema = Type.Union([Type.Literal('all'), Type.Array(Type.String({ minLength: 1 }))]);

/** A seed app whose app_id and app_secret may be left out: the emulator then makes random ones. */
export const ControlApp = Type.Object(
  { ...SeedApp.properties, app_secret: Type.Optional(Type.String({ minLength: 1 })) },
  { additionalProperties: false },
);
export type ControlApp = Static<typeof ControlApp>;

/** A seed tenant fragment; tenant_key absent → a random one, so parallel tests never collide. */
export const CreateTenantBody = Type.Object(
  { ...SeedTenant.properties, apps: Type.Optional(Type.Array(ControlApp)) },
  { additionalProperties: false },
);

export type CreateTenantBody = Static<typeof CreateTenantBody>;

export const PatchTenantBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1 })), api_permission: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const PatchAppBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1 })),
    scopes: Type.Optional(Type.Array(Type.String())),
    contact_scope: Type.Optional(ContactScopeSchema),
  },
  { additionalProperties: false },
);

export const UsersQuery = Type.Object({
  q: Type.Optional(Type.String({ description: 'case-insensitive part of the user_id or name' })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  page_token: Type.Optional(Type.String()),
});

export const CreateUserBody = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.Optional(Type.String()),
    resigned: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PatchUserBody = Type.Object(
  { name: Type.Optional(Type.String()), resigned: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

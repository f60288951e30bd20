import Type from 'typebox';
import type { App } from '../../http/types.js';
import { disabledInProduction } from '../control-error.js';
import type { Emulator } from '../emulator.js';
import { createApp, deleteApp, mintConsoleToken, PatchAppBody, patchApp, requireApp } from '../provisioning/apps.js';
import {
  ControlApp,
  CreateTenantBody,
  createTenant,
  deleteTenant,
  describeTenant,
  PatchTenantBody,
  patchTenant,
  requireTenant,
} from '../provisioning/tenants.js';
import {
  CreateUserBody,
  createUser,
  deleteUser,
  getUser,
  listUsers,
  PatchUserBody,
  patchUser,
  setSync,
  UsersQuery,
} from '../provisioning/users.js';
import { appView, tenantView } from '../views.js';

const TAGS = ['emulator: provisioning'];
const TenantParams = Type.Object({ tenant_key: Type.String() });
const AppParams = Type.Object({ app_id: Type.String() });
const UserParams = Type.Object({ tenant_key: Type.String(), user_id: Type.String() });

export async function provisioningRoutes(app: App, emulator: Emulator) {
  const { services, secrets } = emulator;
  const { store } = services;

  // ---- tenants ---------------------------------------------------------------------------
  app.get('/tenants', { schema: { tags: TAGS, summary: 'Every tenant' } }, async () => ({
    tenants: (await store.listTenants()).map(tenantView),
  }));

  app.post(
    '/tenants',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a complete tenant from a seed fragment; answers its credentials and IDs',
        description: 'tenant_key, app_id and app_secret may be left out: random ones are made, so parallel tests get isolated tenants.',
        body: CreateTenantBody,
      },
    },
    async (request, reply) => reply.code(201).send(await createTenant(services, secrets, request.body)),
  );

  app.get('/tenants/:tenant_key', { schema: { tags: TAGS, summary: 'A tenant, its apps and counts', params: TenantParams } }, async (request) =>
    describeTenant(services, secrets, request.params.tenant_key),
  );

  app.patch(
    '/tenants/:tenant_key',
    { schema: { tags: TAGS, summary: "Rename a tenant or change its API permission (2005007 when false)", params: TenantParams, body: PatchTenantBody } },
    async (request) => patchTenant(services, request.params.tenant_key, request.body),
  );

  app.delete('/tenants/:tenant_key', { schema: { tags: TAGS, summary: 'Delete a tenant and all it holds', params: TenantParams } }, async (request, reply) => {
    await deleteTenant(services, secrets, request.params.tenant_key);
    return reply.code(204).send();
  });

  app.get(
    '/tenants/:tenant_key/system_statuses',
    { schema: { tags: TAGS, summary: "The tenant's system statuses (no token needed)", params: TenantParams } },
    async (request) => {
      await requireTenant(services, request.params.tenant_key);
      return { items: await store.listSystemStatuses(request.params.tenant_key) };
    },
  );

  // ---- apps ------------------------------------------------------------------------------
  app.get('/tenants/:tenant_key/apps', { schema: { tags: TAGS, summary: "The tenant's apps", params: TenantParams } }, async (request) => {
    await requireTenant(services, request.params.tenant_key);
    const apps = await store.listApps(request.params.tenant_key);
    return { apps: await Promise.all(apps.map((found) => appView(store, found, secrets.reveal(found.app_id, found.app_secret_digest)))) };
  });

  app.post(
    '/tenants/:tenant_key/apps',
    { schema: { tags: TAGS, summary: 'Add an app; the answer carries its secret', params: TenantParams, body: ControlApp } },
    async (request, reply) => reply.code(201).send(await createApp(services, secrets, request.params.tenant_key, request.body)),
  );

  app.get('/apps/:app_id', { schema: { tags: TAGS, summary: 'An app (with its secret in emulator mode when known)', params: AppParams } }, async (request) => {
    const found = await requireApp(services, request.params.app_id);
    return appView(store, found, secrets.reveal(found.app_id, found.app_secret_digest));
  });

  app.patch(
    '/apps/:app_id',
    { schema: { tags: TAGS, summary: "Change an app's name, scopes or contact scope ('all' or user_ids)", params: AppParams, body: PatchAppBody } },
    async (request) => patchApp(services, secrets, request.params.app_id, request.body),
  );

  app.delete('/apps/:app_id', { schema: { tags: TAGS, summary: 'Delete an app (its tokens stop working)', params: AppParams } }, async (request, reply) => {
    await deleteApp(services, secrets, request.params.app_id);
    return reply.code(204).send();
  });

  app.post(
    '/apps/:app_id/token',
    { schema: { tags: TAGS, summary: 'A tenant_access_token for the app, without its secret (emulator mode only)', params: AppParams } },
    async (request) => {
      if (emulator.mode === 'production') throw disabledInProduction('minting tokens without a secret');
      return mintConsoleToken(services, request.params.app_id);
    },
  );

  // ---- users -----------------------------------------------------------------------------
  app.get(
    '/tenants/:tenant_key/users',
    { schema: { tags: TAGS, summary: 'Users with what their client shows and their open statuses', params: TenantParams, querystring: UsersQuery } },
    async (request) => listUsers(services, request.params.tenant_key, request.query),
  );

  app.post(
    '/tenants/:tenant_key/users',
    { schema: { tags: TAGS, summary: 'Add a user (open_ids and union_ids are derived)', params: TenantParams, body: CreateUserBody } },
    async (request, reply) => reply.code(201).send(await createUser(services, request.params.tenant_key, request.body)),
  );

  app.get('/tenants/:tenant_key/users/:user_id', { schema: { tags: TAGS, summary: 'One user', params: UserParams } }, async (request) =>
    getUser(services, request.params.tenant_key, request.params.user_id),
  );

  app.patch(
    '/tenants/:tenant_key/users/:user_id',
    { schema: { tags: TAGS, summary: 'Rename a user, or resign / reinstate', params: UserParams, body: PatchUserBody } },
    async (request) => patchUser(services, request.params.tenant_key, request.params.user_id, request.body),
  );

  app.delete('/tenants/:tenant_key/users/:user_id', { schema: { tags: TAGS, summary: 'Delete a user', params: UserParams } }, async (request, reply) => {
    await deleteUser(services, request.params.tenant_key, request.params.user_id);
    return reply.code(204).send();
  });

  app.post(
    '/tenants/:tenant_key/users/:user_id/resign',
    { schema: { tags: TAGS, summary: 'The user leaves: batch calls answer resign_user_id', params: UserParams } },
    async (request) => patchUser(services, request.params.tenant_key, request.params.user_id, { resigned: true }),
  );

  app.post(
    '/tenants/:tenant_key/users/:user_id/reinstate',
    { schema: { tags: TAGS, summary: 'The user is back', params: UserParams } },
    async (request) => patchUser(services, request.params.tenant_key, request.params.user_id, { resigned: false }),
  );

  app.put(
    '/tenants/:tenant_key/users/:user_id/sync/:system_status_id',
    {
      schema: {
        tags: TAGS,
        summary: "The user's auto-open (sync) toggle for one status",
        params: Type.Object({ tenant_key: Type.String(), user_id: Type.String(), system_status_id: Type.String() }),
        body: Type.Object({ sync_on: Type.Boolean() }, { additionalProperties: false }),
      },
    },
    async (request) =>
      setSync(services, emulator.events, request.params.tenant_key, request.params.user_id, request.params.system_status_id, request.body.sync_on),
  );
}

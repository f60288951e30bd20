import Type from 'typebox';
import type { App } from '../../http/types.js';
import { createApp } from '../../operations/apps/create-app.js';
import { deleteApp } from '../../operations/apps/delete-app.js';
import { mintConsoleToken } from '../../operations/apps/mint-console-token.js';
import { patchApp } from '../../operations/apps/patch-app.js';
import { requireApp } from '../../operations/apps/require-app.js';
import { createTenant } from '../../operations/tenants/create-tenant.js';
import { deleteTenant } from '../../operations/tenants/delete-tenant.js';
import { patchTenant } from '../../operations/tenants/patch-tenant.js';
import { requireTenant } from '../../operations/tenants/require-tenant.js';
import { createUser } from '../../operations/users/create-user.js';
import { deleteUser } from '../../operations/users/delete-user.js';
import { listUsers } from '../../operations/users/list-users.js';
import { patchUser } from '../../operations/users/patch-user.js';
import { requireUser } from '../../operations/users/require-user.js';
import { setSync } from '../../operations/users/set-sync.js';
import type { AppRecord } from '../../store/store.js';
import { disabledInProduction } from '../control-error.js';
import type { Emulator } from '../emulator.js';
import { appView, createdTenantView, tenantDescription, tenantView, userView, userViews } from '../views.js';
import { ControlApp, CreateTenantBody, CreateUserBody, PatchAppBody, PatchTenantBody, PatchUserBody, UsersQuery } from './provisioning-schemas.js';

const TAGS = ['emulator: provisioning'];
const TenantParams = Type.Object({ tenant_key: Type.String() });
const AppParams = Type.Object({ app_id: Type.String() });
const UserParams = Type.Object({ tenant_key: Type.String(), user_id: Type.String() });

export async function provisioningRoutes(app: App, emulator: Emulator) {
  const { services, secrets } = emulator;
  const { store } = services;
  const reveal = (found: AppRecord) => secrets.reveal(found.app_id, found.app_secret_digest);
  const shownUser = async (tenantKey: string, userId: string) => userView(store, await requireUser(store, tenantKey, userId), services.clock.now());

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
    async (request, reply) => {
      const created = await createTenant(services, request.body);
      for (const app of created.apps) secrets.remember(app.app_id, app.app_secret);
      return reply.code(201).send(await createdTenantView(store, created));
    },
  );

  app.get('/tenants/:tenant_key', { schema: { tags: TAGS, summary: 'A tenant, its apps and counts', params: TenantParams } }, async (request) =>
    tenantDescription(store, await requireTenant(store, request.params.tenant_key), reveal),
  );

  app.patch(
    '/tenants/:tenant_key',
    { schema: { tags: TAGS, summary: "Rename a tenant or change its API permission (2005007 when false)", params: TenantParams, body: PatchTenantBody } },
    async (request) => tenantView(await patchTenant(services, request.params.tenant_key, request.body)),
  );

  app.delete('/tenants/:tenant_key', { schema: { tags: TAGS, summary: 'Delete a tenant and all it holds', params: TenantParams } }, async (request, reply) => {
    for (const appId of await deleteTenant(services, request.params.tenant_key)) secrets.forget(appId);
    return reply.code(204).send();
  });

  app.get(
    '/tenants/:tenant_key/system_statuses',
    { schema: { tags: TAGS, summary: "The tenant's system statuses (no token needed)", params: TenantParams } },
    async (request) => {
      await requireTenant(store, request.params.tenant_key);
      return { items: await store.listSystemStatuses(request.params.tenant_key) };
    },
  );

  // ---- apps ------------------------------------------------------------------------------
  app.get('/tenants/:tenant_key/apps', { schema: { tags: TAGS, summary: "The tenant's apps", params: TenantParams } }, async (request) => {
    await requireTenant(store, request.params.tenant_key);
    const apps = await store.listApps(request.params.tenant_key);
    return { apps: await Promise.all(apps.map((found) => appView(store, found, reveal(found)))) };
  });

  app.post(
    '/tenants/:tenant_key/apps',
    { schema: { tags: TAGS, summary: 'Add an app; the answer carries its secret', params: TenantParams, body: ControlApp } },
    async (request, reply) => {
      const created = await createApp(services, request.params.tenant_key, request.body);
      secrets.remember(created.app.app_id, created.secret);
      // The one answer that carries the secret in production mode.
      return reply.code(201).send(await appView(store, created.app, created.secret));
    },
  );

  app.get('/apps/:app_id', { schema: { tags: TAGS, summary: 'An app (with its secret in emulator mode when known)', params: AppParams } }, async (request) => {
    const found = await requireApp(store, request.params.app_id);
    return appView(store, found, reveal(found));
  });

  app.patch(
    '/apps/:app_id',
    { schema: { tags: TAGS, summary: "Change an app's name, scopes or contact scope ('all' or user_ids)", params: AppParams, body: PatchAppBody } },
    async (request) => {
      const updated = await patchApp(services, request.params.app_id, request.body);
      return appView(store, updated, reveal(updated));
    },
  );

  app.delete('/apps/:app_id', { schema: { tags: TAGS, summary: 'Delete an app (its tokens stop working)', params: AppParams } }, async (request, reply) => {
    await deleteApp(services, request.params.app_id);
    secrets.forget(request.params.app_id);
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
    async (request) => {
      const page = await listUsers(services, request.params.tenant_key, request.query);
      return { ...page, users: await userViews(store, request.params.tenant_key, page.users, services.clock.now()) };
    },
  );

  app.post(
    '/tenants/:tenant_key/users',
    { schema: { tags: TAGS, summary: 'Add a user (open_ids and union_ids are derived)', params: TenantParams, body: CreateUserBody } },
    async (request, reply) => reply.code(201).send(await userView(store, await createUser(services, request.params.tenant_key, request.body), services.clock.now())),
  );

  app.get('/tenants/:tenant_key/users/:user_id', { schema: { tags: TAGS, summary: 'One user', params: UserParams } }, async (request) =>
    shownUser(request.params.tenant_key, request.params.user_id),
  );

  app.patch(
    '/tenants/:tenant_key/users/:user_id',
    { schema: { tags: TAGS, summary: 'Rename a user, or resign / reinstate', params: UserParams, body: PatchUserBody } },
    async (request) => userView(store, await patchUser(services, request.params.tenant_key, request.params.user_id, request.body), services.clock.now()),
  );

  app.delete('/tenants/:tenant_key/users/:user_id', { schema: { tags: TAGS, summary: 'Delete a user', params: UserParams } }, async (request, reply) => {
    await deleteUser(services, request.params.tenant_key, request.params.user_id);
    return reply.code(204).send();
  });

  app.post(
    '/tenants/:tenant_key/users/:user_id/resign',
    { schema: { tags: TAGS, summary: 'The user leaves: batch calls answer resign_user_id', params: UserParams } },
    async (request) => userView(store, await patchUser(services, request.params.tenant_key, request.params.user_id, { resigned: true }), services.clock.now()),
  );

  app.post(
    '/tenants/:tenant_key/users/:user_id/reinstate',
    { schema: { tags: TAGS, summary: 'The user is back', params: UserParams } },
    async (request) => userView(store, await patchUser(services, request.params.tenant_key, request.params.user_id, { resigned: false }), services.clock.now()),
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
    async (request) => {
      const { tenant_key, user_id, system_status_id } = request.params;
      const change = await setSync(services, tenant_key, user_id, system_status_id, request.body.sync_on);
      if (change) emulator.events.publishShownChanges(tenant_key, [change], services.clock.now());
      return { user_id, system_status_id, sync_on: request.body.sync_on, user: await shownUser(tenant_key, user_id) };
    },
  );
}

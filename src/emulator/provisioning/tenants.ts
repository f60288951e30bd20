// Tenants from the control API: one call creates a complete, isolated tenant from a seed fragment.
import Type, { type Static } from 'typebox';
import type { Services } from '../../operations/context.js';
import { provisionTenant } from '../../operations/provisioning.js';
import { SeedTenant } from '../../seed/seed-schema.js';
import { asBadRequest, conflict, notFound } from '../control-error.js';
import type { SecretVault } from '../secret-vault.js';
import { appView, tenantView, userIds } from '../views.js';

const SeedApp = SeedTenant.properties.apps.items;

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

export async function createTenant(services: Services, vault: SecretVault, body: CreateTenantBody) {
  const { store } = services;
  const tenantKey = body.tenant_key ?? services.ids.tenantKey();
  if (await store.getTenant(tenantKey)) throw conflict(`tenant ${tenantKey} already exists`);
  const apps = (body.apps ?? []).map((app) => ({
    ...app,
    app_id: app.app_id ?? services.ids.appId(),
    app_secret: app.app_secret ?? services.ids.appSecret(),
  }));
  for (const app of apps) if (await store.getApp(app.app_id)) throw conflict(`app ${app.app_id} already exists`);
  await asBadRequest(provisionTenant(services, { ...body, tenant_key: tenantKey, apps }));
  services.auth.clear();
  for (const app of apps) vault.remember(app.app_id, app.app_secret);

  const tenant = (await store.getTenant(tenantKey))!;
  const stored = await store.listApps(tenantKey);
  const secrets = new Map(apps.map((app) => [app.app_id, app.app_secret]));
  const users = await store.listUsers(tenantKey);
  return {
    ...tenantView(tenant),
    apps: await Promise.all(stored.map((app) => appView(store, app, secrets.get(app.app_id)))),
    users: users.map((user) => ({ user_id: user.user_id, name: user.name, resigned: user.resigned, ...userIds(stored, tenantKey, user.user_id) })),
    system_statuses: await store.listSystemStatuses(tenantKey),
    pending_sync_off: await store.listPendingSyncOff(tenantKey),
  };
}

export async function requireTenant(services: Services, tenantKey: string) {
  const tenant = await services.store.getTenant(tenantKey);
  if (!tenant) throw notFound(`tenant ${tenantKey}`);
  return tenant;
}

export async function describeTenant(services: Services, vault: SecretVault, tenantKey: string) {
  const { store } = services;
  const tenant = await requireTenant(services, tenantKey);
  const apps = await store.listApps(tenantKey);
  const users = await store.listUsers(tenantKey);
  const statuses = await store.listSystemStatuses(tenantKey);
  return {
    ...tenantView(tenant),
    apps: await Promise.all(apps.map((app) => appView(store, app, vault.reveal(app.app_id, app.app_secret_digest)))),
    counts: { apps: apps.length, users: users.length, resigned_users: users.filter((user) => user.resigned).length, system_statuses: statuses.length },
    // A typo in a seed's sync_off stays visible here instead of failing the start.
    pending_sync_off: await store.listPendingSyncOff(tenantKey),
  };
}

export const PatchTenantBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1 })), api_permission: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export async function patchTenant(services: Services, tenantKey: string, changes: Static<typeof PatchTenantBody>) {
  await requireTenant(services, tenantKey);
  await services.store.updateTenant(tenantKey, changes);
  services.auth.clear();
  return tenantView((await services.store.getTenant(tenantKey))!);
}

export async function deleteTenant(services: Services, vault: SecretVault, tenantKey: string) {
  await requireTenant(services, tenantKey);
  const apps = await services.store.listApps(tenantKey);
  await services.store.transaction((tx) => tx.deleteTenant(tenantKey));
  for (const app of apps) vault.forget(app.app_id);
  services.auth.clear();
}

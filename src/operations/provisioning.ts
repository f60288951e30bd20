import { sha256Hex } from '../domain/identifiers.js';
import { checkAgainstTenant, definitionForCreate, statusNames } from '../domain/system-status.js';
import { conflict } from '../emulator/control-error.js';
import type { SeedFile, SeedTenant } from '../seed/seed-schema.js';
import { ConflictError, type PendingSyncOff, type StoreTransaction, type UserRecord } from '../store/store.js';
import { newApp } from './apps/new-app.js';
import type { Services } from './context.js';
import { applyPendingSyncOff } from './pending-sync-off.js';
import { refuseDuplicate } from './refuse-duplicate.js';
import { newUser } from './users/new-user.js';

const shortHash = (text: string, length: number) => sha256Hex(text).slice(0, length);

export interface ProvisionedTenant {
  tenant_key: string;
  name: string;
  /** False when the tenant was already there (its missing parts, if any, were added). */
  created: boolean;
  apps: { app_id: string; app_secret: string; type: string; developer: string }[];
  /** sync_off titles that no status of the tenant has yet: they apply when one is created. */
  pending_sync_off: PendingSyncOff[];
}

/** Seeds say what must exist; keys left out are derived, so the same seed always names the same things. */
export function seedTenantKey(tenant: SeedTenant): string {
  return tenant.tenant_key ?? shortHash(`tenant\0${tenant.name}`, 16);
}

/**
 * Creates what a seed tenant describes and is missing; never changes or removes what exists.
 * Applying the same seed twice therefore changes nothing the second time.
 */
export async function provisionTenant(services: Services, spec: SeedTenant): Promise<ProvisionedTenant> {
  return services.store.transaction((tx) => provisionTenantIn(services, tx, spec));
}

/**
 * provisionTenant within the caller's transaction. `mustBeNew` (the control API's create): the
 * tenant and its apps must not exist yet, and a key taken meanwhile is a conflict, not a retry.
 */
export async function provisionTenantIn(
  services: Services,
  tx: StoreTransaction,
  spec: SeedTenant,
  options: { mustBeNew?: boolean } = {},
): Promise<ProvisionedTenant> {
  const now = services.clock.now();
  const tenantKey = seedTenantKey(spec);
  const insert = options.mustBeNew ? refuseDuplicate : (_what: string, write: () => Promise<void>) => write();
  const existing = await tx.getTenant(tenantKey);
  if (existing && options.mustBeNew) throw conflict(`tenant ${tenantKey} already exists`);
  if (!existing) {
    await insert(`tenant ${tenantKey}`, () =>
      tx.insertTenant({ tenant_key: tenantKey, name: spec.name, api_permission: spec.api_permission ?? true, created_at: now }),
    );
  }

  const apps: ProvisionedTenant['apps'] = [];
  for (const [index, app] of (spec.apps ?? []).entries()) {
    const appId = app.app_id ?? `cli_${shortHash(`app\0${tenantKey}\0${app.name ?? index}`, 16)}`;
    const found = await tx.getApp(appId);
    if (found && options.mustBeNew) throw conflict(`app ${appId} already exists`);
    if (found && found.tenant_key !== tenantKey) {
      throw new Error(`app ${appId} already belongs to tenant ${found.tenant_key}, not ${tenantKey}`);
    }
    const { app: row, contactScope } = newApp(tenantKey, { ...app, app_id: appId }, now);
    if (!found) await insert(`app ${appId}`, () => tx.insertApp(row, contactScope));
    apps.push({ app_id: appId, app_secret: app.app_secret, type: row.type, developer: row.developer });
  }

  const newUsers: UserRecord[] = [];
  for (const user of spec.users ?? []) {
    if (newUsers.some((added) => added.user_id === user.user_id)) {
      throw new Error(`tenant ${spec.name}: user ${user.user_id} is listed twice`);
    }
    if (!(await tx.getUser(tenantKey, user.user_id))) newUsers.push(newUser(tenantKey, user, now));
  }
  await tx.insertUsers(newUsers);

  await provisionStatuses(services, tx, tenantKey, spec, now);
  return { tenant_key: tenantKey, name: spec.name, created: !existing, apps, pending_sync_off: await tx.listPendingSyncOff(tenantKey) };
}

async function provisionStatuses(services: Services, tx: StoreTransaction, tenantKey: string, spec: SeedTenant, now: number) {
  for (const input of spec.system_statuses ?? []) {
    const others = await tx.listSystemStatuses(tenantKey);
    if (others.some((other) => other.title === input.title)) continue;
    const definition = definitionForCreate(input);
    checkAgainstTenant(definition, others, services.settings.sensitive_words, true);
    const status = { system_status_id: services.ids.systemStatusId(), ...definition };
    await tx.insertSystemStatus(tenantKey, status, now);
    await applyPendingSyncOff(tx, tenantKey, status);
  }
  const statuses = await tx.listSystemStatuses(tenantKey);
  for (const user of spec.users ?? []) {
    for (const title of user.sync_off ?? []) {
      // A title (or i18n title) no status has yet waits for the status the app under test will create.
      const status = statuses.find((candidate) => statusNames(candidate).includes(title));
      if (!status) {
        await tx.addPendingSyncOff(tenantKey, user.user_id, title);
        continue;
      }
      const preferences = await tx.syncPreferences(tenantKey, status.system_status_id, [user.user_id]);
      if (!preferences.has(user.user_id)) await tx.setSyncPreference(tenantKey, user.user_id, status.system_status_id, false);
    }
  }
}

/**
 * Nodes that start together over one database apply the same seed at once: the loser of a race on
 * a unique key rolls back and runs again, and then finds what the winner created.
 */
async function provisionTenantRetrying(services: Services, spec: SeedTenant): Promise<ProvisionedTenant> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await provisionTenant(services, spec);
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 3) throw error;
      // A status id the store holds already (see retryingTakenIds).
      if (error.rule === 'primary_key') services.ids.renewNode();
    }
  }
}

export async function applySeed(services: Services, seed: SeedFile): Promise<ProvisionedTenant[]> {
  const provisioned = [];
  // Seeds only add rows, and the auth cache keeps no misses: it has nothing to forget.
  for (const tenant of seed.tenants) provisioned.push(await provisionTenantRetrying(services, tenant));
  return provisioned;
}

// Users of a tenant: create, rename, resign and reinstate, delete, and their sync toggles.
import Type, { type Static } from 'typebox';
import { shownStatus } from '../../domain/user-status.js';
import type { Services } from '../../operations/context.js';
import type { UserRecord } from '../../store/store.js';
import { conflict, notFound } from '../control-error.js';
import type { EventHub } from '../event-hub.js';
import { userIds, userViews } from '../views.js';
import { requireTenant } from './tenants.js';

export async function requireUser(services: Services, tenantKey: string, userId: string) {
  const user = await services.store.getUser(tenantKey, userId);
  if (!user) throw notFound(`user ${userId} of tenant ${tenantKey}`);
  return user;
}

async function view(services: Services, user: UserRecord) {
  const [shown] = await userViews(services.store, user.tenant_key, [user], services.clock.now());
  const apps = await services.store.listApps(user.tenant_key);
  return { ...shown, ...userIds(apps, user.tenant_key, user.user_id) };
}

export const UsersQuery = Type.Object({
  q: Type.Optional(Type.String({ description: 'case-insensitive part of the user_id or name' })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  page_token: Type.Optional(Type.String()),
});

export async function listUsers(services: Services, tenantKey: string, query: Static<typeof UsersQuery>) {
  await requireTenant(services, tenantKey);
  const limit = query.page_size ?? 50;
  const needle = query.q?.toLowerCase();
  const page: UserRecord[] = [];
  let after = query.page_token || undefined;
  let more = false;
  // Scan in user_id order until the page is full; one extra match tells whether more follow.
  scan: for (;;) {
    const rows = await services.store.listUsers(tenantKey, { after, limit: 500 });
    for (const user of rows) {
      if (needle && !user.user_id.toLowerCase().includes(needle) && !user.name.toLowerCase().includes(needle)) continue;
      if (page.length === limit) {
        more = true;
        break scan;
      }
      page.push(user);
    }
    if (rows.length < 500) break;
    after = rows[rows.length - 1].user_id;
  }
  return {
    users: await userViews(services.store, tenantKey, page, services.clock.now()),
    has_more: more,
    ...(more ? { page_token: page[page.length - 1].user_id } : {}),
  };
}

export const CreateUserBody = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.Optional(Type.String()),
    resigned: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export async function createUser(services: Services, tenantKey: string, body: Static<typeof CreateUserBody>) {
  await requireTenant(services, tenantKey);
  if (await services.store.getUser(tenantKey, body.user_id)) throw conflict(`user ${body.user_id} already exists in tenant ${tenantKey}`);
  const user: UserRecord = {
    tenant_key: tenantKey,
    user_id: body.user_id,
    name: body.name ?? body.user_id,
    resigned: body.resigned ?? false,
    created_at: services.clock.now(),
  };
  await services.store.transaction((tx) => tx.insertUsers([user]));
  return view(services, user);
}

export async function getUser(services: Services, tenantKey: string, userId: string) {
  return view(services, await requireUser(services, tenantKey, userId));
}

export const PatchUserBody = Type.Object(
  { name: Type.Optional(Type.String()), resigned: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export async function patchUser(services: Services, tenantKey: string, userId: string, changes: Static<typeof PatchUserBody>) {
  await requireUser(services, tenantKey, userId);
  await services.store.updateUser(tenantKey, userId, changes);
  return view(services, (await services.store.getUser(tenantKey, userId))!);
}

export async function deleteUser(services: Services, tenantKey: string, userId: string) {
  await requireUser(services, tenantKey, userId);
  await services.store.transaction((tx) => tx.deleteUser(tenantKey, userId));
}

/**
 * The user's auto-open (sync) toggle for one status. Turning it off hides that status if the
 * client showed it; turning it on may show it again: the event stream says which.
 */
export async function setSync(services: Services, hub: EventHub, tenantKey: string, userId: string, statusId: string, syncOn: boolean) {
  await requireUser(services, tenantKey, userId);
  if (!(await services.store.getSystemStatus(tenantKey, statusId))) throw notFound(`system status ${statusId} of tenant ${tenantKey}`);
  const now = services.clock.now();
  const nowSeconds = Math.floor(now / 1000);
  const change = await services.store.transaction(async (tx) => {
    await tx.lockUsers(tenantKey, [userId]);
    const before = shownStatus((await tx.userOpens(tenantKey, [userId])).get(userId) ?? [], nowSeconds)?.system_status_id;
    await tx.setSyncPreference(tenantKey, userId, statusId, syncOn);
    const after = shownStatus((await tx.userOpens(tenantKey, [userId])).get(userId) ?? [], nowSeconds)?.system_status_id;
    return { user_id: userId, before, after };
  });
  if (change.before !== change.after) hub.publishShownChanges(tenantKey, [change], now);
  return { user_id: userId, system_status_id: statusId, sync_on: syncOn, user: await getUser(services, tenantKey, userId) };
}

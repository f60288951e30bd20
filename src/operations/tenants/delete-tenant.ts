import type { Services } from '../context.js';
import { requireTenant } from './require-tenant.js';

/** Deletes the tenant and all it holds; answers the app_ids that went with it. */
export async function deleteTenant(services: Services, tenantKey: string): Promise<string[]> {
  const appIds = await services.store.transaction(async (tx) => {
    await requireTenant(tx, tenantKey);
    const apps = await tx.listApps(tenantKey);
    await tx.deleteTenant(tenantKey);
    return apps.map((app) => app.app_id);
  });
  services.auth.forgetTenant(tenantKey);
  return appIds;
}

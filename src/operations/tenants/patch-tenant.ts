import type { Services } from '../context.js';
import type { TenantRecord } from '../../store/store.js';
import { requireTenant } from './require-tenant.js';

export type TenantChanges = Partial<Pick<TenantRecord, 'name' | 'api_permission'>>;

export async function patchTenant(services: Services, tenantKey: string, changes: TenantChanges): Promise<TenantRecord> {
  const tenant = await services.store.transaction(async (tx) => {
    await requireTenant(tx, tenantKey);
    await tx.updateTenant(tenantKey, changes);
    return requireTenant(tx, tenantKey);
  });
  services.auth.forgetTenant(tenantKey);
  return tenant;
}

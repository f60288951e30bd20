import { notFound } from '../../emulator/control-error.js';
import type { StoreReader, StoreTransaction, TenantRecord } from '../../store/store.js';

export async function requireTenant(reader: StoreReader, tenantKey: string): Promise<TenantRecord> {
  const tenant = await reader.getTenant(tenantKey);
  if (!tenant) throw notFound(`tenant ${tenantKey}`);
  return tenant;
}

/** requireTenant that also holds the tenant's lock: for changes of its apps and users. */
export async function lockTenant(tx: StoreTransaction, tenantKey: string): Promise<TenantRecord> {
  const tenant = await tx.lockTenant(tenantKey);
  if (!tenant) throw notFound(`tenant ${tenantKey}`);
  return tenant;
}

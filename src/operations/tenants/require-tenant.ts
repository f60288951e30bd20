import { notFound } from '../../emulator/control-error.js';
import type { StoreReader, TenantRecord } from '../../store/store.js';

export async function requireTenant(reader: StoreReader, tenantKey: string): Promise<TenantRecord> {
  const tenant = await reader.getTenant(tenantKey);
  if (!tenant) throw notFound(`tenant ${tenantKey}`);
  return tenant;
}

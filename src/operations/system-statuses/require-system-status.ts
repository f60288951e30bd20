import { invalidParameter } from '../../domain/errors.js';
import type { SystemStatus } from '../../domain/system-status.js';
import type { StoreReader } from '../../store/store.js';

/**
 * The tenant's status, or 2005001: the platform documents no "not found" code, and another
 * tenant's id answers exactly like an id that never existed.
 */
export async function requireSystemStatus(
  store: StoreReader,
  tenantKey: string,
  systemStatusId: string,
): Promise<SystemStatus> {
  const status = /^\d{1,20}$/.test(systemStatusId) ? await store.getSystemStatus(tenantKey, systemStatusId) : undefined;
  if (!status) throw invalidParameter('system_status_id', 'system status not found', systemStatusId);
  return status;
}

import type { Services } from '../context.js';
import { requireSystemStatus } from './require-system-status.js';

/** Deletes the definition; users showing it keep showing it until it ends or is closed. */
export async function deleteSystemStatus(services: Services, tenantKey: string, systemStatusId: string): Promise<void> {
  await services.store.transaction(async (tx) => {
    await requireSystemStatus(tx, tenantKey, systemStatusId);
    await tx.deleteSystemStatus(tenantKey, systemStatusId);
  });
}

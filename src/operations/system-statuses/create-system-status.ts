import { checkAgainstTenant, definitionForCreate, type SystemStatus, type SystemStatusInput } from '../../domain/system-status.js';
import type { Services } from '../context.js';
import { applyPendingSyncOff } from '../pending-sync-off.js';
import { retryingTakenIds, withConflictErrors } from './save-conflict.js';

export async function createSystemStatus(services: Services, tenantKey: string, input: SystemStatusInput): Promise<SystemStatus> {
  const definition = definitionForCreate(input);
  return retryingTakenIds(services, () =>
    services.store.transaction(async (tx) => {
      const others = await tx.listSystemStatuses(tenantKey);
      checkAgainstTenant(definition, others, services.settings.sensitive_words, true);
      const status: SystemStatus = { system_status_id: services.ids.systemStatusId(), ...definition };
      await withConflictErrors(tx, tenantKey, () => tx.insertSystemStatus(tenantKey, status, services.clock.now()));
      await applyPendingSyncOff(tx, tenantKey, status);
      return status;
    }),
  );
}

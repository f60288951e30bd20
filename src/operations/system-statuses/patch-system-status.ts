import type { UpdateField } from '../../domain/enums.js';
import {
  checkAgainstTenant,
  definitionForPatch,
  type SystemStatus,
  type SystemStatusInput,
} from '../../domain/system-status.js';
import type { Services } from '../context.js';
import { requireSystemStatus } from './require-system-status.js';
import { withConflictErrors } from './save-conflict.js';

/** Changes only the listed fields. Users showing the status keep the definition they were opened with. */
export async function patchSystemStatus(
  services: Services,
  tenantKey: string,
  systemStatusId: string,
  input: SystemStatusInput,
  updateFields: readonly UpdateField[],
): Promise<SystemStatus> {
  return services.store.transaction(async (tx) => {
    const { system_status_id, ...current } = await requireSystemStatus(tx, tenantKey, systemStatusId);
    const next = definitionForPatch(current, input, updateFields);
    const others = (await tx.listSystemStatuses(tenantKey)).filter((s) => s.system_status_id !== system_status_id);
    checkAgainstTenant(next, others, services.settings.sensitive_words, false);
    await withConflictErrors(tx, tenantKey, () =>
      tx.updateSystemStatus(tenantKey, system_status_id, next, services.clock.now()),
    );
    return { system_status_id, ...next };
  });
}

import { type BatchClosePlan, planBatchClose } from '../../domain/batch-close.js';
import type { UserIdType } from '../../domain/enums.js';
import type { AppRecord } from '../../store/store.js';
import type { Services } from '../context.js';
import { lockBatchUsers } from './lock-batch-users.js';
import { requireSystemStatus } from './require-system-status.js';

/** Closes a status for up to 50 users in one transaction. Closing what is not open succeeds. */
export async function batchClose(
  services: Services,
  app: AppRecord,
  systemStatusId: string,
  userIdType: UserIdType,
  userList: readonly string[],
): Promise<BatchClosePlan['result_list']> {
  const nowMs = services.clock.now();
  const tenantKey = app.tenant_key;
  const plan = await services.store.transaction(async (tx) => {
    await requireSystemStatus(tx, tenantKey, systemStatusId);
    const { resolved, userIds } = await lockBatchUsers(tx, app, userIdType, userList);
    const entries = userList.map((user_id) => ({ user_id, resolved: resolved.get(user_id)! }));
    const opens = await tx.batchCloseOpens(tenantKey, systemStatusId, userIds, Math.floor(nowMs / 1000));
    const plan = planBatchClose(systemStatusId, entries, opens, nowMs);
    await tx.deleteOpens(tenantKey, systemStatusId, plan.removes);
    return plan;
  });

  const closed = plan.closes.filter((close) => close.was_open).map((close) => close.user_id);
  if (closed.length > 0) {
    services.events.emit('change', {
      type: 'closed',
      tenant_key: tenantKey,
      system_status_id: systemStatusId,
      user_ids: closed,
      shown_changes: plan.shown_changes,
      at: nowMs,
    });
  }
  return plan.result_list;
}

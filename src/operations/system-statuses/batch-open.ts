import { type BatchOpenEntry, type BatchOpenPlan, planBatchOpen, type ShownChange } from '../../domain/batch-open.js';
import { parseEndTime } from '../../domain/end-time.js';
import type { UserIdType } from '../../domain/enums.js';
import type { AppRecord } from '../../store/store.js';
import type { Services } from '../context.js';
import { lockBatchUsers } from './lock-batch-users.js';
import { requireSystemStatus } from './require-system-status.js';

export interface UserOpenParam {
  user_id: string;
  end_time: number | string;
}

/** Opens a status for up to 50 users in one transaction: all of them change, or none. */
export async function batchOpen(
  services: Services,
  app: AppRecord,
  systemStatusId: string,
  userIdType: UserIdType,
  userList: readonly UserOpenParam[],
): Promise<BatchOpenPlan['result_list']> {
  const nowMs = services.clock.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const endTimes = userList.map((item, index) => parseEndTime(item.end_time, nowSeconds, index));
  const tenantKey = app.tenant_key;

  const { result_list, changes } = await services.store.transaction(async (tx) => {
    const status = await requireSystemStatus(tx, tenantKey, systemStatusId);
    const { resolved, userIds } = await lockBatchUsers(tx, app, userIdType, userList.map((item) => item.user_id));
    const entries: BatchOpenEntry[] = userList.map((item, index) => ({
      user_id: item.user_id,
      end_time_raw: item.end_time,
      end_time: endTimes[index],
      resolved: resolved.get(item.user_id)!,
    }));
    // Expired opens are absent to the plan (an expired open of this status is replaced like a missing one).
    const states = await tx.batchOpenStates(tenantKey, systemStatusId, userIds, nowSeconds);
    const plan = planBatchOpen(status, entries, states, nowMs);
    await tx.writeOpens(
      tenantKey,
      plan.writes.map((write) => write.open),
    );
    // The events' contents are taken now: the plan's opens need not live while the commit is awaited.
    return { result_list: plan.result_list, changes: changesOf(plan) };
  });

  for (const [type, change] of changes) {
    if (change.user_ids.length === 0) continue;
    services.events.emit('change', { type, tenant_key: tenantKey, system_status_id: systemStatusId, ...change, at: nowMs });
  }
  return result_list;
}

/** One event for the users whose open is new, one for those whose active open was replaced. */
function changesOf(plan: BatchOpenPlan) {
  const opened = { user_ids: [] as string[], end_times: [] as number[], shown_changes: [] as ShownChange[] };
  const reopened = { user_ids: [] as string[], end_times: [] as number[], shown_changes: [] as ShownChange[] };
  // The shown changes follow the writes' order: one walk pairs each with its user's write.
  const shown = plan.shown_changes;
  let next = 0;
  for (const write of plan.writes) {
    const into = write.replaced ? reopened : opened;
    into.user_ids.push(write.user_id);
    into.end_times.push(write.open.end_time);
    if (next < shown.length && shown[next].user_id === write.user_id) into.shown_changes.push(shown[next++]);
  }
  if (next < shown.length) throw new Error(`batch_open: a shown change of ${shown[next].user_id} out of the writes' order`);
  return [['opened', opened], ['replaced', reopened]] as const;
}

import type { BatchOpenResult } from './enums.js';
import { PlatformError } from './errors.js';
import type { SystemStatus } from './system-status.js';
import { type ResolvedUser, userRejection } from './user-resolution.js';
import { isActive, type OpenRank, shownStatus, type UserStatusOpen } from './user-status.js';

export interface BatchOpenEntry {
  /** The ID exactly as the caller sent it, echoed in result_list. */
  user_id: string;
  /** end_time exactly as sent (number or numeric string), echoed in result_list. */
  end_time_raw: number | string;
  end_time: number;
  resolved: ResolvedUser;
}

export interface UserState {
  /** The user's opens, as much of them as ranking needs (expired ones may be left out). */
  opens: OpenRank[];
  /** In full, the user's open of the status being opened, if one is stored: re-opening keeps its definition. */
  open?: UserStatusOpen;
  /** The user's explicit sync toggle for the status being opened, if they set one. */
  sync_preference?: boolean;
}

export interface ShownChange {
  user_id: string;
  before?: string;
  after?: string;
}

export interface BatchOpenPlan {
  result_list: { user_id: string; end_time: number | string; result: BatchOpenResult }[];
  /**
   * The final open of this status for each user it changed, in user_id order (a stable lock order);
   * `replaced` when the user had it open (active) before the request.
   */
  writes: { user_id: string; open: UserOpen; replaced: boolean }[];
  /** The users whose shown status changed, each of them written: in the writes' order. */
  shown_changes: ShownChange[];
}

/** An open as written: the user's, so that the store takes it as it is. */
export type UserOpen = UserStatusOpen & { user_id: string };

/**
 * A user's open of `definition` (a status, or the open being re-opened), field by field: an
 * object spread copies through the runtime, several times slower, for every user of a batch.
 */
function openOf(
  user_id: string,
  definition: Pick<UserStatusOpen, 'system_status_id' | 'title' | 'i18n_title' | 'icon_key' | 'color' | 'priority'> &
    ({ open_by_default: boolean } | { sync_setting: SystemStatus['sync_setting'] }),
  end_time: number,
  opened_at: number,
  sync_on: boolean,
): UserOpen {
  return {
    user_id,
    system_status_id: definition.system_status_id,
    end_time,
    opened_at,
    title: definition.title,
    i18n_title: definition.i18n_title,
    icon_key: definition.icon_key,
    color: definition.color,
    priority: definition.priority,
    open_by_default: 'open_by_default' in definition ? definition.open_by_default : definition.sync_setting.is_open_by_default,
    sync_on,
  };
}

/**
 * A user's opens with `next` in place of their open of its status (or added): a new array of its
 * exact length, as the stored opens are the store's and a push would reserve 17 slots per user.
 */
function withOpen(opens: readonly OpenRank[], next: OpenRank): OpenRank[] {
  const index = opens.findIndex((open) => open.system_status_id === next.system_status_id);
  const out = new Array<OpenRank>(index >= 0 ? opens.length : opens.length + 1);
  for (let i = 0; i < opens.length; i++) out[i] = opens[i];
  out[index >= 0 ? index : opens.length] = next;
  return out;
}

/**
 * Decides a batch_open. Entries are applied in order, so a user named twice ends with the
 * last end_time and each entry's result reflects the state after it.
 */
export function planBatchOpen(
  status: SystemStatus,
  entries: readonly BatchOpenEntry[],
  states: ReadonlyMap<string, UserState>,
  nowMs: number,
): BatchOpenPlan {
  if (entries.some((entry) => entry.resolved.kind === 'other_tenant')) throw new PlatformError('other_tenant_user');
  const nowSeconds = Math.floor(nowMs / 1000);
  // Per user: the open stored before the request, and the one its entries have written so far.
  const working = new Map<
    string,
    { opens: readonly OpenRank[]; open?: UserStatusOpen; sync_preference?: boolean; written?: UserOpen; before?: string; replaced: boolean }
  >();
  const result_list: BatchOpenPlan['result_list'] = [];

  for (const entry of entries) {
    const rejection = userRejection(entry.resolved);
    if (rejection || entry.resolved.kind !== 'user') {
      result_list.push({ user_id: entry.user_id, end_time: entry.end_time_raw, result: rejection ?? 'fail' });
      continue;
    }
    const userId = entry.resolved.user_id;
    let work = working.get(userId);
    if (!work) {
      const state = states.get(userId);
      const opens = state?.opens ?? [];
      // Events describe the change from before the request to after it, whatever the entries did in between.
      const replaced = state?.open !== undefined && isActive(state.open, nowSeconds);
      work = { opens, open: state?.open, sync_preference: state?.sync_preference, before: shownStatus(opens, nowSeconds)?.system_status_id, replaced };
      working.set(userId, work);
    }
    const existing = work.written ?? work.open;
    let next: UserOpen;
    if (existing && isActive(existing, nowSeconds)) {
      // Re-opening an active status replaces its end_time and keeps the definition it was opened with.
      next = openOf(userId, existing, entry.end_time, existing.opened_at, existing.sync_on);
    } else {
      next = openOf(userId, status, entry.end_time, nowMs, work.sync_preference ?? status.sync_setting.is_open_by_default);
    }
    work.written = next;
    work.opens = withOpen(work.opens, next);

    let result: BatchOpenResult;
    if (!next.sync_on) result = 'success_user_close_syn';
    else if (shownStatus(work.opens, nowSeconds)?.system_status_id === status.system_status_id) result = 'success_show';
    else result = 'success_user_in_higher_priority_system_status';
    result_list.push({ user_id: entry.user_id, end_time: entry.end_time_raw, result });
  }

  const writes: BatchOpenPlan['writes'] = [];
  const shown_changes: ShownChange[] = [];
  for (const userId of [...working.keys()].sort()) {
    const work = working.get(userId)!;
    writes.push({ user_id: userId, open: work.written!, replaced: work.replaced });
    const after = shownStatus(work.opens, nowSeconds)?.system_status_id;
    if (after !== work.before) shown_changes.push({ user_id: userId, before: work.before, after });
  }
  return { result_list, writes, shown_changes };
}

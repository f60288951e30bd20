import type { BatchCloseResult } from './enums.js';
import { PlatformError } from './errors.js';
import type { ResolvedUser } from './user-resolution.js';
import { userRejection } from './user-resolution.js';
import { isActive, type OpenRank, shownStatus } from './user-status.js';
import type { ShownChange } from './batch-open.js';

export interface BatchCloseEntry {
  user_id: string;
  resolved: ResolvedUser;
}

export interface BatchClosePlan {
  result_list: { user_id: string; result: BatchCloseResult }[];
  /** The users named, sorted (a stable lock order); `was_open` when the status was active for them. */
  closes: { user_id: string; was_open: boolean }[];
  /** Users with a stored open of this status, active or expired: all are removed, so no clock change revives one. */
  removes: string[];
  shown_changes: ShownChange[];
}

const NO_OPENS: readonly OpenRank[] = [];

/** Decides a batch_close. Closing a status that is not open for a user succeeds and changes nothing. */
export function planBatchClose(
  systemStatusId: string,
  entries: readonly BatchCloseEntry[],
  /** Each user's stored opens in stored order, or as much of them as opensForClose keeps. */
  opensByUser: ReadonlyMap<string, readonly OpenRank[]>,
  nowMs: number,
): BatchClosePlan {
  if (entries.some((entry) => entry.resolved.kind === 'other_tenant')) throw new PlatformError('other_tenant_user');
  const nowSeconds = Math.floor(nowMs / 1000);
  const result_list: BatchClosePlan['result_list'] = [];
  const users: string[] = [];
  for (const entry of entries) {
    const rejection = userRejection(entry.resolved);
    if (rejection || entry.resolved.kind !== 'user') {
      result_list.push({ user_id: entry.user_id, result: rejection ?? 'fail' });
      continue;
    }
    users.push(entry.resolved.user_id);
    result_list.push({ user_id: entry.user_id, result: 'success' });
  }
  // Sorted, a user named twice (under two IDs) once: no Set to grow for 50 users.
  users.sort();
  const closes: BatchClosePlan['closes'] = [];
  const removes: string[] = [];
  const shown_changes: ShownChange[] = [];
  for (let at = 0; at < users.length; at++) {
    const userId = users[at];
    if (at > 0 && userId === users[at - 1]) continue;
    const opens = opensByUser.get(userId) ?? NO_OPENS;
    // Without a copy of the rest: this runs for every user of a batch.
    let stored = false;
    let was_open = false;
    for (const open of opens) {
      if (open.system_status_id !== systemStatusId) continue;
      stored = true;
      // An open past its end_time is not open: its expiry already told, a close has nothing to tell.
      if (isActive(open, nowSeconds)) was_open = true;
    }
    if (stored) removes.push(userId);
    closes.push({ user_id: userId, was_open });
    const before = shownStatus(opens, nowSeconds)?.system_status_id;
    const after = stored ? shownStatus(opens, nowSeconds, systemStatusId)?.system_status_id : before;
    if (before !== after) shown_changes.push({ user_id: userId, before, after });
  }
  return { result_list, closes, removes, shown_changes };
}

/**
 * The part of a user's opens (in stored order) that decides a batch_close of `systemStatusId`:
 * its open, active or expired, and the other open that would be shown (the first of the best, as
 * shownStatus picks it), in their order. planBatchClose makes the same plan from it as from them all.
 */
export function opensForClose<T extends OpenRank>(opens: readonly T[], systemStatusId: string, nowSeconds: number): T[] {
  const shownOther = shownStatus(opens, nowSeconds, systemStatusId);
  return opens.filter((open) => open.system_status_id === systemStatusId || open === shownOther);
}

import type { Color, I18nText, IconKey } from './enums.js';

/**
 * A status opened for a user. It keeps the definition it was opened with: patching or
 * deleting the tenant's status does not change what the user's client shows.
 */
export interface UserStatusOpen {
  system_status_id: string;
  /** Unix seconds; the open is over once the clock reaches it. */
  end_time: number;
  /** Milliseconds; breaks ties between equal priorities (the later open wins). */
  opened_at: number;
  title: string;
  i18n_title?: I18nText;
  icon_key: IconKey;
  color: Color;
  priority: number;
  /** The definition's sync_setting.is_open_by_default when it was opened. */
  open_by_default: boolean;
  /** The user's auto-open (sync) toggle for this status, resolved against the default. */
  sync_on: boolean;
}

/** What deciding which open a client shows needs to know of it. */
export type OpenRank = Pick<UserStatusOpen, 'system_status_id' | 'end_time' | 'opened_at' | 'priority' | 'sync_on'>;

export function isActive(open: Pick<UserStatusOpen, 'end_time'>, nowSeconds: number): boolean {
  return open.end_time > nowSeconds;
}

/** Whether `open` outranks `best` for display: a higher priority (smaller number), then the later opened. */
export function ranksAbove(open: Pick<OpenRank, 'priority' | 'opened_at'>, best: Pick<OpenRank, 'priority' | 'opened_at'>): boolean {
  return outranksBy(open.priority, open.opened_at, best.priority, best.opened_at);
}

/** ranksAbove on the two opens' priority and opened_at, for callers that keep them as numbers. */
export function outranksBy(priority: number, openedAt: number, bestPriority: number, bestOpenedAt: number): boolean {
  return priority < bestPriority || (priority === bestPriority && openedAt > bestOpenedAt);
}

/**
 * What the user's client shows now: the highest-priority (smallest number) active open whose sync
 * is on; with `without`, as if the open of that status were gone.
 */
export function shownStatus<T extends OpenRank>(opens: readonly T[], nowSeconds: number, without?: string): T | undefined {
  let best: T | undefined;
  for (const open of opens) {
    if (!open.sync_on || !isActive(open, nowSeconds) || open.system_status_id === without) continue;
    // On a tie the earlier in the list stays.
    if (!best || ranksAbove(open, best)) best = open;
  }
  return best;
}

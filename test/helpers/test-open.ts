import type { StoredOpen } from '../../src/store/store.js';

/** An open of a status whose id ends in its priority digit (the store suites' fixtures). */
export const testOpen = (userId: string, statusId: string, endTime: number, openedAt = Date.UTC(2026, 0, 1)): StoredOpen => ({
  user_id: userId,
  system_status_id: statusId,
  end_time: endTime,
  opened_at: openedAt,
  title: `t${statusId.slice(-1)}`,
  icon_key: 'GeneralBusinessTrip',
  color: 'BLUE',
  priority: Number(statusId.slice(-1)),
  open_by_default: true,
  sync_on: true,
});

import { isActive, shownStatus } from '../domain/user-status.js';
import type { StoredOpen } from '../store/store.js';
import type { Services } from './context.js';

export interface OpenView {
  system_status_id: string;
  title: string;
  i18n_title?: StoredOpen['i18n_title'];
  icon_key: string;
  color: string;
  priority: number;
  end_time: number;
  sync_on: boolean;
}

export interface UserStatusView {
  user_id: string;
  shown: Omit<OpenView, 'priority' | 'sync_on'> | null;
  open: OpenView[];
}

const toView = ({ user_id: _user, opened_at: _opened, open_by_default: _default, ...view }: StoredOpen): OpenView => view;

/** What a client shows now, and the active opens highest priority first, from a user's stored opens. */
export function statusView(stored: readonly StoredOpen[], nowSeconds: number): Omit<UserStatusView, 'user_id'> {
  const active = stored.filter((open) => isActive(open, nowSeconds));
  active.sort((a, b) => a.priority - b.priority || b.opened_at - a.opened_at);
  const shown = shownStatus(active, nowSeconds);
  let shownView: UserStatusView['shown'] = null;
  if (shown) {
    const { priority: _priority, sync_on: _sync, ...rest } = toView(shown);
    shownView = rest;
  }
  return { shown: shownView, open: active.map(toView) };
}

/** What the user's client shows now, and every open (unexpired) status of the user. */
export async function userStatusView(services: Services, tenantKey: string, userId: string): Promise<UserStatusView | undefined> {
  const user = await services.store.getUser(tenantKey, userId);
  if (!user) return undefined;
  const opens = (await services.store.userOpens(tenantKey, [userId])).get(userId) ?? [];
  return { user_id: userId, ...statusView(opens, Math.floor(services.clock.now() / 1000)) };
}

import type { UserRecord } from '../../store/store.js';
import type { Services } from '../context.js';
import { requireTenant } from '../tenants/require-tenant.js';

export interface UsersQuery {
  /** Case-insensitive part of the user_id or name. */
  q?: string;
  page_size?: number;
  page_token?: string;
}

const SCAN = 500;

/** A page of the tenant's users in user_id order, optionally filtered. */
export async function listUsers(services: Services, tenantKey: string, query: UsersQuery) {
  await requireTenant(services.store, tenantKey);
  const limit = query.page_size ?? 50;
  const needle = query.q?.toLowerCase();
  const page: UserRecord[] = [];
  let after = query.page_token || undefined;
  let more = false;
  // Scan in user_id order until the page is full; one extra match tells whether more follow.
  scan: for (;;) {
    const rows = await services.store.listUsers(tenantKey, { after, limit: SCAN });
    for (const user of rows) {
      if (needle && !user.user_id.toLowerCase().includes(needle) && !user.name.toLowerCase().includes(needle)) continue;
      if (page.length === limit) {
        more = true;
        break scan;
      }
      page.push(user);
    }
    if (rows.length < SCAN) break;
    after = rows[rows.length - 1].user_id;
  }
  return { users: page, has_more: more, ...(more ? { page_token: page[page.length - 1].user_id } : {}) };
}

import type { UserIdType } from '../../domain/enums.js';
import { PlatformError } from '../../domain/errors.js';
import type { ResolvedUser } from '../../domain/user-resolution.js';
import type { AppRecord, StoreTransaction } from '../../store/store.js';

export interface BatchUsers {
  /** Each ID of the request, resolved as the app sees it. */
  resolved: Map<string, ResolvedUser>;
  /** The distinct users the request may change, locked, in the order first named. */
  userIds: string[];
}

/**
 * The first step of batch_open and batch_close inside their transaction: resolve the IDs,
 * refuse the whole request if one is another tenant's (2005006), and lock the users' rows.
 */
export async function lockBatchUsers(
  tx: StoreTransaction,
  app: AppRecord,
  userIdType: UserIdType,
  ids: readonly string[],
): Promise<BatchUsers> {
  const resolved = await tx.resolveUserIds(app, userIdType, ids);
  const userIds = new Set<string>();
  for (const user of resolved.values()) {
    if (user.kind === 'other_tenant') throw new PlatformError('other_tenant_user');
    if (user.kind === 'user') userIds.add(user.user_id);
  }
  // The store takes row locks in its own order (the SQL engines sort: no two batches deadlock).
  const distinct = [...userIds];
  await tx.lockUsers(app.tenant_key, distinct);
  return { resolved, userIds: distinct };
}

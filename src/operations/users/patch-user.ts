import type { UserRecord } from '../../store/store.js';
import type { Services } from '../context.js';
import { requireUser } from './require-user.js';

export type UserChanges = Partial<Pick<UserRecord, 'name' | 'resigned'>>;

/** Renames a user, or resigns / reinstates one. */
export async function patchUser(services: Services, tenantKey: string, userId: string, changes: UserChanges): Promise<UserRecord> {
  return services.store.transaction(async (tx) => {
    await requireUser(tx, tenantKey, userId);
    await tx.updateUser(tenantKey, userId, changes);
    return requireUser(tx, tenantKey, userId);
  });
}

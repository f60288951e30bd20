import type { ShownChange } from '../../domain/batch-open.js';
import { shownStatus } from '../../domain/user-status.js';
import { notFound } from '../../emulator/control-error.js';
import type { Services } from '../context.js';
import { requireUser } from './require-user.js';

/**
 * The user's auto-open (sync) toggle for one status. Turning it off hides that status if the
 * client showed it; turning it on may show it again: the answer says which (no change: undefined).
 */
export async function setSync(
  services: Services,
  tenantKey: string,
  userId: string,
  statusId: string,
  syncOn: boolean,
): Promise<ShownChange | undefined> {
  const nowSeconds = Math.floor(services.clock.now() / 1000);
  return services.store.transaction(async (tx) => {
    await requireUser(tx, tenantKey, userId);
    if (!(await tx.getSystemStatus(tenantKey, statusId))) throw notFound(`system status ${statusId} of tenant ${tenantKey}`);
    await tx.lockUsers(tenantKey, [userId]);
    const shown = async () => shownStatus((await tx.userOpens(tenantKey, [userId])).get(userId) ?? [], nowSeconds)?.system_status_id;
    const before = await shown();
    await tx.setSyncPreference(tenantKey, userId, statusId, syncOn);
    const after = await shown();
    return before === after ? undefined : { user_id: userId, before, after };
  });
}

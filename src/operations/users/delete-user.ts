import type { Services } from '../context.js';
import { requireUser } from './require-user.js';

export async function deleteUser(services: Services, tenantKey: string, userId: string): Promise<void> {
  await services.store.transaction(async (tx) => {
    await requireUser(tx, tenantKey, userId);
    await tx.deleteUser(tenantKey, userId);
  });
}

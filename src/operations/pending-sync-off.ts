// A seed may turn a user's sync off for a status the app under test has yet to create: the title
// waits in the store until a status with that name (title or i18n title) is created, by any path.
import { statusNames, type SystemStatus } from '../domain/system-status.js';
import type { StoreTransaction } from '../store/store.js';

/** Call in the transaction that inserts `status`: its users' pending titles become sync toggles. */
export async function applyPendingSyncOff(tx: StoreTransaction, tenantKey: string, status: SystemStatus): Promise<void> {
  const users = new Set((await tx.takePendingSyncOff(tenantKey, statusNames(status))).map((pending) => pending.user_id));
  // A new status is open for nobody, so no client's display changes.
  for (const userId of users) await tx.setSyncPreference(tenantKey, userId, status.system_status_id, false);
}

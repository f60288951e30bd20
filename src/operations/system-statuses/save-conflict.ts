import { PlatformError } from '../../domain/errors.js';
import { MAX_SYSTEM_STATUSES_PER_TENANT } from '../../domain/system-status.js';
import { ConflictError, type StoreTransaction } from '../../store/store.js';

/**
 * Runs a write whose uniqueness the database guards too. When a concurrent writer on another
 * node won the race, the database's refusal becomes the platform's error.
 */
export async function withConflictErrors<T>(tx: StoreTransaction, tenantKey: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    if (error.rule === 'name') throw new PlatformError('duplicate_name');
    if (error.rule === 'priority') {
      const count = (await tx.listSystemStatuses(tenantKey)).length;
      throw new PlatformError(count >= MAX_SYSTEM_STATUSES_PER_TENANT ? 'status_limit' : 'duplicate_priority');
    }
    throw error;
  }
}

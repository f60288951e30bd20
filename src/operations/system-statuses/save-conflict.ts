import { PlatformError } from '../../domain/errors.js';
import { MAX_SYSTEM_STATUSES_PER_TENANT } from '../../domain/system-status.js';
import { ConflictError, type StoreTransaction } from '../../store/store.js';
import type { Services } from '../context.js';

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

/**
 * Runs a transaction that writes a new system_status_id again, with other node bits, when the
 * store already holds that id (ConflictError on the primary key): made by another node, or by this
 * data folder's earlier process while the emulator's clock stood at the same time.
 */
export async function retryingTakenIds<T>(services: Services, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConflictError) || error.rule !== 'primary_key' || attempt >= 5) throw error;
      services.ids.renewNode();
    }
  }
}

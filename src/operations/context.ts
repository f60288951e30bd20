import { EventEmitter } from 'node:events';
import type { ControlledClock } from '../clock.js';
import type { ShownChange } from '../domain/batch-open.js';
import type { IdGenerator } from '../id-generator.js';
import type { Store } from '../store/store.js';
import type { AuthCache } from './auth-cache.js';

/** A change of users' statuses, emitted after its transaction commits. */
interface ChangeOfUsers {
  tenant_key: string;
  system_status_id: string;
  user_ids: string[];
  shown_changes: ShownChange[];
  at: number;
}

export type StatusChangeEvent =
  | (ChangeOfUsers & { type: 'opened' | 'replaced'; /** Each user's end_time as written, in user_ids order. */ end_times: number[] })
  | (ChangeOfUsers & { type: 'closed' });

export interface OperationSettings {
  /** Names containing one of these (case-insensitive) answer 2005003. */
  sensitive_words: readonly string[];
}

/** What every operation needs: built once by the composition root and passed down. */
export interface Services {
  store: Store;
  clock: ControlledClock;
  ids: IdGenerator;
  settings: OperationSettings;
  auth: AuthCache;
  events: EventEmitter<{ change: [StatusChangeEvent] }>;
}

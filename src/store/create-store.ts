import { join } from 'node:path';
import { openSqliteStore } from './engines/sqlite/sqlite-engine.js';
import type { Store } from './store.js';

export interface StoreOptions {
  /** Folder for the embedded database file. */
  dataDir?: string;
  /** Keep everything in memory (lost at exit). */
  memory?: boolean;
}

/** The only place that chooses an engine. */
export async function createStore(options: StoreOptions): Promise<Store> {
  if (options.memory || !options.dataDir) return openSqliteStore({});
  return openSqliteStore({ file: join(options.dataDir, 'sysstatus.sqlite') });
}

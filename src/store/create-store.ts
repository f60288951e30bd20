import { join } from 'node:path';
import { openSqliteStore } from './engines/sqlite/sqlite-engine.js';
import type { Store } from './store.js';

export interface StoreOptions {
  /** postgres://…: keep everything in PostgreSQL (several nodes may share it). */
  databaseUrl?: string;
  /** With databaseUrl: the schema to use (created when missing); default the connection's own. */
  databaseSchema?: string;
  /** With databaseUrl and databaseSchema: drop the schema on close (tests). */
  dropSchemaOnClose?: boolean;
  /** Folder for the embedded database file. */
  dataDir?: string;
  /** Keep everything in memory (lost at exit). */
  memory?: boolean;
  /** Embedded engine: change log that may wait before it is folded into the tables. */
  foldLogBytes?: number;
}

/** The only place that chooses an engine. */
export async function createStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    // Loaded only here: pg and its engine cost every other start for nothing.
    const { openPostgresStore } = await import('./engines/postgres/postgres-engine.js');
    return openPostgresStore({
      url: options.databaseUrl,
      ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
      ...(options.dropSchemaOnClose ? { dropSchemaOnClose: true } : {}),
    });
  }
  if (options.memory || !options.dataDir) return openSqliteStore({});
  return openSqliteStore({
    file: join(options.dataDir, 'sysstatus.sqlite'),
    ...(options.foldLogBytes ? { fold: { maxLogBytes: options.foldLogBytes } } : {}),
  });
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore, type EngineDialect } from '../../kysely-store.js';
import { migrateToLatest } from '../../migrate.js';
import type { Database } from '../../schema.js';
import type { Store } from '../../store.js';
import { withStatementCache } from './statement-cache.js';

const sqliteDialect: EngineDialect = {
  name: 'sqlite',
  errorAbortsTransaction: false,
  conflictRule(error) {
    const { code, message } = (error ?? {}) as { code?: string; message?: string };
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
    if (message?.includes('system_status_names.')) return 'name';
    if (message?.includes('system_statuses.priority')) return 'priority';
    return 'primary_key';
  },
  // One connection, one transaction at a time: the rows are already ours.
  async lockUsers() {},
  // SQLite plans from its indexes alone unless ANALYZE has stored statistics, which it never has here.
  async refreshStatistics() {},
  transaction(db, work) {
    return db.transaction().execute(work);
  },
};

/** The embedded engine: one file (or memory) through better-sqlite3, in WAL mode. */
export async function openSqliteStore(options: { file?: string }): Promise<Store> {
  const file = options.file ?? ':memory:';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses no committed transaction on a process crash (only on power loss).
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  await migrateToLatest(db);
  return new KyselyStore(db, sqliteDialect);
}

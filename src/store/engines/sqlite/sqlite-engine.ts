import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore, type EngineDialect } from '../../kysely-store.js';
import { MemoryStore } from '../../memory/memory-store.js';
import { MemoryState } from '../../memory/state.js';
import { migrateToLatest } from '../../migrate.js';
import type { Database } from '../../schema.js';
import type { Store } from '../../store.js';
import { ChangeLog, DEFAULT_FOLD_POLICY, type FoldPolicy, type StopPoint } from './change-log.js';
import { StateImageFile } from './state-image-file.js';
import { withStatementCache } from './statement-cache.js';
import { WalCheckpointer } from './wal-checkpointer.js';

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

/** SQLite's page cache of the embedded engine, in KiB. */
const FOLD_PAGE_CACHE_KIB = 2048;

function openDatabase(file: string): SqliteDatabase.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses no committed transaction on a process crash (only on power loss).
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return database;
}

/**
 * The embedded engine: the live state in memory (src/store/memory), made durable by one appended
 * log row per turn of the event loop (group commit) in a SQLite file, folded into the tables in
 * the background (change-log.ts).
 * Without a file (--memory) there is nothing to make durable.
 */
export async function openSqliteStore(options: { file?: string; fold?: Partial<FoldPolicy>; stopAt?: (point: StopPoint) => void }): Promise<Store> {
  if (!options.file) return new MemoryStore(new MemoryState(), undefined);
  const database = openDatabase(options.file);
  // The tables hold final row images folded in any order; the memory state keeps the references whole.
  database.pragma('foreign_keys = OFF');
  // Only the fold and the start read the tables (in key order), so SQLite's page cache buys little;
  // better-sqlite3's default of 16 MB was a tenth of the peak RSS under load.
  database.pragma(`cache_size = -${FOLD_PAGE_CACHE_KIB}`);
  // A data folder of any release opens: the shared migrations bring its tables up to date first.
  const migrations = new Kysely<Database>({ dialect: new SqliteDialect({ database: { prepare: (sql) => database.prepare(sql), close: () => {} } }) });
  await migrateToLatest(migrations);
  await migrations.destroy();
  const onDisk = options.file !== ':memory:';
  const image = onDisk ? new StateImageFile(database, `${options.file}-image`, options.stopAt) : undefined;
  // An in-memory database has no WAL to checkpoint.
  const checkpointer = onDisk ? new WalCheckpointer(database) : undefined;
  const log = new ChangeLog(database, { ...DEFAULT_FOLD_POLICY, ...options.fold }, image, options.stopAt, checkpointer);
  return new MemoryStore(log.load(), log);
}

/**
 * The tables alone through Kysely, every statement straight to SQLite: the embedded engine up to
 * release 0.1. Kept as the reference that the equivalence test holds the new engine to.
 */
export async function openSqliteTablesStore(options: { file?: string }): Promise<Store> {
  const database = openDatabase(options.file ?? ':memory:');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  await migrateToLatest(db);
  return new KyselyStore(db, sqliteDialect);
}

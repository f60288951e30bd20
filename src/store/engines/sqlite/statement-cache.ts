import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver calls prepare() on every execution, and better-sqlite3 compiles the SQL
 * each time. This keeps the compiled statements of the most recently used SQL texts instead.
 * A statement still iterating (a streamed query) is never handed out twice: a fresh one is.
 */
export function withStatementCache(database: SqliteDatabase.Database, max = 512): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached) {
        if (cached.busy) return database.prepare(sql);
        // Map order is insertion order: re-inserting keeps the most recent at the end.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > max) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

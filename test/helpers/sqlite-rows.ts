import Database from 'better-sqlite3';

/** How many rows a table of a database file holds, read through a connection of its own. */
export function rowCount(file: string, table: string): number {
  const database = new Database(file, { readonly: true });
  try {
    return (database.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    database.close();
  }
}

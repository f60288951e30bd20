import type { Kysely } from 'kysely';

// Frozen once released: later changes go into new migration files.
// The embedded engine's state image (engines/sqlite/state-image-file.ts): the id of the image file
// that, with the change log, holds the whole state; no row when there is none. Unused by
// PostgreSQL. Also makes a release without it refuse the folder (Kysely rejects an executed
// migration it does not know): such a release would fold the log without forgetting the image.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sysstatus_state_image').addColumn('id', 'text', (c) => c.notNull()).execute();
}

export async function down(): Promise<void> {
  throw new Error('sysstatus migrations are forward-only');
}

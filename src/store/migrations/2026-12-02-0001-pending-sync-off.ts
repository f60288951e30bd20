import type { Kysely } from 'kysely';

// Frozen once released: later changes go into new migration files.
// A seed's sync_off title that no status of the tenant has yet: applied, and removed, when a
// status with that name is created.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pending_sync_off')
    .addColumn('tenant_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pending_sync_off_pk', ['tenant_key', 'user_id', 'title'])
    .addForeignKeyConstraint('pending_sync_off_user', ['tenant_key', 'user_id'], 'users', ['tenant_key', 'user_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  // Taking a status's names looks them up by tenant and title.
  await db.schema.createIndex('pending_sync_off_title').on('pending_sync_off').columns(['tenant_key', 'title']).execute();
}

export async function down(): Promise<void> {
  throw new Error('sysstatus migrations are forward-only');
}

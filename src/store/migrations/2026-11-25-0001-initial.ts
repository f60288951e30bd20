import { type Kysely, sql } from 'kysely';

// Frozen once released: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('tenant_key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('api_permission', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('app_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_key', 'text', (c) => c.notNull().references('tenants.tenant_key').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('app_secret_digest', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('developer', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('contact_scope_all', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('apps_tenant').on('apps').column('tenant_key').execute();

  await db.schema
    .createTable('app_contact_users')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.app_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('app_contact_users_pk', ['app_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('tenant_key', 'text', (c) => c.notNull().references('tenants.tenant_key').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('resigned', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('users_pk', ['tenant_key', 'user_id'])
    .execute();

  await db.schema
    .createTable('user_ids')
    .addColumn('id_value', 'text', (c) => c.primaryKey())
    .addColumn('id_type', 'text', (c) => c.notNull())
    .addColumn('tenant_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('user_ids_user', ['tenant_key', 'user_id'], 'users', ['tenant_key', 'user_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('user_ids_user').on('user_ids').columns(['tenant_key', 'user_id']).execute();
  await db.schema.createIndex('user_ids_owner').on('user_ids').columns(['owner']).execute();

  await db.schema
    .createTable('access_tokens')
    .addColumn('token_digest', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.app_id').onDelete('cascade'))
    .addColumn('tenant_key', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('access_tokens_app')
    .on('access_tokens')
    .columns(['app_id', 'kind', 'expires_at'])
    .execute();

  await db.schema
    .createTable('system_statuses')
    .addColumn('system_status_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_key', 'text', (c) => c.notNull().references('tenants.tenant_key').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('i18n_title', 'text')
    .addColumn('icon_key', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().check(sql`priority between 0 and 9`))
    .addColumn('sync_setting', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // Priorities 0-9, unique per tenant: this alone caps a tenant at 10 statuses under any race.
    .addUniqueConstraint('system_statuses_priority', ['tenant_key', 'priority'])
    .execute();

  await db.schema
    .createTable('system_status_names')
    .addColumn('tenant_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('system_status_id', 'text', (c) =>
      c.notNull().references('system_statuses.system_status_id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('system_status_names_pk', ['tenant_key', 'name'])
    .execute();
  await db.schema
    .createIndex('system_status_names_status')
    .on('system_status_names')
    .column('system_status_id')
    .execute();

  await db.schema
    .createTable('user_sync_preferences')
    .addColumn('tenant_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('system_status_id', 'text', (c) => c.notNull())
    .addColumn('sync_on', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_sync_preferences_pk', ['tenant_key', 'user_id', 'system_status_id'])
    .addForeignKeyConstraint(
      'user_sync_preferences_user',
      ['tenant_key', 'user_id'],
      'users',
      ['tenant_key', 'user_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('user_system_statuses')
    .addColumn('tenant_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('system_status_id', 'text', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('i18n_title', 'text')
    .addColumn('icon_key', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('open_by_default', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_system_statuses_pk', ['tenant_key', 'user_id', 'system_status_id'])
    .addForeignKeyConstraint(
      'user_system_statuses_user',
      ['tenant_key', 'user_id'],
      'users',
      ['tenant_key', 'user_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('user_system_statuses_status')
    .on('user_system_statuses')
    .columns(['tenant_key', 'system_status_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('sysstatus migrations are forward-only');
}

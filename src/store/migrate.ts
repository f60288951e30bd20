import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/2026-11-25-0001-initial.js';
import * as pendingSyncOff from './migrations/2026-12-02-0001-pending-sync-off.js';
import * as stateImage from './migrations/2026-12-06-0001-state-image.js';

// Listed here rather than read from disk, so the built and the tsx-run server see the same set.
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-25-0001-initial': initial,
  '2026-12-02-0001-pending-sync-off': pendingSyncOff,
  '2026-12-06-0001-state-image': stateImage,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations() {
    return MIGRATIONS;
  }
}

/**
 * Brings the schema up to date. Kysely's migrator takes a database lock, so nodes may start together.
 * `schema` names where the migration bookkeeping lives on engines with schemas; without it,
 * Kysely would take another schema's bookkeeping tables for this one's.
 */
export async function migrateToLatest(db: Kysely<any>, options: { schema?: string } = {}): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}

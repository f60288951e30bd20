import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';

export type TestEngine = 'sqlite' | 'postgres';

/** The engines this run covers: SQLite always; PostgreSQL when TEST_DATABASE_URL is set. */
export const TEST_ENGINES: TestEngine[] = ['sqlite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

/** Why PostgreSQL is left out of this run, or undefined when it is in. */
export const POSTGRES_SKIPPED = process.env.TEST_DATABASE_URL ? undefined : 'TEST_DATABASE_URL is not set: this run covers SQLite only';

/** Behaviour suites are written once and run on every engine of the run; an engine left out says why. */
export function describeEachEngine(title: string, suite: (engine: TestEngine) => void): void {
  for (const engine of TEST_ENGINES) describe(`${title} [${engine}]`, () => suite(engine));
  if (POSTGRES_SKIPPED) describe(`${title} [postgres]`, { skip: POSTGRES_SKIPPED }, () => {});
}

/** A schema name of its own for each PostgreSQL test store, so runs and tests never share rows. */
export const testSchemaName = () => `sysstatus_test_${randomBytes(6).toString('hex')}`;

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  return url;
}

/** A fresh, empty store on the given engine (on PostgreSQL: a new schema, dropped on close). */
export async function createTestStore(engine: TestEngine = 'sqlite'): Promise<Store> {
  if (engine === 'postgres') {
    return createStore({ databaseUrl: testDatabaseUrl(), databaseSchema: testSchemaName(), dropSchemaOnClose: true });
  }
  return createStore({ memory: true });
}

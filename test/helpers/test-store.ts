import { describe } from 'node:test';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';

export type TestEngine = 'sqlite' | 'postgres';

/** The engines this run covers: SQLite always; PostgreSQL when TEST_DATABASE_URL is set. */
export const TEST_ENGINES: TestEngine[] = ['sqlite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

/** Behaviour suites are written once and run on every engine of the run. */
export function describeEachEngine(title: string, suite: (engine: TestEngine) => void): void {
  for (const engine of TEST_ENGINES) describe(`${title} [${engine}]`, () => suite(engine));
}

/** A fresh, empty store on the given engine. */
export async function createTestStore(engine: TestEngine = 'sqlite'): Promise<Store> {
  if (engine === 'postgres') throw new Error('the PostgreSQL engine is not built yet');
  return createStore({ memory: true });
}

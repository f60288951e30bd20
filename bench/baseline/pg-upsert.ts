// The storage ceiling on PostgreSQL: 50-row INSERT … ON CONFLICT DO UPDATE statements into a
// table shaped like user_system_statuses, straight through `pg`, from several clients at once.
// It lives in a scratch schema that is dropped afterwards.
import pg from 'pg';
import { median } from '../stats.js';
import { prng } from '../workload.js';

export interface RawUpsertResult {
  statementsPerSec: number;
  rowsPerSec: number;
  p50: number;
  p99: number;
}

const SCHEMA = 'sysstatus_bench_raw';
const ROWS = 50;
const COLUMNS = ['tenant_key', 'user_id', 'system_status_id', 'end_time', 'opened_at', 'title', 'i18n_title', 'icon_key', 'color', 'priority', 'open_by_default'];

const UPSERT = `INSERT INTO ${SCHEMA}.user_system_statuses (${COLUMNS.join(', ')}) VALUES ${Array.from(
  { length: ROWS },
  (_, row) => `(${COLUMNS.map((_, column) => `$${row * COLUMNS.length + column + 1}`).join(', ')})`,
).join(', ')} ON CONFLICT (tenant_key, user_id, system_status_id) DO UPDATE SET ${COLUMNS.slice(3)
  .map((column) => `${column} = excluded.${column}`)
  .join(', ')}`;

export async function prepareRawUpsert(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${SCHEMA}`);
    await client.query(`CREATE TABLE ${SCHEMA}.user_system_statuses (
      tenant_key text NOT NULL, user_id text NOT NULL, system_status_id text NOT NULL,
      end_time bigint NOT NULL, opened_at bigint NOT NULL, title text NOT NULL, i18n_title text,
      icon_key text NOT NULL, color text NOT NULL, priority integer NOT NULL, open_by_default integer NOT NULL,
      PRIMARY KEY (tenant_key, user_id, system_status_id))`);
  } finally {
    await client.end();
  }
}

export async function dropRawUpsert(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  } finally {
    await client.end();
  }
}

/** `connections` clients each upsert 50 random users' rows in a loop for `durationSec`. */
export async function runRawUpsert(databaseUrl: string, options: { connections: number; durationSec: number; userCount: number }): Promise<RawUpsertResult> {
  const random = prng(42);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const latencies: number[] = [];
  const clients = await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const started = performance.now();
  const until = started + options.durationSec * 1000;
  let statements = 0;
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < until) {
          const users = new Set<number>();
          while (users.size < ROWS) users.add(Math.floor(random() * options.userCount));
          const status = Math.floor(random() * 10);
          const values = [...users]
            .sort((a, b) => a - b)
            .flatMap((user) => ['benchtenant0001', `u${String(user).padStart(7, '0')}`, `status-${status}`, nowSeconds + 3600, Date.now(), 'bench', null, 'GeneralBusinessTrip', 'BLUE', status, 1]);
          const sent = performance.now();
          await client.query({ name: 'bench_upsert', text: UPSERT, values });
          latencies.push(performance.now() - sent);
          statements++;
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    statementsPerSec: statements / seconds,
    rowsPerSec: (statements * ROWS) / seconds,
    p50: median(latencies),
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN,
  };
}

// The storage ceiling on SQLite: what batch_open asks of the database, with nothing else. For each
// request of the same 50-user pool the server gets, one transaction runs the statements sysstatus
// runs (the status, the 50 IDs resolved with their contact scope, the users' active opens and sync
// toggles, the 50-row upsert, the commit), as prepared better-sqlite3 statements, in one process with
// no HTTP, no Kysely, no validation. Run on a copy of the seeded tenant:
//   node --import tsx bench/baseline/sqlite-batch-open.ts --file DB --users N --duration S
// and prints one JSON line.
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { median, percentile } from '../stats.js';
import { BENCH_APP_ID, BENCH_TENANT_KEY, batchOpenPool } from '../workload.js';

export interface SqliteCeilingResult {
  transactionsPerSec: number;
  /** Rows the upserts wrote: the users each request could change. */
  rowsPerSec: number;
  cpuMsPerTransaction: number;
  p50: number;
  p99: number;
}

const { values } = parseArgs({ options: { file: { type: 'string' }, users: { type: 'string' }, duration: { type: 'string' } } });
if (!values.file || !values.users || !values.duration) throw new Error('usage: sqlite-batch-open.ts --file DB --users N --duration S');

const database = new SqliteDatabase(values.file);
database.pragma('journal_mode = WAL');
database.pragma('synchronous = NORMAL');
database.pragma('foreign_keys = ON');

const SIZE = 50;
const marks = (n: number) => Array(n).fill('?').join(', ');
const OPEN_COLUMNS = ['tenant_key', 'user_id', 'system_status_id', 'end_time', 'opened_at', 'title', 'i18n_title', 'icon_key', 'color', 'priority', 'open_by_default'];
const getStatus = database.prepare('SELECT * FROM system_statuses WHERE tenant_key = ? AND system_status_id = ?');
// Like sysstatus, the contact-scope check joins in only when the app's scope is not the whole tenant.
const { contact_scope_all: scopeAll } = database.prepare('SELECT contact_scope_all FROM apps WHERE app_id = ?').get(BENCH_APP_ID) as { contact_scope_all: number };
const resolveIds = database.prepare(
  `SELECT i.id_value, i.tenant_key, i.user_id, i.owner, u.resigned, ${scopeAll ? "'all'" : 'c.user_id'} AS contact_user_id FROM user_ids i
   JOIN users u ON u.tenant_key = i.tenant_key AND u.user_id = i.user_id
   ${scopeAll ? '' : 'LEFT JOIN app_contact_users c ON c.app_id = @app AND c.user_id = i.user_id'}
   WHERE i.id_value IN (${marks(SIZE)}) AND i.id_type = 'open_id'`,
);
const states = (n: number) =>
  database.prepare(
    `SELECT o.user_id, o.system_status_id, o.end_time, o.opened_at, o.title, o.i18n_title, o.icon_key, o.color, o.priority, o.open_by_default, p.sync_on
     FROM user_system_statuses o LEFT JOIN user_sync_preferences p
       ON p.tenant_key = o.tenant_key AND p.user_id = o.user_id AND p.system_status_id = o.system_status_id
     WHERE o.tenant_key = ? AND o.user_id IN (${marks(n)}) AND o.end_time > ?
     UNION ALL
     SELECT user_id, system_status_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, sync_on FROM user_sync_preferences
     WHERE tenant_key = ? AND system_status_id = ? AND user_id IN (${marks(n)})`,
  );
const upsert = (n: number) =>
  database.prepare(
    `INSERT INTO user_system_statuses (${OPEN_COLUMNS.join(', ')}) VALUES ${Array(n).fill(`(${marks(OPEN_COLUMNS.length)})`).join(', ')}
     ON CONFLICT (tenant_key, user_id, system_status_id) DO UPDATE SET ${OPEN_COLUMNS.slice(3).map((c) => `${c} = excluded.${c}`).join(', ')}`,
  );
const byCount = <T>(make: (n: number) => T) => {
  const made = new Map<number, T>();
  return (n: number) => made.get(n) ?? made.set(n, make(n)).get(n)!;
};
const statesOf = byCount(states);
const upsertOf = byCount(upsert);
const begin = database.prepare('BEGIN');
const commit = database.prepare('COMMIT');

const statusIds = (database.prepare('SELECT system_status_id FROM system_statuses WHERE tenant_key = ? ORDER BY priority').all(BENCH_TENANT_KEY) as { system_status_id: string }[]).map((row) => row.system_status_id);
const nowSeconds = Math.floor(Date.now() / 1000);
const pool = batchOpenPool(statusIds, Number(values.users), SIZE, 256, nowSeconds).requests.map((request) => ({
  statusId: request.path.split('/').at(-2)!,
  users: (JSON.parse(request.body) as { user_list: { user_id: string; end_time: number | string }[] }).user_list,
}));

let written = 0;
function batchOpen(request: (typeof pool)[number]) {
  begin.run();
  try {
    const status = getStatus.get(BENCH_TENANT_KEY, request.statusId) as Record<string, unknown>;
    const rows = resolveIds.all(...(scopeAll ? [] : [{ app: BENCH_APP_ID }]), ...request.users.map((user) => user.user_id)) as { user_id: string; resigned: number; contact_user_id: string | null }[];
    const userIds = [...new Set(rows.filter((row) => !row.resigned && row.contact_user_id !== null).map((row) => row.user_id))].sort();
    written += userIds.length;
    if (userIds.length > 0) {
      statesOf(userIds.length).all(BENCH_TENANT_KEY, ...userIds, nowSeconds, BENCH_TENANT_KEY, request.statusId, ...userIds);
      const endTime = Number(request.users[0].end_time);
      const now = Date.now();
      upsertOf(userIds.length).run(
        ...userIds.flatMap((userId) => [BENCH_TENANT_KEY, userId, request.statusId, endTime, now, status.title, status.i18n_title, status.icon_key, status.color, status.priority, 1]),
      );
    }
    commit.run();
  } catch (error) {
    database.prepare('ROLLBACK').run();
    throw error;
  }
}

const latencies: number[] = [];
const cpuBefore = process.cpuUsage();
const started = performance.now();
const until = started + Number(values.duration) * 1000;
for (let n = 0; performance.now() < until; n++) {
  const sent = performance.now();
  batchOpen(pool[n % pool.length]);
  latencies.push(performance.now() - sent);
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
database.close();
const result: SqliteCeilingResult = {
  transactionsPerSec: latencies.length / seconds,
  rowsPerSec: written / seconds,
  cpuMsPerTransaction: (cpu.user + cpu.system) / 1000 / latencies.length,
  p50: median(latencies),
  p99: percentile(latencies, 99),
};
process.stdout.write(`${JSON.stringify(result)}\n`);

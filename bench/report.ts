// The figures of one bench run: the shape, the printed table and the Markdown report.
import { formatNumber as n, formatRatio as x } from './stats.js';

export interface Figures {
  rps: number;
  /** The server's CPU time per request, in ms. */
  cpuMsPerRequest: number;
  changesPerSec: number;
  p50: number;
  p99: number;
}

export interface ScenarioReport {
  id: string;
  label: string;
  sysstatus: Figures;
  baseline: Figures;
  /**
   * sysstatus's CPU between the rounds (its fold of their log into the tables, which the rounds
   * wait for) per request of the rounds; absent in reports of runs before it was measured.
   */
  foldCpuMsPerRequest?: number;
  /** Medians of every round, to show the spread. */
  sysstatusRounds: number[];
  baselineRounds: number[];
  peakRssMiB: number;
  /** Responses other than 200 from sysstatus (should be none with limits off). */
  non200: Record<string, number>;
  /** Per-user results of the batch answers, summed over the rounds. */
  results: Record<string, number>;
}

export interface ColdStartReport {
  rounds: number;
  nodeNoopMs: number;
  baselineMs: number;
  /** The baseline bundled into one file like sysstatus (absent in reports from before it was measured). */
  baselineBundledMs?: number;
  baselineBundledRestMiB?: number;
  sysstatusMemoryMs: number;
  sysstatusDataMs: number;
  baselineRestMiB: number;
  sysstatusMemoryRestMiB: number;
  sysstatusDataRestMiB: number;
  sysstatusDataUsers: number;
}

export interface ScalingReport {
  users: number;
  seedMs: number;
  seedPhases: { tenant_ms: number; users_ms: number; preferences_ms: number; opens_ms: number };
  databaseMiB: number;
  coldStartMs: number;
  restMiB: number;
  scenario: ScenarioReport;
}

export interface RateLimitReport {
  durationSec: number;
  connections: number;
  accepted: number;
  rejected: number;
  other: Record<string, number>;
  /** Accepted answers per second of arrival at the client (informational). */
  acceptedPerSecond: number[];
  /** From the first request sent to the last answer received. */
  spanMs: number;
  /** Rate-limit windows that can have begun in that span: accepted must be ≤ 50 × windows. */
  windows: number;
  /** Distinct (status, code, x-ogw-ratelimit-limit, x-ogw-ratelimit-reset) of the refusals. */
  refusals: { status: number; code: number; limit: string; reset: string; count: number }[];
  exampleBody: string;
}

export interface PgReport {
  skipped?: string;
  raw?: { statementsPerSec: number; rowsPerSec: number; p50: number; p99: number; rounds: number[] };
  sysstatus?: ScenarioReport;
}

/** The batch_open statements straight through better-sqlite3 (bench/baseline/sqlite-batch-open.ts). */
export interface SqliteCeilingReport {
  transactionsPerSec: number;
  rowsPerSec: number;
  cpuMsPerTransaction: number;
  p50: number;
  p99: number;
  rounds: number[];
}

export interface BenchReport {
  date: string;
  machine: string;
  node: string;
  engine: string;
  mode: string;
  connections: number;
  durationSec: number;
  rounds: number;
  throughputUsers: number;
  throughputSeedMs?: number;
  cold?: ColdStartReport;
  scenarios: ScenarioReport[];
  scaling: ScalingReport[];
  rateLimit?: RateLimitReport;
  sqliteCeiling?: SqliteCeilingReport;
  pg?: PgReport;
  targets: { name: string; target: string; measured: string; met: boolean }[];
  notes: string[];
}

function table(head: string[], rows: string[][], align: ('l' | 'r')[]): string[] {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (align[i] === 'l' ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function markdownTable(head: string[], rows: string[][], align: ('l' | 'r')[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${align.map((a) => (a === 'l' ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

const SCENARIO_HEAD = ['scenario', 'req/s', '× bare', 'CPU ms/req', '× bare CPU', 'fold CPU ms/req', 'changes/s', 'p50 ms', 'p99 ms', 'bare req/s', 'bare CPU ms', 'bare p99', 'peak RSS MiB', 'non-200'];
const SCENARIO_ALIGN: ('l' | 'r')[] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];

function scenarioRow(s: ScenarioReport): string[] {
  const non200 = Object.entries(s.non200).map(([code, count]) => `${code}:${count}`).join(' ') || '0';
  return [
    s.label,
    n(s.sysstatus.rps),
    x(s.sysstatus.rps / s.baseline.rps),
    n(s.sysstatus.cpuMsPerRequest),
    x(s.baseline.cpuMsPerRequest / s.sysstatus.cpuMsPerRequest),
    s.foldCpuMsPerRequest === undefined ? '–' : n(s.foldCpuMsPerRequest),
    s.sysstatus.changesPerSec > 0 ? n(s.sysstatus.changesPerSec) : '–',
    n(s.sysstatus.p50),
    n(s.sysstatus.p99),
    n(s.baseline.rps),
    n(s.baseline.cpuMsPerRequest),
    n(s.baseline.p99),
    n(s.peakRssMiB),
    non200,
  ];
}

function scalingRows(report: BenchReport): string[][] {
  const first = report.scaling[0]?.scenario.sysstatus.rps;
  return report.scaling.map((s) => [
    formatUsers(s.users),
    n(s.seedMs / 1000, 1),
    n(s.databaseMiB),
    n(s.coldStartMs),
    n(s.restMiB),
    n(s.scenario.sysstatus.rps),
    x(s.scenario.sysstatus.rps / s.scenario.baseline.rps),
    n(s.scenario.sysstatus.cpuMsPerRequest),
    x(s.scenario.sysstatus.rps / first),
    n(s.scenario.sysstatus.changesPerSec),
    n(s.scenario.sysstatus.p50),
    n(s.scenario.sysstatus.p99),
    n(s.scenario.peakRssMiB),
  ]);
}
const SCALING_HEAD = ['users', 'seed s', 'db MiB', 'cold ms', 'rest MiB', 'req/s', '× bare', 'CPU ms/req', '× smallest', 'changes/s', 'p50 ms', 'p99 ms', 'peak RSS MiB'];
const SCALING_ALIGN: ('l' | 'r')[] = ['l', ...Array<'r'>(12).fill('r')];

const formatUsers = (users: number) => (users >= 1e6 ? `${users / 1e6}M` : users >= 1e3 ? `${users / 1e3}k` : String(users));

function coldRows(cold: ColdStartReport): string[][] {
  return [
    ['node -e 0', n(cold.nodeNoopMs), '–', '–'],
    ['bare Fastify', n(cold.baselineMs), '1.00×', n(cold.baselineRestMiB)],
    ...(cold.baselineBundledMs
      ? [['bare Fastify, bundled like sysstatus', n(cold.baselineBundledMs), x(cold.baselineBundledMs / cold.baselineMs), n(cold.baselineBundledRestMiB ?? NaN)]]
      : []),
    ['sysstatus --memory (demo seed)', n(cold.sysstatusMemoryMs), x(cold.sysstatusMemoryMs / cold.baselineMs), n(cold.sysstatusMemoryRestMiB)],
    [`sysstatus --data (${formatUsers(cold.sysstatusDataUsers)} users)`, n(cold.sysstatusDataMs), x(cold.sysstatusDataMs / cold.baselineMs), n(cold.sysstatusDataRestMiB)],
  ];
}

function rateLimitLines(rl: RateLimitReport): string[] {
  const refusals = rl.refusals.map(
    (r) => `HTTP ${r.status} code ${r.code} x-ogw-ratelimit-limit ${r.limit} x-ogw-ratelimit-reset ${r.reset}: ${r.count}`,
  );
  return [
    `batch_open (1 user) with limits on, ${rl.connections} connections for ${rl.durationSec} s: ${rl.accepted} accepted, ${rl.rejected} refused` +
      (Object.keys(rl.other).length ? `, other ${JSON.stringify(rl.other)}` : ''),
    `accepted ${rl.accepted} over ${(rl.spanMs / 1000).toFixed(2)} s from first send to last answer: at most ${rl.windows} one-second windows, so at most ${50 * rl.windows} allowed — ${rl.accepted <= 50 * rl.windows ? 'within the limit' : 'OVER THE LIMIT'}`,
    `accepted answers by second of arrival (late answers under load slip into the next second): ${rl.acceptedPerSecond.join(', ')}`,
    ...refusals.map((line) => `refusals: ${line}`),
    `a refusal: ${rl.exampleBody}`,
  ];
}

export function printReport(report: BenchReport): string {
  const out: string[] = [];
  out.push(`sysstatus bench — ${report.date} — ${report.machine} — Node ${report.node} — ${report.engine} — ${report.mode}`);
  out.push(`${report.connections} connections, ${report.rounds} × ${report.durationSec} s per server and scenario, medians; tenant of ${formatUsers(report.throughputUsers)} users, 10 statuses`);
  if (report.cold) {
    out.push('', `Cold start (spawn → first 200), median of ${report.cold.rounds}`);
    out.push(...table(['process', 'ms', '× bare', 'rest RSS MiB'], coldRows(report.cold), ['l', 'r', 'r', 'r']));
  }
  if (report.scenarios.length) {
    out.push('', 'Throughput (sysstatus vs bare Fastify, same run)');
    out.push(...table(SCENARIO_HEAD, report.scenarios.map(scenarioRow), SCENARIO_ALIGN));
  }
  if (report.scaling.length) {
    out.push('', 'Scaling: batch_open, 50 users per request, 10 statuses');
    out.push(...table(SCALING_HEAD, scalingRows(report), SCALING_ALIGN));
  }
  if (report.sqliteCeiling) out.push('', 'SQLite storage ceiling', ...ceilingLines(report));
  if (report.rateLimit) out.push('', 'Rate limits on', ...rateLimitLines(report.rateLimit));
  if (report.pg) out.push('', 'PostgreSQL', ...pgLines(report.pg));
  if (report.targets.length) {
    out.push('', 'Targets');
    out.push(...table(['target', 'wanted', 'measured', 'met'], report.targets.map((t) => [t.name, t.target, t.measured, t.met ? 'yes' : 'NO']), ['l', 'l', 'l', 'l']));
  }
  for (const note of report.notes) out.push(`note: ${note}`);
  return out.join('\n');
}

function ceilingLines(report: BenchReport): string[] {
  const ceiling = report.sqliteCeiling;
  if (!ceiling) return [];
  const lines = [
    `the same statements as a 50-user batch_open, one transaction each, straight through better-sqlite3 in one process (no HTTP, Kysely or validation): ${n(ceiling.transactionsPerSec)} transactions/s (${n(ceiling.rowsPerSec)} rows written/s), ${n(ceiling.cpuMsPerTransaction)} ms CPU each, p50 ${n(ceiling.p50)} ms, p99 ${n(ceiling.p99)} ms`,
  ];
  const open50 = report.scenarios.find((s) => s.id === 'batch_open_50');
  if (open50) {
    lines.push(
      `by CPU per request, sysstatus's batch_open of 50 users runs at ${x(ceiling.cpuMsPerTransaction / open50.sysstatus.cpuMsPerRequest)} this storage ceiling, and the ceiling itself at ${x(open50.baseline.cpuMsPerRequest / ceiling.cpuMsPerTransaction)} bare Fastify`,
    );
  }
  return lines;
}

function pgLines(pg: PgReport): string[] {
  const lines: string[] = [];
  if (pg.raw) {
    lines.push(
      `raw pg 50-row INSERT … ON CONFLICT: ${n(pg.raw.statementsPerSec)} statements/s = ${n(pg.raw.rowsPerSec)} rows/s, p50 ${n(pg.raw.p50)} ms, p99 ${n(pg.raw.p99)} ms`,
    );
  }
  if (pg.sysstatus && pg.raw) {
    lines.push(
      `sysstatus on PostgreSQL, batch_open 50 users: ${n(pg.sysstatus.sysstatus.changesPerSec)} changes/s = ${x(pg.sysstatus.sysstatus.changesPerSec / pg.raw.rowsPerSec)} the raw upsert ceiling (target ≥ 0.70×), p99 ${n(pg.sysstatus.sysstatus.p99)} ms`,
    );
  }
  if (pg.skipped) lines.push(`skipped: ${pg.skipped}`);
  return lines;
}

export function markdownReport(report: BenchReport, analysis: string): string {
  const out: string[] = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (see `bench/`); rewrite it by running the bench again. Every figure comes',
    'from one run on one machine, and each sysstatus figure sits beside a baseline measured in the same',
    'run, alternating the two servers and comparing medians: on a shared machine the same run can vary',
    'up to 2× minutes apart, so only the ratios travel.',
    '',
    `- Date: ${report.date}`,
    `- Machine: ${report.machine}`,
    `- Node: ${report.node}`,
    `- Engine: ${report.engine}`,
    `- Load: autocannon over loopback from a separate process, ${report.connections} connections, ${report.rounds} rounds × ${report.durationSec} s per server and scenario after a warm-up; medians`,
    `- Tenant: ${formatUsers(report.throughputUsers)} users, 10 statuses (one not auto-opened), every 5th user on a months-long leave of the top priority, every 13th with auto-open off for one status, every 37th outside the app's contact scope, every 41st resigned; 2% of the IDs in each request unknown`,
    '',
  ];
  if (report.targets.length) {
    out.push('## Targets', '');
    out.push(...markdownTable(['target', 'wanted', 'measured', 'met'], report.targets.map((t) => [t.name, t.target, t.measured, t.met ? 'yes' : '**no**']), ['l', 'l', 'l', 'l']), '');
  }
  if (report.scenarios.length) {
    out.push('## Throughput and latency', '');
    out.push(
      'The baseline ("bare") is Fastify on the same paths with the same TypeBox schemas and validator compiler,',
      'answering the same shape without auth, rate limits or storage. "changes/s" counts users whose status a',
      'batch answer reported as opened, replaced or closed (results starting with `success`). "CPU ms/req" is the',
    "server process's own CPU time (utime + stime) per request; \"× bare CPU\" is bare's CPU per request over",
    "sysstatus's — the throughput ratio both would reach with a core each, and the figure least moved by other jobs.",
      'Every round starts once sysstatus is idle: its fold of the log into the tables, which starts a second after',
      'the last commit, runs between the rounds, and "fold CPU ms/req" is that CPU per request of the rounds. A',
      'server under load without pause folds every 128 MiB of log instead, and more changes to one row fold as one.',
      '',
    );
    out.push(...markdownTable(SCENARIO_HEAD, report.scenarios.map(scenarioRow), SCENARIO_ALIGN), '');
    out.push('Per-user results seen (all rounds):', '');
    for (const s of report.scenarios) {
      if (Object.keys(s.results).length === 0) continue;
      const total = Object.values(s.results).reduce((a, b) => a + b, 0);
      const mix = Object.entries(s.results)
        .sort((a, b) => b[1] - a[1])
        .map(([result, count]) => `${result} ${((100 * count) / total).toFixed(1)}%`)
        .join(', ');
      out.push(`- ${s.label}: ${mix}`);
    }
    out.push('');
    out.push('Rounds (req/s, sysstatus / bare):', '');
    for (const s of report.scenarios) {
      out.push(`- ${s.label}: ${s.sysstatusRounds.map((v) => n(v)).join(', ')} / ${s.baselineRounds.map((v) => n(v)).join(', ')}`);
    }
    out.push('');
  }
  if (report.sqliteCeiling) {
    out.push('## SQLite storage ceiling', '');
    out.push(...ceilingLines(report).map((line) => `- ${line}`), '');
  }
  if (report.cold) {
    out.push('## Cold start and memory at rest', '');
    out.push(`Spawn to the first HTTP 200, median of ${report.cold.rounds} alternated starts; RSS one second after that answer.`, '');
    out.push(...markdownTable(['process', 'ms', '× bare', 'rest RSS MiB'], coldRows(report.cold), ['l', 'r', 'r', 'r']), '');
  }
  if (report.scaling.length) {
    out.push('## Scaling with the tenant', '');
    out.push('The same batch_open run (50 users per request, users drawn uniformly from the whole tenant) on tenants of growing size. Seeding goes straight through the store (`bench/seed-tenant.ts`).', '');
    out.push(...markdownTable(SCALING_HEAD, scalingRows(report), SCALING_ALIGN), '');
    out.push('Seeding phases (s): ' + report.scaling.map((s) => `${formatUsers(s.users)}: tenant+contact scope ${n(s.seedPhases.tenant_ms / 1000, 1)}, users ${n(s.seedPhases.users_ms / 1000, 1)}, preferences ${n(s.seedPhases.preferences_ms / 1000, 1)}, opens ${n(s.seedPhases.opens_ms / 1000, 1)}`).join('; '), '');
  }
  if (report.rateLimit) {
    out.push('## Rate limits under overload', '');
    out.push(...rateLimitLines(report.rateLimit).map((line) => `- ${line}`), '');
  }
  if (report.pg) out.push('## PostgreSQL', '', ...pgLines(report.pg).map((line) => `- ${line}`), '');
  if (analysis) out.push(analysis.trim(), '');
  if (report.notes.length) out.push('## Notes from this run', '', ...report.notes.map((note) => `- ${note}`), '');
  return out.join('\n');
}

// Command-line options of `npm run bench`.
import { parseArgs } from 'node:util';

export const GROUPS = ['cold', 'throughput', 'scaling', 'rate-limit', 'pg'] as const;
export type Group = (typeof GROUPS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Seconds of each measured run. */
  durationSec: number;
  /** Seconds of warm-up before a scenario's rounds, per server. */
  warmupSec: number;
  /** Alternations of scenario and baseline; the report compares medians. */
  rounds: number;
  coldRounds: number;
  connections: number;
  /** Users in the tenant of the throughput scenarios. */
  users: number;
  /** Tenant sizes of the scaling runs. */
  scales: number[];
  rateLimitSec: number;
  /** How long a server idles after its first answer before its memory at rest is read. */
  restWaitMs: number;
  groups: Set<Group>;
  /** Scenario ids to run (all when empty). */
  scenarios: Set<string>;
  databaseUrl?: string;
  /** Markdown report to write, or undefined for none. */
  out?: string;
  /** The report as JSON, or undefined for none. */
  json?: string;
  /** Write a V8 CPU profile of the sysstatus throughput server into this folder. */
  cpuProfDir?: string;
  /** Rewrite the Markdown report from this JSON of an earlier run instead of running. */
  reportFrom?: string;
  /** 'auto' rebuilds dist/ and the baseline when a source file is newer. */
  build: 'auto' | 'never';
}

export const USAGE = `Usage: npm run bench -- [options]

  --quick                a smoke run of a few seconds (writes no report unless --out is given)
  --duration S           seconds per measured run (default 5)
  --warmup S             warm-up seconds per scenario and server (default 2)
  --rounds N             scenario/baseline alternations, medians compared (default 4)
  --connections N        concurrent connections (default 50)
  --users N              users in the throughput tenant (default 10000)
  --scales A,B,C         tenant sizes of the scaling runs (default 1000,100000,1000000)
  --only LIST            groups (${GROUPS.join(', ')}) and/or scenario ids to run
  --database-url URL     also run on PostgreSQL (env BENCH_DATABASE_URL)
  --out FILE             the Markdown report (default docs/benchmarks.md; "-" for none)
  --json FILE            the figures as JSON (default bench/results/DATE.json; "-" for none)
  --cpu-prof DIR         write a CPU profile of the sysstatus throughput server into DIR
  --report JSON          only rewrite the Markdown report (--out) from the JSON of an earlier run
  --no-build             use dist/ and .tmp/bench-build/ as they are (default: rebuild when stale)`;

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      users: { type: 'string' },
      scales: { type: 'string' },
      only: { type: 'string' },
      'database-url': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'no-build': { type: 'boolean' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const number = (name: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
    return value;
  };
  const only = (values.only ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  const groups = new Set<Group>(GROUPS.filter((group) => only.length === 0 || only.includes(group)));
  const scenarios = new Set(only.filter((item) => !(GROUPS as readonly string[]).includes(item)));
  // Naming only scenarios implies their group.
  if (scenarios.size > 0) groups.add('throughput');
  const out = values.out ?? (quick ? undefined : 'docs/benchmarks.md');
  const databaseUrl = values['database-url'] ?? env.BENCH_DATABASE_URL;
  const json = values.json ?? (quick ? undefined : 'bench/results/DATE.json');
  return {
    quick,
    durationSec: number('duration', values.duration, quick ? 0.3 : 5),
    warmupSec: number('warmup', values.warmup, quick ? 0.2 : 2),
    rounds: number('rounds', values.rounds, quick ? 1 : 4),
    coldRounds: quick ? 1 : 5,
    connections: number('connections', values.connections, 50),
    users: number('users', values.users, quick ? 1000 : 10_000),
    scales: (values.scales ?? (quick ? '1000' : '1000,100000,1000000')).split(',').map((size) => number('scales', size, 1000)),
    rateLimitSec: quick ? 1.2 : 4,
    restWaitMs: quick ? 200 : 1000,
    groups,
    scenarios,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(out && out !== '-' ? { out } : {}),
    ...(json && json !== '-' ? { json } : {}),
    ...(values['cpu-prof'] ? { cpuProfDir: values['cpu-prof'] } : {}),
    ...(values.report ? { reportFrom: values.report } : {}),
    build: values['no-build'] ? 'never' : 'auto',
  };
}

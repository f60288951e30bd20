// Keeps `npm run bench` working: runs its quick smoke mode end to end. No figure is asserted
// (timings on a shared machine mean nothing); only that every part ran and reported.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BenchReport } from '../../bench/report.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('npm run bench -- --quick', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysstatus-bench-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every group and writes the report', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', join(dir, 'benchmarks.md'), '--json', join(dir, 'bench.json')],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BENCH_DATABASE_URL: '' } },
    );
    assert.equal(run.status, 0, `bench failed:\n${run.stderr}\n${run.stdout}`);

    const report = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as BenchReport;
    assert.deepEqual(
      report.scenarios.map((scenario) => scenario.id),
      ['batch_open_1', 'batch_open_10', 'batch_open_50', 'batch_close_50', 'list', 'token', 'mixed'],
    );
    for (const scenario of report.scenarios) {
      assert.ok(scenario.sysstatus.rps > 0 && scenario.baseline.rps > 0, `${scenario.id} served requests`);
      assert.deepEqual(scenario.non200, {}, `${scenario.id}: sysstatus answered only 200`);
    }
    const open = report.scenarios.find((scenario) => scenario.id === 'batch_open_50')!;
    assert.ok(Object.keys(open.results).length >= 3, `batch_open saw mixed results: ${JSON.stringify(open.results)}`);
    assert.ok(report.cold && report.cold.baselineMs > 0 && report.cold.sysstatusMemoryMs > 0);
    assert.equal(report.scaling.length, 1);
    // The storage ceiling ran the batch_open statements for real.
    assert.ok(report.sqliteCeiling && report.sqliteCeiling.rowsPerSec > 0 && report.sqliteCeiling.cpuMsPerTransaction > 0);

    // Refusals under overload are the platform's 429 (how many get through depends on the machine).
    const limited = report.rateLimit!;
    assert.ok(limited.accepted > 0);
    assert.ok(limited.accepted <= 50 * limited.windows, 'never more than 50 accepted per one-second window');
    for (const refusal of limited.refusals) assert.deepEqual([refusal.status, refusal.code, refusal.limit], [429, 99991400, '50']);
    assert.deepEqual(limited.other, {});
    assert.match(report.pg?.skipped ?? '', /database-url/);

    const markdown = readFileSync(join(dir, 'benchmarks.md'), 'utf8');
    for (const heading of ['## Throughput and latency', '## SQLite storage ceiling', '## Cold start', '## Scaling', '## Rate limits']) assert.ok(markdown.includes(heading), heading);
    assert.match(run.stdout, /Throughput \(sysstatus vs bare Fastify, same run\)/);
  });
});

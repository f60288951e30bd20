// The bounded version of scripts/crash-test.ts: SIGKILL a real server under batch load, restart it
// on the same data, and check every acknowledged batch is there and none is half applied.
// SYSSTATUS_CRASH_ROUNDS=50 runs more kills (each round is a restart, a few seconds).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrashTest } from '../../scripts/crash-test.js';
import { report } from './support/fuzz-config.js';

test('SIGKILL under batch_open / batch_close load loses no acknowledged batch and half-applies none', async () => {
  // Odd rounds fold the log every few batches, so at least one kill lands amid folds.
  const rounds = Number(process.env.SYSSTATUS_CRASH_ROUNDS) || 4;
  const figures = await runCrashTest({ rounds, workers: 4 });
  assert.equal(figures.crashes, rounds);
  assert.ok(figures.acknowledged_batches > 0);
  report('crash sqlite', JSON.stringify(figures));
});

// How hard the property tests push: a CI default, or a long mode through the environment.
//   SYSSTATUS_FUZZ_RUNS=100000  runs of each property (the CI default is set per property)
//   SYSSTATUS_FUZZ_SEED=123     replay a failure fast-check reported
import type { Parameters } from 'fast-check';

export function fuzzRuns(ciDefault: number): number {
  const fromEnv = Number(process.env.SYSSTATUS_FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : ciDefault;
}

export function fuzzParameters<T>(ciDefault: number): Parameters<T> {
  const seed = Number(process.env.SYSSTATUS_FUZZ_SEED);
  return {
    numRuns: fuzzRuns(ciDefault),
    ...(Number.isInteger(seed) ? { seed } : {}),
    includeErrorInReport: true,
  };
}

/** Figures the suites print, so docs/reliability.md can quote what a run did. */
export function report(figure: string, value: number | string): void {
  process.stdout.write(`# figure ${figure}: ${value}\n`);
}

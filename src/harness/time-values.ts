import type { Duration, Instant } from './types.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a Duration: a number is already milliseconds; '90s', '15m', '2h', '1d'. */
export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const match = /^(-?\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration} (a number of ms, or e.g. '90s', '15m', '2h', '1d')`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** The control API takes ms since the epoch or ISO 8601; a Date becomes its ms. */
export function instantValue(instant: Instant): number | string {
  if (instant instanceof Date) return instant.getTime();
  return instant;
}

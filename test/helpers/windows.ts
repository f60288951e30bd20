/** When a call was sent and when its answer came, on the test's monotonic clock (ms). */
export interface Interval {
  sent: number;
  answered: number;
}

/**
 * The most calls whose server-side decision certainly fell within one span of `spanMs`: those
 * sent at or after some start and answered before start + spanMs. A limiter that lets at most
 * N calls through in any such span can never make this exceed N, however slow the machine is.
 */
export function mostCertainlyWithin(intervals: readonly Interval[], spanMs: number): number {
  let most = 0;
  for (const start of intervals.map((interval) => interval.sent)) {
    const inside = intervals.filter((interval) => interval.sent >= start && interval.answered < start + spanMs).length;
    most = Math.max(most, inside);
  }
  return most;
}

export async function timed<T>(work: () => Promise<T>): Promise<T & Interval> {
  const sent = performance.now();
  const result = await work();
  return { ...result, sent, answered: performance.now() };
}

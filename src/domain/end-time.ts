import { invalidParameter } from './errors.js';

export const MAX_END_TIME_SPAN_SECONDS = 365 * 24 * 3600;

/**
 * end_time arrives as a JSON number (Node SDK) or a numeric string (docs, Go, Python SDKs):
 * whole Unix seconds, after now and at most 365 days ahead. `at`: the entry's index in a batch's
 * user_list, which the error names (its field name is made only then).
 */
export function parseEndTime(raw: unknown, nowSeconds: number, at?: number): number {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\d{1,15}$/.test(raw)) value = Number(raw);
  else throw rejected(at, raw, 'end_time must be a Unix timestamp in seconds');
  if (!Number.isSafeInteger(value)) throw rejected(at, raw, 'end_time must be a whole number of seconds');
  if (value <= nowSeconds) throw rejected(at, raw, 'end_time must be in the future');
  if (value - nowSeconds > MAX_END_TIME_SPAN_SECONDS) throw rejected(at, raw, 'end_time must be at most 365 days from now');
  return value;
}

const rejected = (at: number | undefined, raw: unknown, reason: string) =>
  invalidParameter(at === undefined ? 'end_time' : `user_list[${at}].end_time`, reason, raw);

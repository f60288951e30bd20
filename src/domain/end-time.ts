import { invalidParameter } from './errors.js';

export const MAX_END_TIME_SPAN_SECONDS = 365 * 24 * 3600;

/**
 * end_time arrives as a JSON number (Node SDK) or a numeric string (docs, Go, Python SDKs):
 * whole Unix seconds, after now and at most 365 days ahead.
 */
export function parseEndTime(field: string, raw: unknown, nowSeconds: number): number {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\d{1,15}$/.test(raw)) value = Number(raw);
  else throw invalidParameter(field, 'end_time must be a Unix timestamp in seconds', raw);
  if (!Number.isSafeInteger(value)) throw invalidParameter(field, 'end_time must be a whole number of seconds', raw);
  if (value <= nowSeconds) throw invalidParameter(field, 'end_time must be in the future', raw);
  if (value - nowSeconds > MAX_END_TIME_SPAN_SECONDS) {
    throw invalidParameter(field, 'end_time must be at most 365 days from now', raw);
  }
  return value;
}

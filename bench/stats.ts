// Medians and ratios: on a noisy shared machine single runs mislead, medians of alternated runs do not.

export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
}

export const ratio = (value: number, baseline: number) => (baseline > 0 ? value / baseline : NaN);

/** 1234.5 → "1,235"; small values keep a decimal or two. */
export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return '–';
  const places = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
}

export const formatRatio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');

/** The value below which `p` per cent of the values lie (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

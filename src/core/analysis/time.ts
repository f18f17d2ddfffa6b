// Time bucketing for "sentiment over time": calendar days (UTC) aggregated to ISO weeks or months.

const DAY = 86_400_000;

/** Monday (UTC) of the ISO week containing `day`. */
export function weekStart(day: number): number {
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - dow * DAY;
}

export function monthStart(day: number): number {
  const d = new Date(day);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export type Granularity = 'week' | 'month' | 'year';

/** Most buckets a table/chart shows (year buckets beyond; 1970-2100 is 131 years). */
export const MAX_BUCKETS = 140;

/** A table of up to this many rows is short enough to read even when most rows are empty. */
const MAX_SPARSE_ROWS = 12;

/** Weeks for spans up to ~5 months, months up to 8 years, years beyond. */
function granularityOfSpan(minDay: number, maxDay: number): Granularity {
  if (maxDay - minDay <= 150 * DAY) return 'week';
  const a = new Date(minDay), b = new Date(maxDay);
  const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
  return months <= 96 ? 'month' : 'year';
}

/**
 * The granularity of the table and chart: by the span (weeks up to ~5 months, months up to 8 years, years beyond),
 * and, given the days that hold items, coarser while a long table (over 12 rows) would be mostly empty (30 reviews
 * over five years are 6 year rows, not 62 month rows of which 44 hold nothing), as long as the coarser one still has
 * two rows or more.
 */
export function chooseGranularity(minDay: number, maxDay: number, days?: Iterable<number>): Granularity {
  let g = granularityOfSpan(minDay, maxDay);
  if (!days) return g;
  const list = [...days];
  while (g !== 'year') {
    const rows = bucketRange(minDay, maxDay, g).length;
    const filled = new Set(list.map((d) => bucketOf(d, g))).size;
    const coarser: Granularity = g === 'week' ? 'month' : 'year';
    if (rows <= MAX_SPARSE_ROWS || filled * 2 >= rows || bucketRange(minDay, maxDay, coarser).length < 2) break;
    g = coarser;
  }
  return g;
}

export function yearStart(day: number): number {
  return Date.UTC(new Date(day).getUTCFullYear(), 0, 1);
}

export function bucketOf(day: number, g: Granularity): number {
  return g === 'week' ? weekStart(day) : g === 'month' ? monthStart(day) : yearStart(day);
}

export function bucketLabel(start: number, g: Granularity): string {
  return g === 'week' ? `week of ${isoDate(start)}` : isoDate(start).slice(0, g === 'month' ? 7 : 4);
}

function nextBucket(b: number, g: Granularity): number {
  if (g === 'week') return b + 7 * DAY;
  const d = new Date(b);
  return g === 'month' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) : Date.UTC(d.getUTCFullYear() + 1, 0, 1);
}

/** All bucket starts from the first to the last (empty ones included, so gaps show); at most `max`. */
export function bucketRange(minDay: number, maxDay: number, g: Granularity, max = MAX_BUCKETS): number[] {
  const out: number[] = [];
  let b = bucketOf(minDay, g);
  const last = bucketOf(maxDay, g);
  while (b <= last && out.length < max) {
    out.push(b);
    b = nextBucket(b, g);
  }
  return out;
}

/**
 * Days that stand for "no date" in exports: the Unix epoch (1970-01-01), 1900-01-01 / 1899-12-30 / 1899-12-31
 * (spreadsheet zero dates) and anything from 2100 on (9999-12-31 style "never"), so they do not stretch the period.
 */
export function isPlaceholderDay(day: number): boolean {
  return day === 0 || day >= Date.UTC(2100, 0, 1) || day <= Date.UTC(1900, 0, 1);
}

/** Fewest items each half needs before "themes that grew" compares them. */
export const MIN_HALF_ITEMS = 20;

/**
 * Splits dated items into two halves of similar size at the median day: the first half is the days up to and
 * including `lastEarly`, the second the days after it (a day is never split). Undefined when there are no two halves.
 */
export function medianSplit(days: readonly number[]): { lastEarly: number; firstLate: number; early: number; late: number } | undefined {
  // A typed array sorts numerically without a comparator call per pair (20,000 sample days, on the analysis's thread).
  const sorted = Float64Array.from(days).sort();
  const n = sorted.length;
  if (n < 2 || sorted[0] === sorted[n - 1]) return undefined;
  const best = (cut: number) => {
    // Items with day <= cut go first.
    let i = 0;
    while (i < n && sorted[i] <= cut) i++;
    return i;
  };
  const m = sorted[Math.floor((n - 1) / 2)];
  // Either the median day ends the first half or starts the second: take the more even of the two.
  let below = 0;
  while (sorted[below] < m) below++;
  const a = best(m), prev = below ? sorted[below - 1] : undefined;
  const b = prev === undefined ? 0 : best(prev);
  const useA = a < n && (b === 0 || Math.abs(n / 2 - a) <= Math.abs(n / 2 - b));
  const early = useA ? a : b;
  if (early === 0 || early === n) return undefined;
  return { lastEarly: sorted[early - 1], firstLate: sorted[early], early, late: n - early };
}

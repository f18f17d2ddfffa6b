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

/** Weeks for spans up to ~5 months, months beyond. */
export function chooseGranularity(minDay: number, maxDay: number): 'week' | 'month' {
  return maxDay - minDay <= 150 * DAY ? 'week' : 'month';
}

export function bucketOf(day: number, g: 'week' | 'month'): number {
  return g === 'week' ? weekStart(day) : monthStart(day);
}

export function bucketLabel(start: number, g: 'week' | 'month'): string {
  return g === 'week' ? `week of ${isoDate(start)}` : isoDate(start).slice(0, 7);
}

/** All bucket starts from the first to the last (empty ones included, so gaps show). */
export function bucketRange(minDay: number, maxDay: number, g: 'week' | 'month'): number[] {
  const out: number[] = [];
  let b = bucketOf(minDay, g);
  const last = bucketOf(maxDay, g);
  while (b <= last && out.length < 1000) {
    out.push(b);
    if (g === 'week') b += 7 * DAY;
    else {
      const d = new Date(b);
      b = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
  return out;
}

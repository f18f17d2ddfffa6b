// Date values of feedback tables: parsing, and the per-column reading (day/month order, Excel serial days,
// epoch seconds/milliseconds, two-digit years) decided once from the sampled rows so every row of a file
// is read the same way.

const DAY = 86_400_000;

/** How a column's dates are read; decided by profileDates() from the sampled values of the column. */
export interface DateFormat {
  /** Order of n/n/yyyy dates with slashes or dashes (dots are always day-first). Absent: per value (legacy). */
  order?: 'mdy' | 'dmy';
  /** No value decided the order (no part > 12): month/day was assumed. */
  orderAssumed?: boolean;
  /** Both orders were seen in the column: each value was read on its own. */
  orderMixed?: boolean;
  /** An ambiguous value of the column (both parts ≤ 12), e.g. "03/05/2024". */
  ambiguousExample?: string;
  /** Numbers read as days: Excel serial day numbers, epoch seconds or epoch milliseconds. */
  numeric?: 'excel' | 'epoch-s' | 'epoch-ms';
  /** Two-digit years (03/05/24) are read: < 70 as 20xx, else 19xx. */
  twoDigitYear?: boolean;
}

/** Names that say "this column is a date" strongly enough to read numbers and two-digit years as dates. */
const STRONG_DATE_NAME = /(^|_|\b)(date|dates|datetime|timestamp|ts|time|created|updated|submitted|posted|modified|received|sent)($|_|\b)|(_at|_on|At|On|Date|Time)$|日期|时间/;
const NOT_DATE_NAME = /(^|_|\b)(duration|elapsed|latency|response|spent|ms|msec|millis|sec|secs|seconds|minutes|mins|hours|count|length|len|id)($|_|\b)/i;

export function isStrongDateName(name: string): boolean {
  const n = name.trim();
  return (STRONG_DATE_NAME.test(n) || STRONG_DATE_NAME.test(n.toLowerCase())) && !NOT_DATE_NAME.test(n.replace(/([a-z])([A-Z])/g, '$1_$2'));
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const MIN_T = Date.UTC(1990, 0, 1);
const MAX_T = Date.UTC(2101, 0, 1) - 1;
const NUMERIC: Record<NonNullable<DateFormat['numeric']>, { digits: number[]; toMs: (n: number) => number }> = {
  excel: { digits: [5], toMs: (n) => EXCEL_EPOCH + Math.floor(n) * DAY },
  'epoch-s': { digits: [9, 10], toMs: (n) => n * 1000 },
  'epoch-ms': { digits: [12, 13], toMs: (n) => n },
};
const NUMBER_RE = /^(\d+)(?:\.\d+)?$/;

function numericFamily(s: string): DateFormat['numeric'] | undefined {
  const m = NUMBER_RE.exec(s);
  if (!m) return undefined;
  const n = Number(s);
  for (const k of Object.keys(NUMERIC) as NonNullable<DateFormat['numeric']>[]) {
    if (!NUMERIC[k].digits.includes(m[1].length)) continue;
    const t = NUMERIC[k].toMs(n);
    if (t >= MIN_T && t <= MAX_T) return k;
  }
  return undefined;
}

const DMY_RE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[T\s].*)?$/;

/**
 * Parses the date formats feedback exports use; returns a UTC timestamp (ms) of the calendar day, or undefined.
 * Without a format (or without its `order`), n/n/yyyy is month/day unless the first part cannot be a month.
 */
export function parseDate(v: string, f?: DateFormat): number | undefined {
  const s = v.trim();
  if (f?.numeric) {
    const m = NUMBER_RE.exec(s);
    if (m) {
      if (!NUMERIC[f.numeric].digits.includes(m[1].length)) return undefined;
      const t = NUMERIC[f.numeric].toMs(Number(s));
      return t >= MIN_T && t <= MAX_T ? Math.floor(t / DAY) * DAY : undefined;
    }
  }
  if (s.length < 6 || s.length > 40) return undefined;
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s].*)?$/.exec(s);
  if (m) return ymd(+m[1], +m[2], +m[3]);
  m = /^(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(s);
  if (m) return ymd(+m[1], +m[2], +m[3]);
  m = DMY_RE.exec(s);
  if (m) {
    const a = +m[1], b = +m[3];
    let y = +m[4];
    if (m[4].length === 2) {
      if (!f?.twoDigitYear) return undefined;
      y += y < 70 ? 2000 : 1900;
    }
    // Dots mean day.month (European); otherwise the column's order, else month/day unless the first part cannot be a month.
    let dayFirst = m[2] === '.' || (f?.order ? f.order === 'dmy' : a > 12);
    // a value that cannot be a date in the column's order (13/01 in a month/day column decided from early rows) is read
    // the other way, as each value was read before the column had an order
    if (m[2] !== '.' && dayFirst && b > 12 && a <= 12) dayFirst = false;
    else if (m[2] !== '.' && !dayFirst && a > 12 && b <= 12) dayFirst = true;
    return dayFirst ? ymd(y, b, a) : ymd(y, a, b);
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return ymd(+m[1], +m[2], +m[3]);
  if (/^\d{10}(\d{3})?$/.test(s)) return undefined; // epoch numbers only in a date-named column (see profileDates)
  // day, month name, year: Jira's "05/Feb/24 2:22 PM", "5-Mar-2024", "05 Mar 24" (a two-digit year after a month name is a year)
  m = /^(\d{1,2})[-/ ]([A-Za-z]{3,9})\.?[-/ ](\d{4}|\d{2})(?:[\sT,].*)?$/.exec(s);
  if (m) {
    const mo = MONTHS.indexOf(m[2].slice(0, 3).toLowerCase()) + 1;
    if (mo > 0) {
      const y = m[3].length === 2 ? +m[3] + (+m[3] < 70 ? 2000 : 1900) : +m[3];
      return ymd(y, mo, +m[1]);
    }
  }
  if (/[a-z]{3}/i.test(s) && /\d{4}/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) {
      const d = new Date(t);
      return ymd(d.getFullYear(), d.getMonth() + 1, d.getDate());
    }
  }
  return undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function ymd(y: number, mo: number, d: number): number | undefined {
  if (y < 1970 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  return new Date(t).getUTCDate() === d ? t : undefined;
}

/**
 * Decides how a column's values are read as dates, from its sampled non-empty values: the day/month order of
 * n/n/yyyy values (a first part > 12 anywhere: day-first; a second part > 12: month-first; neither: month-first,
 * assumed), and, for a date-named column (`named`), numbers (Excel serial days, epoch s/ms: all of one kind, in
 * 1990–2100) and two-digit years. Undefined when there is nothing to decide.
 */
export function profileDates(values: readonly string[], named: boolean): DateFormat | undefined {
  const f: DateFormat = {};
  if (named) {
    let family: DateFormat['numeric'] | undefined;
    let consistent = true, numbers = 0;
    for (const raw of values) {
      const v = raw.trim();
      if (!v || /^0+(\.0+)?$/.test(v)) continue; // 0 is a "no date" placeholder
      if (!NUMBER_RE.test(v)) continue;
      numbers++;
      const k = numericFamily(v);
      if (!k || (family && k !== family)) {
        consistent = false;
        break;
      }
      family = k;
    }
    if (family && consistent && numbers > 0) f.numeric = family;
  }
  let first = false, second = false, two = 0, four = 0;
  for (const raw of values) {
    const m = DMY_RE.exec(raw.trim());
    if (!m) continue;
    if (m[4].length === 2) two++;
    else four++;
    if (m[2] === '.') continue;
    const a = +m[1], b = +m[3];
    if (a > 12) first = true;
    else if (b > 12) second = true;
    else if (a !== b && !f.ambiguousExample) f.ambiguousExample = raw.trim();
  }
  if (named && two > 0 && two >= four) f.twoDigitYear = true;
  if (first && second) f.orderMixed = true;
  else if (first) f.order = 'dmy';
  else if (second) f.order = 'mdy';
  else if (f.ambiguousExample) (f.order = 'mdy'), (f.orderAssumed = true);
  if (!f.ambiguousExample) delete f.ambiguousExample;
  return Object.keys(f).length ? f : undefined;
}

/** How a column's dates were read, for the report (undefined when there is nothing worth saying). */
export function describeDateFormat(column: string, f: DateFormat | undefined): string | undefined {
  if (!f) return undefined;
  const parts: string[] = [];
  if (f.numeric === 'excel') parts.push('numbers read as Excel serial day numbers (days since 1899-12-30)');
  if (f.numeric === 'epoch-s') parts.push('numbers read as Unix epoch seconds (UTC)');
  if (f.numeric === 'epoch-ms') parts.push('numbers read as Unix epoch milliseconds (UTC)');
  if (f.twoDigitYear) parts.push('two-digit years read as 19xx from 70, else 20xx');
  if (f.orderMixed) parts.push('both day/month and month/day dates seen; each read on its own (month/day unless the first part is over 12)');
  else if (f.orderAssumed) {
    const ex = f.ambiguousExample ?? '03/05/2024';
    parts.push(`no value decides the day/month order: dates like ${ex} read as month/day`);
  } else if (f.order === 'dmy' && f.ambiguousExample) parts.push(`dates read as day/month (e.g. ${f.ambiguousExample})`);
  else if (f.order === 'mdy' && f.ambiguousExample) parts.push(`dates read as month/day (e.g. ${f.ambiguousExample})`);
  return parts.length ? `column ${column}: ${parts.join('; ')}` : undefined;
}

/** True when `v` is an n/n/yyyy date whose first part is over 12: it can only be day/month. */
export function onlyDayFirst(v: string): boolean {
  const m = DMY_RE.exec(v.trim());
  return !!m && m[2] !== '.' && +m[1] > 12 && +m[3] <= 12;
}

/** True when `v` is an n/n/yyyy date whose second part is over 12: it can only be month/day. */
export function onlyMonthFirst(v: string): boolean {
  const m = DMY_RE.exec(v.trim());
  return !!m && m[2] !== '.' && +m[3] > 12 && +m[1] <= 12;
}

/**
 * The day of an n/n/yyyy date (slashes or dashes) that reads as two different valid days, read day/month
 * ("03/05/2024": 3 May); undefined for any other value.
 */
export function dayFirstReading(v: string, f?: DateFormat): number | undefined {
  const m = DMY_RE.exec(v.trim());
  if (!m || m[2] === '.' || +m[1] > 12 || +m[3] > 12 || +m[1] === +m[3]) return undefined;
  return parseDate(v, { ...f, order: 'dmy', orderAssumed: undefined });
}


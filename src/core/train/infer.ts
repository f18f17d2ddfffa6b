// Column type inference (numeric, categorical, text, date, identifier, empty) with missing share and
// distinct counts, and the default feature selection with a reason for every excluded column.
import { columnDecimalComma, parseNumber, tableDecimalComma, targetColumn, type Table } from './csv';
import { parseDate as parseDay, profileDates } from '../readers/dates';

export type ColumnType = 'numeric' | 'categorical' | 'text' | 'date' | 'identifier' | 'empty';

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Rows with a missing value, and their share of all rows. */
  missing: number;
  missingShare: number;
  /** Distinct non-missing values (exact up to 100,000, then a lower bound). */
  distinct: number;
  /** Average whitespace-separated tokens per non-missing value (strings). */
  avgTokens: number;
  /** Up to 5 most frequent values with counts (categorical / identifier / text). */
  top: { value: string; count: number }[];
  /** numeric: min / max / mean. */
  min?: number;
  max?: number;
  mean?: number;
}

const SAMPLE_ROWS = 50_000;
const DISTINCT_CAP = 100_000;

const ISO_DATE = /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const SLASH_DATE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})( \d{1,2}:\d{2}(:\d{2})?)?$/;
const YMD_SLASH = /^\d{4}\/\d{1,2}\/\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?$/;

/**
 * A date value to epoch milliseconds (UTC, the calendar day), NaN when it is none: the formats Analyze Feedback reads
 * (readers/dates.ts: ISO, n/n/yyyy, dotted day.month.year, month names, 2024年3月5日, yyyymmdd). `order`: the column's
 * day/month order of n/n/yyyy values (dateOrder); without it each value is read on its own (month first unless the
 * first part cannot be a month).
 */
export function parseDate(s: string, order?: DateOrder): number {
  // feedback dates stop at 1970 (older ones are placeholders there); a table's may be birth dates: ISO and n/n/yyyy
  // dates of any year are read as before, in the column's order
  return parseDay(s, order ? { order } : undefined) ?? legacyParseDate(s, order ?? 'value');
}

export type DateOrder = 'mdy' | 'dmy';

/**
 * The day/month order of a column's n/n/yyyy values, decided once from its training values so every row is read the
 * same way: day first when a first part is over 12 anywhere (and no second part is), else month first.
 */
export function dateOrder(values: readonly string[]): DateOrder {
  return profileDates(values, false)?.order ?? 'mdy';
}

/**
 * How classifiers saved before dates were read per column read them (kept so their predictions do not change): ISO and
 * yyyy/m/d with their time of day, n/n/yyyy (slashes or dots) month first unless the first part cannot be a month.
 * With an order ('value': each value on its own): dots are day first, slashes in that order unless a part says otherwise.
 */
export function legacyParseDate(s: string, order?: DateOrder | 'value'): number {
  if (ISO_DATE.test(s)) {
    const t = Date.parse(s.length <= 10 ? `${s.split('-').map((p, i) => (i ? p.padStart(2, '0') : p)).join('-')}T00:00:00Z` : /Z|[+-]\d{2}:?\d{2}$/.test(s) ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`);
    return t;
  }
  if (YMD_SLASH.test(s)) {
    const [d, t] = s.split(' ');
    const [y, m, dd] = d.split('/').map(Number);
    return Date.UTC(y, m - 1, dd) + timeMs(t);
  }
  const m = SLASH_DATE.exec(s);
  if (m) {
    const a = Number(m[1]), b = Number(m[2]);
    const y = Number(m[3]);
    const dayFirst = !order ? a > 12 : s.includes('.') || (order === 'dmy' ? !(b > 12 && a <= 12) : a > 12 && b <= 12);
    const month = dayFirst ? b : a, day = dayFirst ? a : b;
    if (month < 1 || month > 12 || day < 1 || day > 31) return NaN;
    return Date.UTC(y, month - 1, day) + timeMs(m[4]?.trim());
  }
  return NaN;
}

function timeMs(t: string | undefined): number {
  if (!t) return 0;
  const [h, mi, s] = t.split(':').map(Number);
  return ((h * 60 + mi) * 60 + (s || 0)) * 1000;
}

function sampleIndices(n: number): number[] {
  if (n <= SAMPLE_ROWS) return Array.from({ length: n }, (_, i) => i);
  const step = n / SAMPLE_ROWS;
  return Array.from({ length: SAMPLE_ROWS }, (_, i) => Math.floor(i * step));
}

/** Profiles every column of a table. */
export function profileTable(t: Table): ColumnProfile[] {
  const decimalComma = tableDecimalComma(t);
  return t.columns.map((name, c) => profileColumn(name, t.data[c], t.rowCount, decimalComma));
}

/** Column names that say "free text". */
const TEXT_NAME = /(^|[_\s-])(text|feedback|review|comment|message|body|description|content|utterance|query|sentence|tweet|remarks?|notes?|answer|response)s?($|[_\s-])/i;

export function profileColumn(name: string, col: string[], rowCount: number, decimalComma = false): ColumnProfile {
  let missing = 0;
  const counts = new Map<string, number>();
  let capped = false;
  for (let r = 0; r < rowCount; r++) {
    const v = col[r];
    if (v === '') { missing++; continue; }
    const k = counts.get(v);
    if (k !== undefined) counts.set(v, k + 1);
    else if (counts.size < DISTINCT_CAP) counts.set(v, 1);
    else capped = true;
  }
  const nonMissing = rowCount - missing;
  const distinct = counts.size;
  const base = { name, missing, missingShare: rowCount ? missing / rowCount : 0, distinct };
  const topOf = () =>
    [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([value, count]) => ({ value, count }));
  if (nonMissing === 0) return { ...base, type: 'empty', avgTokens: 0, top: [] };

  const idx = sampleIndices(rowCount).filter((r) => col[r] !== '');
  // a ',' file's column may still write decimal commas ("3,5", quoted): decided per column, as training decides it
  const dc = decimalComma || columnDecimalComma(col, idx);
  let num = 0, ints = 0, dates = 0, tokens = 0, chars = 0;
  let min = Infinity, max = -Infinity, sum = 0;
  let ascending = true, prev = -Infinity;
  for (const r of idx) {
    const v = col[r];
    const x = parseNumber(v, dc);
    if (!isNaN(x)) {
      num++;
      if (Number.isInteger(x)) ints++;
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
      if (x <= prev) ascending = false;
      prev = x;
    } else if (!isNaN(parseDate(v))) dates++;
    chars += v.length;
    let tok = 0, inTok = false;
    for (let i = 0; i < v.length; i++) {
      const sp = v.charCodeAt(i) <= 32;
      if (!sp && !inTok) tok++;
      inTok = !sp;
    }
    tokens += tok;
  }
  const k = idx.length;
  const avgTokens = tokens / k;
  const avgChars = chars / k;
  // Past the distinct-count cap, judge uniqueness on the sample instead.
  const uniqueRatio = capped ? Math.max(distinct / nonMissing, new Set(idx.map((r) => col[r])).size / k) : distinct / nonMissing;
  const idName = /(^|[^a-z])(id|uuid|guid|key)$|^(id|uuid|guid|row|index|rowid|row_id|record)$|_id$|Id$|ID$/i.test(name);

  if (num >= 0.95 * k) {
    const allInt = ints === num;
    if (allInt && distinct >= 20 && ((uniqueRatio >= 0.98 && (ascending || idName)) || (uniqueRatio >= 0.9 && idName))) {
      return { ...base, type: 'identifier', avgTokens, top: topOf() };
    }
    return { ...base, type: 'numeric', avgTokens, top: topOf(), min, max, mean: sum / num };
  }
  if (dates >= 0.9 * k) return { ...base, type: 'date', avgTokens, top: topOf() };
  // Cyrillic/CJK text has few spaces: long strings count as text too. A column named as text ("feedback",
  // "review_text", "comment") of mostly distinct values is text even when short ("crashes", "love it").
  const isText = (avgTokens >= 3 && uniqueRatio > 0.3) || (avgChars >= 25 && uniqueRatio > 0.5) || (TEXT_NAME.test(name) && uniqueRatio > 0.5 && avgChars >= 5);
  if (isText) return { ...base, type: 'text', avgTokens, top: topOf() };
  if (distinct >= 20 && (uniqueRatio >= 0.98 || (idName && uniqueRatio >= 0.9))) return { ...base, type: 'identifier', avgTokens, top: topOf() };
  return { ...base, type: 'categorical', avgTokens, top: topOf() };
}

export interface FeatureSelection {
  features: string[];
  excluded: { name: string; reason: string }[];
}

/** Share of rows whose target equals the most frequent target among rows with the same column value. */
function purity(col: string[], target: string[], n: number): { purity: number; rows: number } {
  const by = new Map<string, Map<string, number>>();
  let rows = 0;
  for (let r = 0; r < n; r++) {
    const v = col[r], y = target[r];
    if (v === '' || y === '') continue;
    rows++;
    let m = by.get(v);
    if (!m) { m = new Map(); by.set(v, m); }
    m.set(y, (m.get(y) ?? 0) + 1);
  }
  let hit = 0;
  for (const m of by.values()) hit += Math.max(...m.values());
  return { purity: rows ? hit / rows : 0, rows };
}

/**
 * Proposes feature columns for predicting `target`: every column except identifiers, empty or nearly
 * empty columns, single-value columns, near-unique categorical columns and likely target leaks.
 */
export function proposeFeatures(t: Table, profiles: ColumnProfile[], target: string): FeatureSelection {
  const ti = t.columns.indexOf(target);
  const features: string[] = [];
  const excluded: { name: string; reason: string }[] = [];
  // the target as a target reads it: 'None', 'NA', ... are classes there (targetColumn)
  const tCol = ti >= 0 ? targetColumn(t, ti) : [];
  const nClasses = ti >= 0 ? new Set(tCol.slice(0, t.rowCount).filter((v) => v !== '')).size : 0;
  for (let c = 0; c < t.columns.length; c++) {
    const p = profiles[c];
    if (c === ti) continue;
    const nonMissing = t.rowCount - p.missing;
    if (p.type === 'empty') { excluded.push({ name: p.name, reason: 'every value is missing' }); continue; }
    if (p.missingShare > 0.95) { excluded.push({ name: p.name, reason: `${Math.round(p.missingShare * 100)}% of values are missing` }); continue; }
    if (p.distinct <= 1) { excluded.push({ name: p.name, reason: 'has a single value in every row' }); continue; }
    if (p.type === 'identifier') { excluded.push({ name: p.name, reason: `identifier (${p.distinct >= 100_000 ? "100,000+" : p.distinct} distinct values in ${nonMissing} rows)` }); continue; }
    if (p.type === 'categorical' && p.distinct > 50 && p.distinct / nonMissing > 0.5) {
      excluded.push({ name: p.name, reason: `near-unique: ${p.distinct} distinct values in ${nonMissing} rows, too many categories to learn from` });
      continue;
    }
    if (ti >= 0 && (p.type === 'categorical' || (p.type === 'numeric' && p.distinct <= 50))) {
      const { purity: pu, rows } = purity(t.data[c], tCol, t.rowCount);
      const nameLeak = p.name.toLowerCase().includes(target.toLowerCase()) || target.toLowerCase().includes(p.name.toLowerCase());
      if (rows >= 20 && pu >= 0.999 && p.distinct <= Math.max(2 * nClasses, 20) && nClasses > 1) {
        excluded.push({ name: p.name, reason: `likely target leak: it determines '${target}' exactly (${(pu * 100).toFixed(1)}% of rows)` });
        continue;
      }
      if (rows >= 20 && nameLeak && pu >= 0.95) {
        excluded.push({ name: p.name, reason: `likely target leak: named like '${target}' and predicts it in ${(pu * 100).toFixed(1)}% of rows` });
        continue;
      }
    }
    features.push(p.name);
  }
  return { features, excluded };
}

/** A sensible default target: a column named like a label, else the last categorical/low-cardinality column. */
export function proposeTarget(profiles: ColumnProfile[]): string | undefined {
  const named = profiles.find((p) => /^(label|target|class|category|y|outcome|survived|intent|sentiment|polarity)$/i.test(p.name) && p.distinct >= 2);
  if (named) return named.name;
  for (let c = profiles.length - 1; c >= 0; c--) {
    const p = profiles[c];
    if ((p.type === 'categorical' || p.type === 'numeric') && p.distinct >= 2 && p.distinct <= 100) return p.name;
  }
  return undefined;
}

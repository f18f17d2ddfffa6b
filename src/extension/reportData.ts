// Pure(ish) host-side reading of analysis reports for the Report view: finds the newest report folder
// and turns its files (summary.json / result.json when present, results.csv) into the ReportModel the
// webview renders. Node fs only, no 'vscode': unit-tested.
//
// This runs on the extension host's only thread, so results.csv (100,000s of rows) is streamed and
// parsed in slices that yield to the event loop (SLICE_MS at a time), and only a bounded selection of
// rows is kept for the view: all of them up to maxItems, else the most negative, the least confident and
// a uniform sample of the rest (the view says so and how many rows there are).
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Reservoir, TopK } from '../core/analysis/collections';
import { isResultsCsvHeader, unescapeFormulaRow } from '../core/csvFormula';
import { yielder } from '../core/yielder';
import { SENTIMENTS, type ReportItem, type ReportModel, type Sentiment } from '../webview/report/messages';
import { searchMatcher } from '../webview/report/sort';
import { isInside } from './args';
import { reportSections } from './reportSummary';

export const REPORTS_SUBDIR = path.join('.product-forge', 'reports');
/** Rows sent to the webview at most (the CSV holds them all). */
export const MAX_VIEW_ITEMS = 5000;
/** Bytes of results.csv read at most. */
const MAX_CSV_BYTES = 512 * 1024 * 1024;
/** JSON files larger than this are not parsed (summary.json is small; a full result.json may not be). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Synchronous work per slice before yielding to the event loop. */
export const SLICE_MS = 8;
/** Texts kept for the fallback term counts (when the report has no themes of its own). */
const TERM_SAMPLE = 2000;
/** Shares of a truncated view: most negative, least confident, uniform sample of the rest. */
const SELECTION = { negative: 0.4, lowConfidence: 0.2 } as const;

export interface ReportFolder {
  dir: string;
  mtimeMs: number;
}

/** The report folders under each root's .product-forge/reports, newest first. */
export async function listReports(roots: readonly string[]): Promise<ReportFolder[]> {
  const out: ReportFolder[] = [];
  for (const root of roots) {
    const base = path.join(root, REPORTS_SUBDIR);
    const names = await readdir(base).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith('.')) continue; // temp folders being written
      const dir = path.join(base, name);
      const marker = (await stat(path.join(dir, 'report.md')).catch(() => undefined)) ?? (await stat(path.join(dir, 'results.csv')).catch(() => undefined));
      if (marker?.isFile()) out.push({ dir, mtimeMs: marker.mtimeMs });
    }
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || b.dir.localeCompare(a.dir));
}

/**
 * Where a report's relative sources are resolved from: summary.json's `sourceRoot` (the folder the analysis ran in,
 * relative to the report folder: a CLI report written with --report-dir elsewhere), else the folder holding
 * `.product-forge/reports/<name>` (a report in its workspace, and reports written before sourceRoot).
 */
export function reportRootOf(reportDir: string, json?: Record<string, unknown>): string {
  const r = json?.sourceRoot;
  if (typeof r === 'string' && r && !path.isAbsolute(r) && !path.win32.isAbsolute(r)) return path.resolve(reportDir, ...r.split('/'));
  return path.resolve(reportDir, '..', '..', '..');
}

/**
 * Incremental RFC 4180 parser (quotes, doubled quotes, newlines in quotes, CRLF, BOM): feed it text in
 * pieces of any size; complete rows come out of feed() and end().
 */
export class CsvParser {
  private row: string[] = [];
  private cell = '';
  private quoted = false;
  /** The previous piece ended in a quote inside a quoted cell (doubled quote or closing one?). */
  private quotePending = false;
  /** The previous piece ended in '\r' (a following '\n' belongs to it). */
  private crPending = false;
  private started = false;
  constructor(private readonly delimiter = ',') {}

  feed(text: string): string[][] {
    const rows: string[][] = [];
    const d = this.delimiter.charCodeAt(0);
    let i = 0;
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.crPending && i < text.length) {
      this.crPending = false;
      if (text[i] === '\n') i++;
    }
    if (this.quotePending && i < text.length) {
      this.quotePending = false;
      if (text[i] === '"') {
        this.cell += '"';
        i++;
      } else this.quoted = false;
    }
    let cell = this.cell;
    let start = i;
    for (; i < text.length; i++) {
      if (this.quoted) {
        // to the next quote in one native search (a quoted text is most of a row: a loop over its characters was the
        // parser's main cost)
        i = text.indexOf('"', i);
        if (i < 0) {
          i = text.length;
          break;
        }
        cell += text.slice(start, i);
        if (i + 1 >= text.length) {
          this.quotePending = true;
          start = i + 1;
          break;
        }
        if (text.charCodeAt(i + 1) === 34) {
          cell += '"';
          i++;
        } else this.quoted = false;
        start = i + 1;
        continue;
      }
      const ch = text.charCodeAt(i);
      if (ch === 34 && cell === '' && start === i) {
        this.quoted = true;
        start = i + 1;
      } else if (ch === d) {
        this.row.push(cell + text.slice(start, i));
        cell = '';
        start = i + 1;
      } else if (ch === 10 || ch === 13) {
        this.row.push(cell + text.slice(start, i));
        rows.push(this.row);
        this.row = [];
        cell = '';
        if (ch === 13) {
          if (i + 1 >= text.length) this.crPending = true;
          else if (text.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
    }
    if (start < text.length) cell += text.slice(start);
    this.cell = cell;
    return rows;
  }

  end(): string[][] {
    if (this.quotePending) this.quoted = false;
    this.quotePending = this.crPending = false;
    if (this.cell === '' && !this.row.length) return [];
    this.row.push(this.cell);
    const rows = [this.row];
    this.row = [];
    this.cell = '';
    return rows;
  }
}

/** RFC 4180 rows of a whole text (small inputs; results.csv is streamed with CsvParser). */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const p = new CsvParser(delimiter);
  return [...p.feed(text), ...p.end()];
}

function findColumn(header: string[], names: readonly string[]): number {
  const norm = header.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  for (const n of names) {
    const i = norm.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

const DATE_COLUMNS = ['date', 'created', 'created_at', 'createdat', 'timestamp', 'time', 'submitted', 'submitted_at', 'day'];

type Drivers = NonNullable<ReportItem['drivers']>;

export interface SourceRef {
  /** Absolute path of the source file. */
  file: string;
  line: number;
}

export interface LoadedReport {
  model: ReportModel;
  /** Where each model item came from (host-only; the webview sends back an index). */
  sources: SourceRef[];
  /** Source files the report names (absolute). */
  sourceFiles: Set<string>;
  reportPath?: string;
  csvPath?: string;
  /**
   * The driving words summary.json gives its listed items, by "absolute source\0line": parsed once with the report,
   * for its search results too (searchReport's `drivers`).
   */
  drivers: ReadonlyMap<string, Drivers>;
  /** Where its relative sources are resolved from (reportRootOf). */
  root: string;
  /** Where each item the report lists outside the table came from (model.rating.disagreements, numbered after the items). */
  listedSources: SourceRef[];
}

function asSentiment(v: unknown): Sentiment | undefined {
  // as written by Analyze Feedback: every row, so first
  if (v === 'negative' || v === 'neutral' || v === 'positive') return v;
  const s = String(v ?? '').trim().toLowerCase();
  if ((SENTIMENTS as readonly string[]).includes(s)) return s as Sentiment;
  if (s === 'neg') return 'negative';
  if (s === 'pos') return 'positive';
  if (s === 'neu') return 'neutral';
  return undefined;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size > MAX_JSON_BYTES) return undefined;
    const raw = JSON.parse(await readFile(file, 'utf8'));
    return raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** The report's summary.json (or the result.json of older reports). */
async function readSummary(dir: string): Promise<Record<string, unknown> | undefined> {
  return (await readJson(path.join(dir, 'summary.json'))) ?? (await readJson(path.join(dir, 'result.json')));
}

/** Parses a date-ish cell to YYYY-MM-DD (or undefined). */
export function dayOf(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const s = v.trim();
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(s);
  if (iso) return `${iso[1]}-${iso[2].padStart(2, '0')}-${iso[3].padStart(2, '0')}`;
  if (/^\d{10}(\d{3})?$/.test(s)) {
    const d = new Date(Number(s) * (s.length === 10 ? 1000 : 1));
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
  }
  if (!/[a-z]{3}|\d{1,2}\/\d{1,2}\/\d{2,4}/i.test(s)) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

/** Counts per day, week (Monday) or month, chosen so there are at most ~60 periods. */
export function buildTimeline(entries: readonly { day: string; label: Sentiment; count?: number }[]): ReportModel['timeline'] {
  if (!entries.length) return [];
  let first = entries[0].day, lastDay = entries[0].day;
  for (const e of entries) {
    if (e.day < first) first = e.day;
    if (e.day > lastDay) lastDay = e.day;
  }
  const days = [first, lastDay];
  const spanDays = (Date.parse(days[days.length - 1]) - Date.parse(days[0])) / 86_400_000;
  const unit: 'day' | 'week' | 'month' = spanDays <= 60 ? 'day' : spanDays <= 420 ? 'week' : 'month';
  const key = (day: string): string => {
    if (unit === 'day') return day;
    if (unit === 'month') return day.slice(0, 7);
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return d.toISOString().slice(0, 10);
  };
  const map = new Map<string, { period: string; negative: number; neutral: number; positive: number }>();
  for (const e of entries) {
    const k = key(e.day);
    let b = map.get(k);
    if (!b) map.set(k, (b = { period: k, negative: 0, neutral: 0, positive: 0 }));
    b[e.label] += e.count ?? 1;
  }
  return [...map.values()].sort((a, b) => a.period.localeCompare(b.period));
}

const STOP = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its just me my no not of ' +
    'on or our so some than that the their them then there these they this to too was we were what when which who will with would ' +
    'you your very really also get got one all more out up about after any because been being both each few just like make much ' +
    'only other over own same should such through under until while why am im ive dont cant its').split(' '),
);

/** Most frequent content words with their sentiment split (when the report has no themes of its own). */
export function topTerms(items: readonly { text: string; label: Sentiment }[], max = 15): ReportModel['themes'] {
  const counts = new Map<string, { count: number; negative: number; positive: number }>();
  for (const it of items) {
    const seen = new Set<string>();
    for (const m of it.text.toLowerCase().matchAll(/[\p{L}][\p{L}\p{N}'’-]{2,}/gu)) {
      const w = m[0].replace(/['’]/g, '');
      if (STOP.has(w) || seen.has(w)) continue;
      seen.add(w);
      let c = counts.get(w);
      if (!c) counts.set(w, (c = { count: 0, negative: 0, positive: 0 }));
      c.count++;
      if (it.label === 'negative') c.negative++;
      if (it.label === 'positive') c.positive++;
    }
  }
  return [...counts.entries()]
    .filter(([, c]) => c.count >= 2)
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([term, c]) => ({ term, ...c }));
}

/** Themes from a result JSON, whatever the exact field names (term/label/name, count/size/n). */
function themesFromJson(v: unknown): ReportModel['themes'] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: ReportModel['themes'] = [];
  for (const t of v) {
    if (!t || typeof t !== 'object') continue;
    const o = t as Record<string, unknown>;
    const term = [o.term, o.label, o.name, o.theme, o.phrase].find((x) => typeof x === 'string') as string | undefined;
    const count = [o.count, o.size, o.n, o.items].find((x) => typeof x === 'number') as number | undefined;
    if (!term || count === undefined) continue;
    const dist = (o.counts ?? o.sentiment ?? o.distribution ?? o) as Record<string, unknown>;
    // the written forms of its variants ("notes", "note", "笔记"), so the view finds all its items
    const variants = Array.isArray(o.variants) ? o.variants.filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 100).slice(0, 12) : [];
    out.push({ term, count, negative: Number(dist.negative) || 0, positive: Number(dist.positive) || 0, ...(variants.length ? { variants } : {}) });
  }
  return out.length ? out.slice(0, 30) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The engine's time series ({granularity, buckets: [{start, label, counts}]}) as timeline rows. */
function timelineFromJson(v: unknown): ReportModel['timeline'] | undefined {
  const buckets = (v as { buckets?: unknown } | undefined)?.buckets;
  if (!Array.isArray(buckets) || !buckets.length) return undefined;
  const out: ReportModel['timeline'] = [];
  for (const b of buckets) {
    const o = (b ?? {}) as Record<string, unknown>;
    const c = (o.counts ?? o) as Record<string, unknown>;
    const period = str(o.label) ?? str(o.start);
    if (!period) return undefined;
    out.push({ period, negative: Number(c.negative) || 0, neutral: Number(c.neutral) || 0, positive: Number(c.positive) || 0 });
  }
  return out;
}

/**
 * A copy of `s` that does not hold on to the text it was cut from. A cell is a slice of the 64 KB piece of the file it
 * was parsed from, and V8 keeps the whole piece alive for a slice of it: the 5,000 rows kept from a 1,000,000-row
 * results.csv (195 MB) held on to nearly every piece, 180 MB of the extension host's heap for as long as the view showed
 * the report.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

interface Row {
  /** Row number in the CSV (0-based, header excluded). */
  n: number;
  item: Omit<ReportItem, 'i'>;
  file: string;
}

export interface LoadReportOptions {
  /** Rows sent to the view at most (default MAX_VIEW_ITEMS). */
  maxItems?: number;
  /** Stops reading (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Whether a row of results.csv is taken: its text, its source cell as written, its label. */
type RowMatch = (text: string, source: string, label: Sentiment) => boolean;

/**
 * Reads results.csv in slices: counts and timeline of every row (of every row `match` takes, when given), a bounded
 * selection of rows for the table.
 */
async function readResultsCsv(csvPath: string, root: string, display: (abs: string) => string, maxItems: number, keepTerms: boolean, signal?: AbortSignal, match?: RowMatch) {
  const distribution: Record<Sentiment, number> = { negative: 0, neutral: 0, positive: 0 };
  const days = new Map<string, Record<Sentiment, number>>();
  const terms = new Reservoir<{ text: string; label: Sentiment }>(keepTerms ? TERM_SAMPLE : 0);
  // Every row up to maxItems; past that, the selection below decides.
  let first: Row[] | null = [];
  const kNeg = Math.floor(maxItems * SELECTION.negative);
  const kLow = Math.floor(maxItems * SELECTION.lowConfidence);
  const negative = new TopK<Row>(kNeg);
  const low = new TopK<Row>(kLow);
  const sample = new Reservoir<Row>(Math.max(0, maxItems - kNeg - kLow), 0x5eed);
  let rows = 0;
  let partial = false;
  let header: string[] | undefined;
  let c: Record<'source' | 'line' | 'text' | 'label' | 'score' | 'neg' | 'neu' | 'pos' | 'date', number> | undefined;
  const tick = yielder(SLICE_MS);
  const parser = new CsvParser();

  /** Product Forge's own results: a cell a spreadsheet would run as a formula was written with an apostrophe first. */
  let escaped = false;

  /** Column of each label's probability (a file without a score column: the label's is its score). */
  let probColumn: Record<Sentiment, number> = { negative: -1, neutral: -1, positive: -1 };
  // Per distinct cell, worked out once (a report names few files, and its days repeat): the file and its path as
  // shown, the day of a date cell. Bounded: a column of unique timestamps stops being remembered.
  const places = new Map<string, { file: string; shown: string }>();
  const dayOfCell = new Map<string, string | undefined>();
  const placeOf = (src: string): { file: string; shown: string } => {
    let p = places.get(src);
    if (!p) {
      const file = src ? path.resolve(root, src) : '';
      p = { file, shown: file ? display(file) : '' };
      if (places.size < 10_000) places.set(src, p);
    }
    return p;
  };
  const dayAt = (cell: string | undefined): string | undefined => {
    if (!cell) return undefined;
    let day = dayOfCell.get(cell);
    if (day === undefined && !dayOfCell.has(cell)) {
      day = dayOf(cell);
      if (dayOfCell.size < 10_000) dayOfCell.set(cell, day);
    }
    return day;
  };

  const take = (r: string[]): void => {
    if (!c) return;
    if (r.length === 1 && r[0] === '') return;
    if (escaped) unescapeFormulaRow(r);
    let label = c.label >= 0 ? asSentiment(r[c.label]) : undefined;
    if (!label && c.neg >= 0 && c.pos >= 0) {
      const probs = { negative: Number(r[c.neg]), neutral: Number(r[c.neu]), positive: Number(r[c.pos]) };
      label = SENTIMENTS.reduce((best, l) => ((probs[l] || 0) > (probs[best] || 0) ? l : best), 'neutral' as Sentiment);
    }
    if (!label) return;
    const text = r[c.text] ?? '';
    if (match && !match(text, c.source >= 0 ? (r[c.source] ?? '') : '', label)) return;
    const n = rows++;
    distribution[label]++;
    terms.offerLazy(() => ({ text: detached(text.length > 500 ? text.slice(0, 500) : text), label: label! }));
    const day = c.date >= 0 ? dayAt(r[c.date]) : undefined;
    if (day) {
      let d = days.get(day);
      if (!d) days.set(day, (d = { negative: 0, neutral: 0, positive: 0 }));
      d[label]++;
    }
    let score = Number(r[c.score >= 0 ? c.score : probColumn[label]]);
    if (!Number.isFinite(score)) score = 0;
    // The row record is built only when something keeps it (most rows of a large file are not kept).
    let row: Row | undefined;
    const build = (): Row => {
      if (row) return row;
      const place = placeOf(c!.source >= 0 ? (r[c!.source] ?? '') : '');
      const line = Math.max(1, Math.floor(Number(r[c!.line])) || 1);
      return (row = { n, file: place.file, item: { source: place.shown, line, text: detached(text.length > 2000 ? `${text.slice(0, 2000)}…` : text), ...(text.length > 2000 ? { cut: true } : {}), label: label!, score, date: day } });
    };
    if (first && first.length < maxItems) first.push(build());
    else first = null;
    if (kNeg && label === 'negative') {
      const p = Number(r[c.neg]);
      const negP = Number.isFinite(p) ? p : score;
      if (negative.wouldKeep(negP)) negative.offer(negP, build());
    }
    if (kLow && low.wouldKeep(-score)) low.offer(-score, build());
    sample.offerLazy(build);
  };

  // Bytes, decoded here: TextDecoder is quicker than the stream's own decoding, and the bytes read are counted as such.
  const stream = createReadStream(csvPath, { highWaterMark: 64 * 1024, end: MAX_CSV_BYTES - 1 });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      bytes += chunk.length;
      const y0 = tick();
      if (y0) await y0;
      const table = parser.feed(decoder.decode(chunk, { stream: true }));
      let i = 0;
      if (!header && table.length) {
        header = table[0];
        i = 1;
        escaped = isResultsCsvHeader(header);
        if (escaped) unescapeFormulaRow(header);
        c = {
          source: findColumn(header, ['source', 'file', 'source_file', 'path']),
          line: findColumn(header, ['line', 'source_line', 'line_number', 'row']),
          text: findColumn(header, ['text', 'feedback', 'comment', 'content']),
          label: findColumn(header, ['label', 'sentiment', 'predicted', 'prediction']),
          score: findColumn(header, ['score', 'confidence', 'probability']),
          neg: findColumn(header, ['negative', 'score_negative', 'p_negative']),
          neu: findColumn(header, ['neutral', 'score_neutral', 'p_neutral']),
          pos: findColumn(header, ['positive', 'score_positive', 'p_positive']),
          date: findColumn(header, DATE_COLUMNS),
        };
        if (c.text < 0) throw new Error(`${csvPath} has no text column.`);
        probColumn = { negative: c.neg, neutral: c.neu, positive: c.pos };
      }
      for (; i < table.length; i++) {
        if ((i & 63) === 0) {
          const y = tick();
          if (y) await y;
        }
        take(table[i]);
      }
    }
    partial = bytes >= MAX_CSV_BYTES;
    // A row cut by the byte limit is incomplete: only a whole file's last line counts.
    if (!partial) for (const r of [...parser.feed(decoder.decode()), ...parser.end()]) take(r);
  } finally {
    stream.destroy();
  }
  if (!header) c = undefined;

  let kept: Row[];
  let selection: ReportModel['selection'];
  if (first) kept = first;
  else {
    const byRow = new Map<number, Row>();
    const negs = negative.sorted(), lows = low.sorted();
    for (const r of negs) byRow.set(r.n, r);
    for (const r of lows) byRow.set(r.n, r);
    const sampled = sample.items.filter((r) => !byRow.has(r.n));
    for (const r of sampled) byRow.set(r.n, r);
    kept = [...byRow.values()].sort((a, b) => a.n - b.n);
    selection = { mostNegative: negs.length, lowConfidence: lows.filter((r) => !negs.includes(r)).length, sampled: sampled.length };
  }
  const timeline: { day: string; label: Sentiment; count: number }[] = [];
  for (const [day, d] of days) for (const l of SENTIMENTS) if (d[l]) timeline.push({ day, label: l, count: d[l] });
  return { distribution, rows, partial, kept, selection, timeline, termSample: terms.items };
}

/** The driving words of the items summary.json lists, by "absolute source\0line" (sources resolved like results.csv's). */
function driversFromJson(json: Record<string, unknown> | undefined, root: string): Map<string, Drivers> {
  const out = new Map<string, Drivers>();
  const rating = json?.rating as { disagreements?: unknown } | undefined;
  for (const list of [json?.mostNegative, json?.mostPositive, json?.lowConfidence, rating?.disagreements]) {
    if (!Array.isArray(list)) continue;
    for (const it of list as Record<string, unknown>[]) {
      if (typeof it?.source !== 'string' || typeof it.line !== 'number' || !Array.isArray(it.drivers)) continue;
      const d = (it.drivers as Record<string, unknown>[])
        .filter((x) => Number.isInteger(x?.start) && Number.isInteger(x?.end) && Number.isFinite(x?.weight))
        .map((x) => ({ start: x.start as number, end: x.end as number, weight: x.weight as number }));
      out.set(`${path.resolve(root, it.source)}\0${it.line}`, d);
    }
  }
  return out;
}

/** Spans inside the (possibly shortened) text shown, not overlapping. */
function validSpans(d: Drivers, text: string): boolean {
  const sorted = [...d].sort((a, b) => a.start - b.start);
  return sorted.every((x, i) => x.start >= 0 && x.end > x.start && x.end <= text.length && (i === 0 || x.start >= sorted[i - 1].end));
}

/** The view's items of kept rows (numbered from `first`), with their drivers (summary.json's) and sources. */
function toItems(kept: readonly Row[], drivers: ReadonlyMap<string, Drivers>, first: number, items: ReportItem[], sources: SourceRef[], sourceFiles: Set<string>): void {
  for (const r of kept) {
    const d = r.file ? drivers.get(`${r.file}\0${r.item.line}`) : undefined;
    const i = first + items.length;
    items.push(d && validSpans(d, r.item.text) ? { i, ...r.item, drivers: d } : { i, ...r.item });
    sources.push({ file: r.file, line: r.item.line });
    if (r.file) sourceFiles.add(r.file);
  }
}

/** Shows an absolute source path relative to the workspace folder holding it. */
function displayIn(workspaceRoots: readonly string[]): (abs: string) => string {
  return (abs) => {
    const ws = workspaceRoots.find((r) => isInside(r, abs));
    return ws ? path.relative(ws, abs) || path.basename(abs) : abs;
  };
}

/**
 * Builds the view model of one report folder. `workspaceRoots` are used to show sources relative to
 * their workspace folder. results.csv is read in slices that yield to the event loop; the table gets
 * at most `maxItems` rows (see readResultsCsv).
 */
export async function loadReport(dir: string, workspaceRoots: readonly string[] = [], opts: LoadReportOptions | number = {}): Promise<LoadedReport> {
  const { maxItems = MAX_VIEW_ITEMS, signal } = typeof opts === 'number' ? { maxItems: opts } : opts;
  const json = await readSummary(dir);
  const root = reportRootOf(dir, json);
  const csvPath = path.join(dir, 'results.csv');
  const hasCsv = !!(await stat(csvPath).catch(() => undefined))?.isFile();
  const reportPath = path.join(dir, 'report.md');
  const hasMd = !!(await stat(reportPath).catch(() => undefined))?.isFile();
  if (!hasCsv && !json && !hasMd) throw new Error(`${dir} holds no report (report.md, results.csv).`);

  const display = displayIn(workspaceRoots);
  const jsonThemes = themesFromJson(json?.themes);
  const jsonTimeline = timelineFromJson(json?.time);

  const items: ReportItem[] = [];
  const sources: SourceRef[] = [];
  const sourceFiles = new Set<string>();
  let distribution: Record<Sentiment, number> = { negative: 0, neutral: 0, positive: 0 };
  let rows = 0;
  let partial = false;
  let selection: ReportModel['selection'];
  let timeline: ReportModel['timeline'] = jsonTimeline ?? [];
  let themes: ReportModel['themes'] = jsonThemes ?? [];
  const drivers = driversFromJson(json, root);
  if (hasCsv) {
    const csv = await readResultsCsv(csvPath, root, display, Math.max(1, maxItems), !jsonThemes, signal);
    distribution = csv.distribution;
    rows = csv.rows;
    partial = csv.partial;
    selection = csv.selection;
    toItems(csv.kept, drivers, 0, items, sources, sourceFiles);
    if (!jsonTimeline) timeline = buildTimeline(csv.timeline);
    if (!jsonThemes) themes = topTerms(csv.termSample);
  }

  // Totals from the JSON summary when it has them (covers rows beyond what was read).
  const jd = (json?.counts ?? json?.distribution ?? json?.labels) as Record<string, unknown> | undefined;
  if (jd && typeof jd === 'object' && SENTIMENTS.every((l) => typeof jd[l] === 'number' || typeof (jd[l] as { count?: unknown })?.count === 'number')) {
    for (const l of SENTIMENTS) distribution[l] = typeof jd[l] === 'number' ? (jd[l] as number) : ((jd[l] as { count: number }).count);
  }
  const total = typeof json?.total === 'number' ? json.total : SENTIMENTS.reduce((s, l) => s + distribution[l], 0);
  const jsonModel = json?.model && typeof json.model === 'object' ? (json.model as Record<string, unknown>) : undefined;
  const model: ReportModel = {
    id: path.basename(dir),
    dir: display(dir),
    createdAt: str(json?.startedAt) ?? str(json?.createdAt),
    modelId: str(jsonModel?.id) ?? str(json?.modelId) ?? str(json?.model),
    device: str(jsonModel?.device) ?? str(json?.device),
    total,
    distribution,
    timeline,
    themes,
    items,
    truncated: partial || rows > items.length || total > items.length,
    rows: hasCsv ? rows : undefined,
    selection,
    lowConfidence: num(json?.lowConfidenceThreshold) ?? num(json?.lowConfidence),
    hasCsv,
  };
  // what report.md says beyond the rows (its listed items numbered after the table's, so the view can open them)
  const { sections, listedSources } = reportSections(json, root, display, items.length);
  Object.assign(model, sections);
  for (const s of listedSources) sourceFiles.add(s.file);
  return { model, sources, sourceFiles, reportPath: hasMd ? reportPath : undefined, csvPath: hasCsv ? csvPath : undefined, drivers, root, listedSources };
}

export interface SearchReportOptions {
  /** The view's filter text (searchAlternatives: " / " separates names; a theme's name finds its variants). */
  query: string;
  label: Sentiment | 'all';
  /** The report's themes (a query that names one matches its variants). */
  themes?: readonly { term: string; variants?: string[] }[];
  /** Matching rows returned at most (default MAX_VIEW_ITEMS): past that, chosen as loadReport chooses. */
  maxItems?: number;
  /** The first item's `i` (the view numbers search results after the report's own items). */
  firstIndex?: number;
  /** The report's drivers and source root as loadReport read them (LoadedReport); without them summary.json is read again. */
  drivers?: ReadonlyMap<string, Drivers>;
  root?: string;
  signal?: AbortSignal;
}

export interface SearchResult {
  items: ReportItem[];
  sources: SourceRef[];
  sourceFiles: Set<string>;
  /** Rows of results.csv that match (all of them, not only those returned). */
  matched: number;
  /** Set when more rows matched than were returned: how those were chosen. */
  selection?: ReportModel['selection'];
  /** results.csv was read only up to its read limit. */
  partial: boolean;
}

/**
 * The rows of a report's results.csv that a filter matches: the Report view's filter when the report has more rows
 * than the view holds (a search among the 5,000 rows shown of a 1,000,000-row report found only those). The text and
 * the source are matched as the view matches them (searchAlternatives, case aside; the whole text, not the shown
 * 2,000 characters); streamed in slices like loadReport, and stopped by `signal`.
 */
export async function searchReport(dir: string, workspaceRoots: readonly string[], opts: SearchReportOptions): Promise<SearchResult> {
  const { maxItems = MAX_VIEW_ITEMS, firstIndex = 0, signal } = opts;
  const summary = opts.drivers && opts.root ? undefined : await readSummary(dir);
  const root = opts.root ?? reportRootOf(dir, summary);
  const display = displayIn(workspaceRoots);
  // the view's own test (searchMatcher), on the row's whole text and its source as the view shows it
  const matcher = searchMatcher(opts.query, opts.themes ?? []);
  // the source as the view shows it, lower-cased, per distinct cell (a report names few files)
  const shown = new Map<string, string>();
  const match: RowMatch = (text, source, label) => {
    if (opts.label !== 'all' && label !== opts.label) return false;
    if (matcher.everything) return true;
    let s = shown.get(source);
    if (s === undefined) {
      s = source ? display(path.resolve(root, source)).toLowerCase() : '';
      if (shown.size < 10_000) shown.set(source, s);
    }
    return matcher.lower(text.toLowerCase(), s);
  };
  const csv = await readResultsCsv(path.join(dir, 'results.csv'), root, display, Math.max(1, maxItems), false, signal, match);
  const drivers = opts.drivers ?? driversFromJson(summary, root);
  const items: ReportItem[] = [];
  const sources: SourceRef[] = [];
  const sourceFiles = new Set<string>();
  toItems(csv.kept, drivers, firstIndex, items, sources, sourceFiles);
  return { items, sources, sourceFiles, matched: csv.rows, selection: csv.selection, partial: csv.partial };
}

/** Sizes and modification times of a report folder's files: when none changed, what was read from them still holds. */
export async function reportSignature(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const f of ['results.csv', 'summary.json', 'result.json', 'report.md']) {
    const st = await stat(path.join(dir, f)).catch(() => undefined);
    parts.push(st ? `${st.size}:${st.mtimeMs}` : '-');
  }
  return parts.join('|');
}

/**
 * loadReport that keeps its last report: the view shown again, or refreshed with nothing new, does not read the report's
 * results.csv again (seconds of the extension host's time for a million rows) unless a file of the folder changed.
 * The report it returns is shared between calls: callers may change what the view adds (an item's `labelled`).
 */
export class ReportLoader {
  private last: { key: string; loaded: LoadedReport } | undefined;

  async load(dir: string, workspaceRoots: readonly string[] = [], opts: LoadReportOptions = {}): Promise<LoadedReport> {
    // the files' signature from before the read: a file changed while it is read is read again next time
    const key = [path.resolve(dir), opts.maxItems ?? MAX_VIEW_ITEMS, await reportSignature(dir), ...workspaceRoots].join('\0');
    if (this.last?.key === key) return this.last.loaded;
    const loaded = await loadReport(dir, workspaceRoots, opts);
    this.last = { key, loaded };
    return loaded;
  }

  /** Forgets the kept report (the next load reads the folder). */
  clear(): void {
    this.last = undefined;
  }
}

/**
 * Whether the view may open `file`: inside a workspace folder, or one of the report's own sources
 * (a report written next to feedback outside the workspace).
 */
export function mayOpen(file: string, workspaceRoots: readonly string[], reportSources: ReadonlySet<string>): boolean {
  if (!file || !path.isAbsolute(file)) return false;
  const abs = path.resolve(file);
  return workspaceRoots.some((r) => isInside(r, abs)) || reportSources.has(abs);
}

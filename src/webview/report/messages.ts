// The Report view's messages (host <-> webview) and the report model the host sends.
import { check, type Validators } from '../shared/protocol';

export type Sentiment = 'negative' | 'neutral' | 'positive';
export const SENTIMENTS: readonly Sentiment[] = ['negative', 'neutral', 'positive'];

export interface ReportItem {
  /** Index in ReportModel.items (what openItem sends back). */
  i: number;
  /** Source path as shown (relative to the workspace when inside it). */
  source: string;
  line: number;
  text: string;
  label: Sentiment;
  /** Probability of `label`. */
  score: number;
  date?: string;
  /**
   * The words that drove the label (listed items of the report: most negative/positive, low confidence,
   * rating disagreements): UTF-16 spans in `text` and the drop of the label's probability without them.
   */
  drivers?: { start: number; end: number; weight: number }[];
  /** The label the user gave this text (Your label; .product-forge/labels/sentiment-labels.csv). */
  labelled?: Sentiment;
  /** The text is cut for display (over 2,000 characters): it cannot be labelled here. */
  cut?: boolean;
}

export interface ReportModel {
  /** The report folder's name (e.g. "feedback-20250101-120000"). */
  id: string;
  /** Folder shown to the user. */
  dir: string;
  createdAt?: string;
  modelId?: string;
  device?: string;
  total: number;
  distribution: Record<Sentiment, number>;
  /** Per period (day, week or month, chosen by the span of the dates). */
  timeline: { period: string; negative: number; neutral: number; positive: number }[];
  /** `variants`: the written forms of a theme's variants ("notes", "note", "笔记"); clicking the theme finds any. */
  themes: { term: string; count: number; negative: number; positive: number; variants?: string[] }[];
  items: ReportItem[];
  /** items holds only some of the `total` items (see rows / selection). */
  truncated: boolean;
  /** Rows read from results.csv (all of them unless the file was cut at the read limit). */
  rows?: number;
  /**
   * Set when results.csv had more rows than the view takes: items holds the most negative rows, the
   * least confident ones and a uniform sample of the rest (counts of each, without overlaps), in file order.
   */
  selection?: { mostNegative: number; lowConfidence: number; sampled: number };
  lowConfidence?: number;
  hasCsv: boolean;
  /** Texts the user has labelled so far (all reports of this workspace folder). */
  labelledCount?: number;
  // What report.md says beyond the rows (summary.json; each absent for a report without it, or an older report):
  /** Labels were two-way: every item negative or positive, neutral not used. */
  twoWay?: boolean;
  /** The average top score, and how many items (of all, not only those held) are below `lowConfidence`. */
  averageConfidence?: number;
  lowConfidenceCount?: number;
  /** What was analyzed, as the user named it (files or folders; paths as shown): summary.json's inputs. */
  inputs?: string[];
  /** The files read (paths as shown): the first 200. */
  files?: ReportFile[];
  /** How many files were read, when more than `files` lists. */
  fileCount?: number;
  /** What the analysis warned about: rows or files skipped, a date column it could not read, a text column guessed. */
  warnings?: string[];
  /** Items the themes were counted on, when fewer than `total` (a uniform sample of a large input). */
  themeSample?: number;
  /** The product itself ("book", 手机): named in most feedback, so not ranked among the themes. */
  productThemes?: ReportTheme[];
  /** Aspects of mixed feedback ("… but …"), their clauses classified apart. */
  aspects?: ReportAspects;
  /** The time series' notes and the themes that grew (the series itself is `timeline`). */
  time?: ReportTime;
  /** Sentiment by a category column (platform, version…), values with the most items first. */
  categories?: ReportCategory[];
  /** Rating vs. text sentiment. */
  rating?: ReportRating;
}

export type ReportTheme = ReportModel['themes'][number];

export interface ReportFile {
  file: string;
  format: string;
  encoding: string;
  items: number;
  textColumn?: string;
}

export interface ReportAspects {
  /** Items contrasting two things. */
  contrastiveItems: number;
  /** `clauses`: the clauses naming it (neutral ones too). */
  findings: { aspect: string; clauses: number; praised: number; criticized: number }[];
}

export interface ReportTime {
  columns: string[];
  granularity: string;
  /** Items of dated files without a readable date (`placeholders` of them a placeholder such as 1970-01-01). */
  undated: number;
  placeholders: number;
  /** Items of files with no date column. */
  noDateColumn: number;
  /** How dates were read (day/month order…). */
  notes: string[];
  /** Share of items mentioning it, first half → second half of the dated items. */
  growing: { term: string; earlyShare: number; lateShare: number; earlyCount?: number; lateCount: number; negativeShare: number }[];
  /** Where the halves split (the median date) and their items; `minItems` each is needed to compare. */
  split?: { lastEarly: string; firstLate: string; earlyItems: number; lateItems: number; minItems: number };
}

export interface ReportCategory {
  column: string;
  /** Items with a value in this column (the others are not in its rows). */
  covered: number;
  /** Rare values were merged into "(other)". */
  merged: boolean;
  rows: { value: string; total: number; negative: number; neutral: number; positive: number }[];
}

/** An item report.md lists outside the table (a rating disagreement): `i` follows the report's items. */
export type ListedItem = ReportItem & { rating: number };

export interface ReportRating {
  columns: string[];
  /** How ratings were read: "`rating` as 1–5 stars (1–2 negative, 3 neutral, 4–5 positive)". */
  read: string;
  /** Share of `base` rated items whose text agrees with their rating. */
  agreement: number;
  base: number;
  rated: number;
  /** Rating says (row) → text says (column) → items. */
  matrix: Record<Sentiment, Record<Sentiment, number>>;
  /**
   * Average rating by predicted sentiment, per rating column ("1–5", "NPS"), and the rated items each rests on
   * (`items`; absent when summary.json, written before them, has none).
   */
  averages: { column: string; range: string; rated: number; byLabel: Record<Sentiment, number | null>; items?: Record<Sentiment, number> }[];
  /** Rating and text pointing opposite ways, strongest first. */
  disagreements: ListedItem[];
}

export interface HostToWebview {
  report: { report: ReportModel };
  /** No report to show; `canAnalyze`: the view offers Analyze Feedback (a button that runs it). */
  empty: { reason: string; canAnalyze?: boolean };
  error: { message: string };
  /** A label was saved: the item's new label and how many texts are labelled now. */
  labelled: { reportId: string; index: number; label: Sentiment; count: number; file: string };
  /**
   * The rows of the whole results.csv that a search matches (asked with `search` when the report has more rows than
   * `items`): `matched` of them, `items` (numbered after the report's items) chosen as the report's own when more matched.
   */
  searchResults: {
    reportId: string;
    query: string;
    label: SentimentFilter;
    items: ReportItem[];
    matched: number;
    selection?: ReportModel['selection'];
    partial?: boolean;
  };
  /** The search could not be done (the CSV is gone): the view keeps filtering the rows it holds. */
  searchFailed: { reportId: string; query: string; label: SentimentFilter; message: string };
}

export type SentimentFilter = Sentiment | 'all';
export const SENTIMENT_FILTERS: readonly SentimentFilter[] = ['all', ...SENTIMENTS];

export interface WebviewToHost {
  ready: Record<string, never>;
  refresh: Record<string, never>;
  openItem: { reportId: string; index: number };
  openFile: { reportId: string; file: 'report' | 'csv' };
  /** The user's label for an item (a correction, or a confirmation of the model's). */
  label: { reportId: string; index: number; label: Sentiment };
  /** Opens the Train view on the labels file. */
  trainOnLabels: Record<string, never>;
  /** Runs Analyze Feedback (the empty view's button). */
  analyze: Record<string, never>;
  /** Searches every row of the report's results.csv (the report has more rows than the view holds). */
  search: { reportId: string; query: string; label: SentimentFilter };
}

/**
 * An item's index at most: the report's items, then the items it lists, then each search's results, numbered from a
 * base of its own (10,000 apart): not the count of items. (100,000 refused a click on a result from the tenth search on.)
 */
const MAX_ITEMS = 2 ** 31 - 1;

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown, each: (x: Record<string, unknown>) => boolean, max = 10_000): boolean => Array.isArray(v) && v.length <= max && v.every((x) => isObj(x) && each(x));
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || ok(v);
const strings = (v: unknown, max = 1000): boolean => Array.isArray(v) && v.length <= max && v.every((x) => check.string(x));
const labelCounts = (v: unknown): boolean => isObj(v) && SENTIMENTS.every((l) => check.int(v[l], 0));
const themeOk = (t: Record<string, unknown>): boolean => check.string(t.term) && check.int(t.count, 0) && check.int(t.negative, 0) && check.int(t.positive, 0) && optional(t.variants, (v) => strings(v, 100));
const itemOk = (it: Record<string, unknown>): boolean =>
  check.int(it.i, 0, MAX_ITEMS) && check.string(it.source, 10_000) && check.int(it.line, 0) && check.string(it.text, 100_000) && check.oneOf(it.label, SENTIMENTS) && check.number(it.score) &&
  optional(it.drivers, (d) => list(d, (x) => check.int(x.start, 0) && check.int(x.end, 0) && check.number(x.weight)));

/** The parts of a ReportModel that come from summary.json (ReportModel's optional sections): each absent or well-formed. */
export function validSections(r: Record<string, unknown>): boolean {
  const a = r.aspects, t = r.time, g = r.rating;
  return (
    optional(r.twoWay, check.boolean) &&
    optional(r.averageConfidence, (v) => check.number(v, 0, 1)) &&
    optional(r.lowConfidenceCount, (v) => check.int(v, 0)) &&
    optional(r.fileCount, (v) => check.int(v, 0)) &&
    optional(r.inputs, (v) => strings(v, 200)) &&
    optional(r.files, (v) => list(v, (f) => check.string(f.file) && check.string(f.format) && check.string(f.encoding) && check.int(f.items, 0) && optional(f.textColumn, check.string))) &&
    optional(r.warnings, (v) => strings(v)) &&
    optional(r.themeSample, (v) => check.int(v, 0)) &&
    optional(r.productThemes, (v) => list(v, themeOk, 100)) &&
    optional(a, (v) => isObj(v) && check.int(v.contrastiveItems, 0) && list(v.findings, (f) => check.string(f.aspect) && check.int(f.clauses, 0) && check.int(f.praised, 0) && check.int(f.criticized, 0), 100)) &&
    optional(t, (v) =>
      isObj(v) && strings(v.columns, 100) && check.string(v.granularity) && check.int(v.undated, 0) && check.int(v.placeholders, 0) && check.int(v.noDateColumn, 0) && strings(v.notes, 100) &&
      list(v.growing, (x) => check.string(x.term) && check.number(x.earlyShare, 0, 1) && check.number(x.lateShare, 0, 1) && optional(x.earlyCount, (n) => check.int(n, 0)) && check.int(x.lateCount, 0) && check.number(x.negativeShare, 0, 1), 100) &&
      optional(v.split, (s) => isObj(s) && check.string(s.lastEarly) && check.string(s.firstLate) && check.int(s.earlyItems, 0) && check.int(s.lateItems, 0) && check.int(s.minItems, 0)),
    ) &&
    optional(r.categories, (v) => list(v, (c) => check.string(c.column) && check.int(c.covered, 0) && check.boolean(c.merged) && list(c.rows, (x) => check.string(x.value) && check.int(x.total, 0) && labelCounts(x)), 100)) &&
    optional(g, (v) =>
      isObj(v) && strings(v.columns, 100) && check.string(v.read) && check.number(v.agreement, 0, 1) && check.int(v.base, 0) && check.int(v.rated, 0) &&
      isObj(v.matrix) && SENTIMENTS.every((l) => labelCounts((v.matrix as Record<string, unknown>)[l])) &&
      list(v.averages, (x) => check.string(x.column) && check.string(x.range) && check.int(x.rated, 0) && isObj(x.byLabel) && SENTIMENTS.every((l) => (x.byLabel as Record<string, unknown>)[l] === null || check.number((x.byLabel as Record<string, unknown>)[l])) && optional(x.items, labelCounts), 100) &&
      list(v.disagreements, (x) => itemOk(x) && check.number(x.rating), 100),
    )
  );
}

export const webviewToHostValidators: Validators<WebviewToHost> = {
  ready: (m) => check.onlyKeys(m, []),
  refresh: (m) => check.onlyKeys(m, []),
  openItem: (m) => check.onlyKeys(m, ['reportId', 'index']) && check.string(m.reportId, 300) && check.int(m.index, 0, MAX_ITEMS),
  openFile: (m) => check.onlyKeys(m, ['reportId', 'file']) && check.string(m.reportId, 300) && check.oneOf(m.file, ['report', 'csv'] as const),
  label: (m) => check.onlyKeys(m, ['reportId', 'index', 'label']) && check.string(m.reportId, 300) && check.int(m.index, 0, MAX_ITEMS) && check.oneOf(m.label, SENTIMENTS),
  trainOnLabels: (m) => check.onlyKeys(m, []),
  analyze: (m) => check.onlyKeys(m, []),
  search: (m) => check.onlyKeys(m, ['reportId', 'query', 'label']) && check.string(m.reportId, 300) && check.string(m.query, 1000) && check.oneOf(m.label, SENTIMENT_FILTERS),
};

export const hostToWebviewValidators: Validators<HostToWebview> = {
  report: (m) => {
    const r = m.report as ReportModel | undefined;
    return !!r && typeof r === 'object' && check.string(r.id, 300) && Array.isArray(r.items) && Array.isArray(r.timeline) && Array.isArray(r.themes) && typeof r.distribution === 'object' && validSections(r as unknown as Record<string, unknown>);
  },
  empty: (m) => check.string(m.reason) && (m.canAnalyze === undefined || check.boolean(m.canAnalyze)),
  error: (m) => check.string(m.message),
  searchResults: (m) =>
    check.string(m.reportId, 300) &&
    check.string(m.query, 1000) &&
    check.oneOf(m.label, SENTIMENT_FILTERS) &&
    Array.isArray(m.items) &&
    check.int(m.matched, 0) &&
    (m.partial === undefined || check.boolean(m.partial)),
  searchFailed: (m) => check.string(m.reportId, 300) && check.string(m.query, 1000) && check.oneOf(m.label, SENTIMENT_FILTERS) && check.string(m.message),
  labelled: (m) => check.string(m.reportId, 300) && check.int(m.index, 0, MAX_ITEMS) && check.oneOf(m.label, SENTIMENTS) && check.int(m.count, 0, 10_000_000) && check.string(m.file),
};

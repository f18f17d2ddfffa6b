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
}

export interface HostToWebview {
  report: { report: ReportModel };
  /** No report to show; `canAnalyze`: a workspace folder is open, so the view offers Analyze Feedback. */
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

const MAX_ITEMS = 100_000;

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
    return !!r && typeof r === 'object' && check.string(r.id, 300) && Array.isArray(r.items) && Array.isArray(r.timeline) && Array.isArray(r.themes) && typeof r.distribution === 'object';
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

// The Analyze Feedback engine: streams items from the readers through a SentimentClassifier and keeps
// only bounded state (aggregates, top-K heaps, a reservoir sample for themes); per-item results go to a
// temp JSONL file that the writers stream from.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FeedbackItem, SentimentClassifier, SentimentLabel, SentimentScores } from '../types';
import { CancelledError, SENTIMENT_LABELS, UserError, throwIfAborted } from '../types';
import { openFeedbackInputs, parseDate, parseRating, type OpenedFeedbackFile, type RatingScale } from '../readers';
import { RatingTally } from './ratingTally';
import { yielder } from '../yielder';
import { contrastUnits } from './aspects';
import { explainScored, nameRuns, occlusionUnits, occlusionWeights, topDrivers, topLabel, withoutUnit, type Driver, type TextUnit } from './explain';
import { Reservoir, TopK } from './collections';
import { addUses, extractTerms, isCjk, joinsThemeOnly, mergedNames, notATopic, selectPhrases, themeGroupKey, type WordUse } from './phrases';
import { computeThemes, growingThemes, MAX_DF_SHARE, sampleTerms, type ThemeSampleItem } from './themes';
import { bucketLabel, bucketOf, bucketRange, chooseGranularity, isPlaceholderDay, isoDate, medianSplit, MIN_HALF_ITEMS, type Granularity } from './time';
import { dayFirstReading, describeDateFormat, onlyDayFirst, onlyMonthFirst, type DateFormat } from '../readers';

export type LabelCounts = Record<SentimentLabel, number>;

export interface ItemResult {
  source: string;
  line: number;
  text: string;
  label: SentimentLabel;
  /** Score of the predicted label. */
  score: number;
  scores: SentimentScores;
  fields?: Record<string, string>;
  /** The words that drove the label, strongest first (occlusion; see ExplainScope). */
  drivers?: Driver[];
}

/**
 * Which items get their driving words: `listed` the items the report lists (most positive/negative,
 * low confidence, rating disagreements: a few dozen re-scorings in all), `all` every item (each word
 * is one more model input: several times the work), `none`.
 */
export type ExplainScope = 'none' | 'listed' | 'all';

export interface Theme {
  phrase: string;
  /** The written forms of its variants, most frequent first ("notes", "note", "笔记"): what its items contain. */
  variants?: string[];
  /** Items (of the theme sample) mentioning it. */
  count: number;
  counts: LabelCounts;
  negativeShare: number;
  quotes: { text: string; source: string; line: number; label: SentimentLabel }[];
}

export interface AspectFinding {
  aspect: string;
  mentions: number;
  counts: LabelCounts;
  /** A clause where it was praised / criticized. */
  praised?: { clause: string; source: string; line: number };
  criticized?: { clause: string; source: string; line: number };
}

export interface ContrastExample {
  source: string;
  line: number;
  text: string;
  label: SentimentLabel;
  clauses: { text: string; label: SentimentLabel; score: number }[];
}

export interface TimeBucket {
  start: string;
  label: string;
  counts: LabelCounts;
  total: number;
  negativeShare: number;
}

export interface GrowingTheme {
  phrase: string;
  earlyShare: number;
  lateShare: number;
  lateCount: number;
  /** Mentions in the first half. */
  earlyCount?: number;
  negativeShare: number;
}

export interface CategoryBreakdown {
  column: string;
  rows: { value: string; counts: LabelCounts; total: number; negativeShare: number; averagePositive: number }[];
  /** Distinct values beyond the tracked ones were merged into "(other)". */
  merged: boolean;
}

export interface RatingAgreement {
  column: string;
  /** The first scale met (see `scales` for every one). */
  scale: RatingScale;
  rated: number;
  /** Share of the items counted for agreement (`agreementBase`) whose text agrees with their rating. */
  agreement: number;
  /** Items counted for agreement: every rated item; with two-way labels, those whose rating is not in the middle. */
  agreementBase: number;
  /** expected (from rating) -> predicted -> items */
  matrix: Record<SentimentLabel, LabelCounts>;
  /** Average rating per predicted label, on the first scale's values only (other scales: `scales`). */
  averageRatingByLabel: Record<SentimentLabel, number | null>;
  /** The rated items each average rests on (the first scale's; a summary.json written before it has none). */
  ratedByLabel?: LabelCounts;
  /**
   * Each rating column and scale met, with its own items and averages (values on different scales are never mixed),
   * and how many rated items each label's average rests on (absent from an older summary.json).
   */
  scales: { column: string; scale: RatingScale; rated: number; averageRatingByLabel: Record<SentimentLabel, number | null>; ratedByLabel?: LabelCounts }[];
  disagreements: (ItemResult & { rating: number; expected: SentimentLabel })[];
}

export interface FileSummary {
  file: string;
  format: string;
  encoding: string;
  items: number;
  textColumn?: string;
  dateColumn?: string;
  ratingColumn?: string;
  categoryColumns?: string[];
}

export interface AnalysisResult {
  inputs: string[];
  files: FileSummary[];
  model: { id: string; device: string };
  startedAt: string;
  durationMs: number;
  itemsPerSecond: number;
  /** Another analysis ran beside this one in the model worker (the extension's worker runs them side by side), so items/s is not the model's own rate. */
  sharedModel?: boolean;
  total: number;
  counts: LabelCounts;
  shares: LabelCounts;
  averageConfidence: number;
  averageScores: SentimentScores;
  lowConfidenceThreshold: number;
  lowConfidenceCount: number;
  mostPositive: ItemResult[];
  mostNegative: ItemResult[];
  lowConfidence: ItemResult[];
  themes: Theme[];
  /**
   * The product itself ("this book", 这款手机: themes.ts PRODUCT_NAMED_SHARE), set apart from the themes (its mix
   * repeats the overall one) and from the aspects; absent when none.
   */
  productThemes?: Theme[];
  /** Items the themes were computed on (a uniform sample when the input is large). */
  themeSample: number;
  /** Items longer than the part of each item themes read (MAX_SAMPLE_TEXT characters), over the whole input. */
  themeClippedItems?: number;
  aspects: { contrastiveItems: number; clausesClassified: number; findings: AspectFinding[]; examples: ContrastExample[] };
  time?: {
    columns: string[];
    granularity: Granularity;
    buckets: TimeBucket[];
    /** Items of a dated file without a readable date (placeholders included). */
    undated: number;
    /** Of those, placeholder dates (1970-01-01, 1900-01-01, 2100 and later) counted as no date. */
    placeholders?: number;
    /** How the dates were read (day/month order, numbers, two-digit years), per column. */
    notes?: string[];
    growingThemes: GrowingTheme[];
    /** Where "themes that grew" splits the period (median date of the dated theme sample) and each half's items. */
    split?: { lastEarly: string; firstLate: string; earlyItems: number; lateItems: number; minItems: number };
  };
  categories: CategoryBreakdown[];
  rating?: RatingAgreement;
  /** Names of the kept columns/fields (per-item CSV columns after the fixed ones). */
  fieldNames: string[];
  /** Which items carry `drivers` (the CSV has a drivers column when 'all'). */
  explained: ExplainScope;
  /** Labels were two-way (negative / positive; see AnalyzeOptions.twoWay). */
  twoWay?: boolean;
  warnings: string[];
  /** Temp JSONL file with every ItemResult, in input order (the writers stream it). Delete with disposeAnalysis(). */
  itemsFile: string;
}

export interface AnalyzeProgress {
  itemsDone: number;
  bytesDone: number;
  bytesTotal: number;
  phase: 'reading' | 'classifying' | 'aspects' | 'themes' | 'done';
}

export interface AnalyzeOptions {
  classifier: SentimentClassifier;
  /** Text column/field for tables (else detected per file); several are joined per row (see ReadOptions.column). */
  column?: string | string[];
  signal?: AbortSignal;
  onProgress?: (p: AnalyzeProgress) => void;
  /** Items whose top score is below this are listed as low-confidence (default 0.6). */
  lowConfidence?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** Items per classifier call when chunkSize is not given (kept for callers that set it; default 1024). */
  batchSize?: number;
  /** Items per classifier call (default batchSize, else 1024); the clauses of their contrastive items ride along. */
  chunkSize?: number;
  /** Classifier calls kept outstanding while the next chunk is read (default 2). */
  inFlight?: number;
  /** Items listed per top list (default 10). */
  topK?: number;
  /** Reservoir size for themes (default 20000). */
  sampleSize?: number;
  /** Classify clauses of contrastive items (default true). */
  aspects?: boolean;
  /**
   * Compute themes (and the themes that grew over time) from a sample (default true). Callers that
   * only output per-item rows (CLI --format jsonl/csv) turn this and `aspects` off: the rows are the same.
   */
  themes?: boolean;
  /** Which items get their driving words (default 'listed'). */
  explain?: ExplainScope;
  /**
   * Two-way: every item is negative or positive, by the two-class marginal of the model's scores
   * (P(negative) and P(positive) renormalized, neutral 0), for data that has no neutral class (star
   * ratings 1-2 vs 4-5, the SST-2/MR/Amazon benchmarks). Default: three-way.
   */
  twoWay?: boolean;
  /** Folder for the temp per-item file (default os.tmpdir()). */
  tempDir?: string;
  maxJsonBytes?: number;
}

const MAX_CLASSIFY_CHARS = 2000;
/** Themes read at most this much of each item (memory: the theme sample holds up to 20,000 items); the report says how many were cut. */
export const MAX_SAMPLE_TEXT = 1500;
const MAX_FIELD_NAMES = 50;
const MAX_CATEGORY_VALUES = 200;
const MAX_ASPECT_KEYS = 50_000;

function zero(): LabelCounts {
  return { negative: 0, neutral: 0, positive: 0 };
}

/** P(negative) and P(positive) renormalized to sum to 1, neutral 0 (a tie goes to negative). */
export function twoWayScores(s: SentimentScores): SentimentScores {
  const n = Number(s.negative) || 0, p = Number(s.positive) || 0;
  const z = n + p;
  return z > 0 ? { negative: n / z, neutral: 0, positive: p / z } : { negative: 0.5, neutral: 0, positive: 0.5 };
}

function twoWayClassifier(c: SentimentClassifier): SentimentClassifier {
  return { modelId: c.modelId, device: c.device, classify: async (texts, o) => (await c.classify(texts, o)).map(twoWayScores) };
}

/** A classifier's scores as plain numbers (a missing or non-numeric one is 0). */
function scoresOf(x: SentimentScores): SentimentScores {
  return { negative: Number(x.negative) || 0, neutral: Number(x.neutral) || 0, positive: Number(x.positive) || 0 };
}

/** The part of an item (or clause) the model scores: the whole text, or its first MAX_CLASSIFY_CHARS characters. */
function classifiable(text: string): string {
  if (text.length <= MAX_CLASSIFY_CHARS) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[MAX_CLASSIFY_CHARS - 1]) ? MAX_CLASSIFY_CHARS - 1 : MAX_CLASSIFY_CHARS; // no half surrogate pair
  return text.slice(0, cut);
}

function clip(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

type SampleItem = ThemeSampleItem;

/** A date column of one file whose sampled rows left the day/month order open (month/day assumed). */
interface OpenOrder {
  column: string;
  format: DateFormat;
  /** The file, named in the report's note when the analysis reads several. */
  file?: string;
  /** The first value of the file that can only be day/month (13/05/2024), or month/day (05/13/2024). */
  dayFirst?: string;
  monthFirst?: string;
  /** Ambiguous dates (both parts ≤ 12) per month/day reading: their day/month reading and label counts. */
  pending: Map<number, { alt: number; c: LabelCounts }>;
}

/** The roles a file's columns play: a column the text is read from plays no other role (a chosen "title,review" pair). */
function fileRoles(f: OpenedFeedbackFile): { isText: (c: string | undefined) => boolean; dateCol?: string; ratingCol?: string; catCols: string[]; fileFields: string[] } {
  const t = f.table;
  const isText = (c: string | undefined) => c !== undefined && !!f.textColumns?.includes(c);
  const dateCol = isText(t?.dateColumn) ? undefined : t?.dateColumn;
  // a rating-named column whose first rows read 0/1 only is a candidate: the values of every row decide (RatingTally)
  const rated = t?.ratingColumn && t.ratingScale ? t.ratingColumn : t?.ratingCandidate;
  const ratingCol = rated && !isText(rated) ? rated : undefined;
  const catCols = (t?.categoryColumns ?? []).filter((c) => !isText(c));
  const fileFields = (t?.columns ?? []).map((c) => c.name).filter((c) => !isText(c));
  return { isText, dateCol, ratingCol, catCols, fileFields };
}

/** Deletes the temp per-item file of a result (safe to call twice). */
export async function disposeAnalysis(result: Pick<AnalysisResult, 'itemsFile'>): Promise<void> {
  if (result.itemsFile) await fsp.rm(path.dirname(result.itemsFile), { recursive: true, force: true }).catch(() => undefined);
}

/** Streams the per-item results of an analysis (from its temp file). */
export async function* readItemResults(result: Pick<AnalysisResult, 'itemsFile'>, signal?: AbortSignal): AsyncGenerator<ItemResult> {
  const stream = fs.createReadStream(result.itemsFile, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      throwIfAborted(signal);
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      for (const l of lines) if (l) yield JSON.parse(l) as ItemResult;
    }
    if (carry) yield JSON.parse(carry) as ItemResult;
  } finally {
    stream.destroy();
  }
}

class JsonlSink {
  private stream: fs.WriteStream;
  private failed: Error | null = null;
  constructor(readonly file: string) {
    this.stream = fs.createWriteStream(file, { flags: 'wx', encoding: 'utf8' });
    this.stream.on('error', (e) => (this.failed = e));
  }
  async write(s: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(s)) await new Promise<void>((res, rej) => {
      const onErr = (e: Error) => rej(e);
      this.stream.once('drain', () => (this.stream.off('error', onErr), res()));
      this.stream.once('error', onErr);
    });
  }
  async close(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end((e?: Error | null) => (e ? rej(e) : res())));
    if (this.failed) throw this.failed;
  }
  destroy(): void {
    this.stream.destroy();
  }
}

/**
 * Analyzes feedback files/folders with the classifier. Memory stays bounded for any input size.
 * Throws UserError for bad input (before any model work where possible) and CancelledError on abort;
 * no temp file is left behind in either case.
 */
export async function analyzeFeedback(inputs: string[], opts: AnalyzeOptions): Promise<AnalysisResult> {
  const t0 = Date.now();
  const signal = opts.signal;
  // Two-way: every score the engine sees (items, clauses, occluded variants) is the two-class marginal.
  if (opts.twoWay) opts = { ...opts, classifier: twoWayClassifier(opts.classifier) };
  const log = opts.log ?? (() => undefined);
  const threshold = opts.lowConfidence ?? 0.6;
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 256, 256));
  const k = opts.topK ?? 10;
  const doAspects = opts.aspects !== false;
  const doThemes = opts.themes !== false;
  const explainScope: ExplainScope = opts.explain ?? 'listed';
  const explainAll = explainScope === 'all';
  // Explaining every item sends up to 33 texts an item: smaller chunks keep a request's texts bounded.
  const chunkSize = Math.max(1, Math.min(explainAll ? 256 : Infinity, opts.chunkSize ?? opts.batchSize ?? 1024));
  const inFlight = Math.max(1, opts.inFlight ?? 2);

  // Open every file first: bad input (binary, no text column, unknown --column) fails before any model work;
  // such a file found in a folder (not named) is skipped with a warning.
  const { opened, skipped } = await openFeedbackInputs(inputs, { column: opts.column, signal, batchSize, maxJsonBytes: opts.maxJsonBytes });
  for (const w of skipped) opts.log?.('warn', w);
  const bytesTotal = opened.reduce((a, f) => a + f.bytesTotal, 0);

  const tmpDir = await fsp.mkdtemp(path.join(opts.tempDir ?? os.tmpdir(), `product-forge-analysis-${randomBytes(3).toString('hex')}-`));
  const itemsFile = path.join(tmpDir, 'items.jsonl');
  const sink = new JsonlSink(itemsFile);

  const counts = zero();
  const scoreSums: SentimentScores = { negative: 0, neutral: 0, positive: 0 };
  let confSum = 0;
  let total = 0;
  let lowCount = 0;
  const topPos = new TopK<ItemResult>(k);
  const topNeg = new TopK<ItemResult>(k);
  const lowConf = new TopK<ItemResult>(k * 2);
  const reservoir = new Reservoir<SampleItem>(opts.sampleSize ?? 20000);
  const fieldNames: string[] = [];
  const fieldSet = new Set<string>();
  // time
  const days = new Map<number, LabelCounts>();
  let undated = 0, placeholders = 0;
  const dateColumns = new Set<string>();
  const dateNotes: string[] = [];
  // Date columns whose sampled rows left the day/month order open: their ambiguous dates (03/05/2024) wait, counted
  // per day, until the whole file has been read and a later date (13/05/2024 or 05/13/2024) has decided the order.
  const openOrders: OpenOrder[] = [];
  const pendingSample = new WeakMap<SampleItem, { open: OpenOrder; alt: number }>();
  const resolveOpenOrders = () => {
    const dayFirst = new Set<OpenOrder>();
    for (const o of openOrders) {
      // Day/month when only day/month dates decided it; month/day (as assumed) when only month/day ones did, or none.
      const dmy = !!o.dayFirst && !o.monthFirst;
      if (dmy) dayFirst.add(o);
      for (const [mdyDay, p] of o.pending) {
        const d = dmy ? p.alt : mdyDay;
        let c = days.get(d);
        if (!c) days.set(d, (c = zero()));
        for (const l of SENTIMENT_LABELS) c[l] += p.c[l];
      }
      o.pending.clear();
      const decided: DateFormat = { ...o.format, orderAssumed: undefined };
      if (o.dayFirst && o.monthFirst) (decided.orderMixed = true), (decided.order = undefined);
      else decided.order = dmy ? 'dmy' : 'mdy';
      const by = o.dayFirst && o.monthFirst ? '' : o.dayFirst ?? o.monthFirst;
      const note = o.dayFirst || o.monthFirst
        ? describeDateFormat(o.column, decided)?.concat(by ? `, decided by later rows such as ${by}` : '')
        : describeDateFormat(o.column, o.format);
      const named = note && o.file ? `${o.file}: ${note}` : note;
      if (named && !dateNotes.includes(named)) dateNotes.push(named);
    }
    if (dayFirst.size) {
      for (const it of reservoir.items) {
        const p = pendingSample.get(it);
        if (p && dayFirst.has(p.open)) it.day = p.alt;
      }
    }
  };
  // categories
  const cats = new Map<string, { values: Map<string, { c: LabelCounts; pos: number }>; merged: boolean }>();
  // rating
  let ratingInfo: { column: string; scale: RatingScale } | undefined;
  const matrix: Record<SentimentLabel, LabelCounts> = { negative: zero(), neutral: zero(), positive: zero() };
  // sums per (column, scale): averages on different scales are never mixed
  const ratingGroups = new Map<string, { column: string; scale: RatingScale; sums: LabelCounts; ns: LabelCounts; rated: number }>();
  let rated = 0;
  let longItems = 0;
  const ratingColumns = new Set<string>();
  const disagree = new TopK<ItemResult & { rating: number; expected: SentimentLabel }>(k);
  const tallies: { tally: RatingTally<ItemResult>; summary: FileSummary }[] = [];
  // aspects
  let contrastive = 0, clausesClassified = 0;
  const aspectStats = new Map<string, AspectStat>();
  const clauseUses = new Map<string, WordUse>();
  const contrastExamples = new TopK<ContrastExample>(k);

  const summaries: FileSummary[] = [];
  const warnings: string[] = [...skipped];
  let bytesBefore = 0;
  let lastProgress = 0;
  const progress = (bytesDone: number, phase: AnalyzeProgress['phase'], force = false) => {
    const now = Date.now();
    if (!opts.onProgress || (!force && now - lastProgress < 100)) return;
    lastProgress = now;
    opts.onProgress({ itemsDone: total, bytesDone, bytesTotal, phase });
  };

  try {
    progress(0, 'reading', true);
    // Pipeline: items are gathered into chunks of `chunkSize`; each chunk (its texts plus the clauses of
    // its contrastive items, in one request) is sent to the classifier at once, and up to `inFlight`
    // chunks are outstanding while the next ones are read and the finished ones aggregated, so the model
    // never waits for this thread. Results are consumed in input order.
    interface FileCtx {
      dateCol?: string;
      dateFormat?: DateFormat;
      open?: OpenOrder;
      ratingCol?: string;
      /** The file's rating values, tallied on every scale until all are read (the sample only suggests one). */
      tally?: RatingTally<ItemResult>;
      catCols: string[];
    }
    interface Chunk {
      items: FeedbackItem[];
      clauses: { item: number; clause: string }[];
      /** --explain: each item's occluded units, whose variants follow the clauses in the request. */
      occluded: { item: number; units: TextUnit[] }[];
      bytesDone: number;
      ctx: FileCtx;
      scores: Promise<SentimentScores[]>;
    }
    const queue: Chunk[] = [];
    // The first chunks are small so the model starts within milliseconds; they double up to chunkSize
    // (larger chunks sort by length better, so batches carry less padding).
    let nextChunk = Math.min(chunkSize, 256);
    // Slices of synchronous work stay short (this loop runs on the model worker's thread, which also answers cancel and other requests).
    const loopTick = yielder();
    const submit = async (items: FeedbackItem[], bytesDone: number, ctx: FileCtx) => {
      const texts: string[] = new Array(items.length);
      const clauses: Chunk['clauses'] = [];
      const occluded: Chunk['occluded'] = [];
      for (let i = 0; i < items.length; i++) {
        const y = loopTick();
        if (y) await y;
        // The tokenizer normalizes whitespace itself: only overlong texts need cutting.
        texts[i] = classifiable(items[i].text);
        if (doAspects) for (const c of contrastUnits(items[i].text)) clauses.push({ item: i, clause: c });
        if (explainAll) occluded.push({ item: i, units: occlusionUnits(texts[i]) });
      }
      for (const c of clauses) texts.push(classifiable(c.clause));
      for (const o of occluded) for (const u of o.units) texts.push(withoutUnit(texts[o.item], u));
      const scores = opts.classifier.classify(texts, { signal });
      scores.catch(() => undefined); // awaited (and rethrown) in order by consume()
      queue.push({ items, clauses, occluded, bytesDone, ctx, scores });
    };

    const consume = async (chunk: Chunk) => {
      const { items, ctx } = chunk;
      const { dateCol, dateFormat, ratingCol, tally, catCols } = ctx;
      const all = await chunk.scores;
      throwIfAborted(signal);
      const variants = chunk.occluded.reduce((a, o) => a + o.units.length, 0);
      if (all.length !== items.length + chunk.clauses.length + variants) {
        throw new Error(`classifier returned ${all.length} results for ${items.length + chunk.clauses.length + variants} texts`);
      }
      const results: ItemResult[] = new Array(items.length);
      // --explain: every item's drivers, its runs of words (long texts) named by a word in one more call (nameRuns)
      let drivers: Map<number, Driver[]> | undefined;
      if (chunk.occluded.length) {
        const found: Driver[][] = [];
        const explained: { text: string; scores: SentimentScores }[] = [];
        let at = items.length + chunk.clauses.length;
        for (const o of chunk.occluded) {
          const s = scoresOf(all[o.item]);
          found.push(topDrivers(occlusionWeights(o.units, s, topLabel(s), all.slice(at, (at += o.units.length)))));
          explained.push({ text: classifiable(items[o.item].text), scores: s });
        }
        await nameRuns(opts.classifier, explained, found, signal);
        drivers = new Map(chunk.occluded.map((o, k) => [o.item, found[k]]));
      }
      let lines = '';
      // this chunk's items kept in the theme sample: their clauses' labels are added below
      const sampled = new Map<number, SampleItem>();
      for (let i = 0; i < items.length; i++) {
        const y = loopTick();
        if (y) await y;
        const it: FeedbackItem = items[i];
        const s = scoresOf(all[i]);
        const label = topLabel(s);
        const score = s[label];
        const r: ItemResult = { source: it.source, line: it.line, text: it.text, label, score, scores: s };
        const d = drivers?.get(i);
        if (d) r.drivers = d;
        if (it.fields && Object.keys(it.fields).length) {
          r.fields = it.fields;
          if (fieldNames.length < MAX_FIELD_NAMES) {
            for (const name of Object.keys(it.fields)) {
              if (!fieldSet.has(name) && fieldNames.length < MAX_FIELD_NAMES) (fieldSet.add(name), fieldNames.push(name));
            }
          }
        }
        results[i] = r;
        lines += JSON.stringify(r) + '\n';
        total++;
        counts[label]++;
        scoreSums.negative += s.negative;
        scoreSums.neutral += s.neutral;
        scoreSums.positive += s.positive;
        confSum += score;
        // the same text posted many times ("Great app!", "默认好评") is listed once (its key only made when listed)
        let sameKey: string | undefined;
        const same = () => (sameKey ??= it.text.replace(/\s+/g, ' ').trim().toLowerCase());
        if (label === 'positive' && topPos.wouldKeep(s.positive)) topPos.offer(s.positive, r, same());
        if (label === 'negative' && topNeg.wouldKeep(s.negative)) topNeg.offer(s.negative, r, same());
        if (score < threshold) {
          lowCount++;
          if (lowConf.wouldKeep(-score)) lowConf.offer(-score, r, same());
        }
        let day: number | undefined;
        let altDay: number | undefined;
        if (dateCol) {
          const raw = it.fields?.[dateCol] ?? '';
          day = parseDate(raw, dateFormat);
          const open = ctx.open;
          if (open && day !== undefined) {
            // the sampled rows left the order open (month/day assumed): a later date may decide it
            if (onlyDayFirst(raw)) open.dayFirst ??= raw.trim();
            else if (onlyMonthFirst(raw)) open.monthFirst ??= raw.trim();
            else altDay = dayFirstReading(raw, dateFormat);
            if (altDay !== undefined && isPlaceholderDay(altDay)) altDay = undefined;
          }
          if (day !== undefined && isPlaceholderDay(day)) (day = undefined), (altDay = undefined), placeholders++;
          if (day === undefined) undated++;
          else if (altDay !== undefined) {
            let p = open!.pending.get(day);
            if (!p) open!.pending.set(day, (p = { alt: altDay, c: zero() }));
            p.c[label]++;
          } else {
            let d = days.get(day);
            if (!d) days.set(day, (d = zero()));
            d[label]++;
          }
        }
        for (const c of catCols) {
          const v = (it.fields?.[c] ?? '').trim() || '(empty)';
          let cs = cats.get(c);
          if (!cs) cats.set(c, (cs = { values: new Map(), merged: false }));
          let e = cs.values.get(v);
          if (!e) {
            if (cs.values.size >= MAX_CATEGORY_VALUES) {
              cs.merged = true;
              e = cs.values.get('(other)');
              if (!e) cs.values.set('(other)', (e = { c: zero(), pos: 0 }));
            } else cs.values.set(v, (e = { c: zero(), pos: 0 }));
          }
          e.c[label]++;
          e.pos += s.positive;
        }
        if (ratingCol && tally) tally.add(parseRating(it.fields?.[ratingCol] ?? '') ?? NaN, label, score, () => r, same);
        if (doThemes) {
          if (it.text.length > MAX_SAMPLE_TEXT) longItems++;
          const kept = reservoir.offerLazy(() => ({ text: clip(it.text, MAX_SAMPLE_TEXT), source: it.source, line: it.line, label, score, day }));
          if (kept) sampled.set(i, kept);
          if (kept && altDay !== undefined) pendingSample.set(kept, { open: ctx.open!, alt: altDay });
        }
      }
      const written = sink.write(lines);

      if (chunk.clauses.length) {
        clausesClassified += chunk.clauses.length;
        const byItem = new Map<number, { text: string; label: SentimentLabel; score: number }[]>();
        for (let j = 0; j < chunk.clauses.length; j++) {
          const y = loopTick();
          if (y) await y;
          const c = chunk.clauses[j];
          const cs = all[items.length + j];
          const label = topLabel(cs);
          const score = Number(cs[label]);
          const item = results[c.item];
          let arr = byItem.get(c.item);
          if (!arr) byItem.set(c.item, (arr = []));
          arr.push({ text: c.clause, label, score });
          // a clause counts once for an aspect however many of its words it uses ("fast shipping, quick delivery")
          const named = new Set<string>();
          for (const term of extractTerms(c.clause, clauseUses)) {
            const g = themeGroupKey(term.key);
            if (named.has(g)) continue;
            named.add(g);
            let a = aspectStats.get(term.key);
            if (!a) {
              if (aspectStats.size >= MAX_ASPECT_KEYS) continue;
              aspectStats.set(term.key, (a = { counts: zero(), surfaces: new Map() }));
            }
            a.counts[label]++;
            // the written forms ("Windows", "PC", "series"), a few per aspect, for display
            if (a.surfaces.size < 4 || a.surfaces.has(term.surface)) a.surfaces.set(term.surface, (a.surfaces.get(term.surface) ?? 0) + 1);
            if (label === 'positive') a.praised = keepExample(a.praised, { clause: c.clause, source: item.source, line: item.line, s: score });
            if (label === 'negative') a.criticized = keepExample(a.criticized, { clause: c.clause, source: item.source, line: item.line, s: score });
          }
        }
        for (const [idx, cl] of byItem) {
          const item = results[idx];
          contrastive++;
          const kept = sampled.get(idx);
          if (kept) kept.clauses = cl.map((c) => ({ text: c.text, label: c.label, score: c.score }));
          const labels = new Set(cl.map((c) => c.label));
          // Most informative examples: clauses with opposite polarities, confidently; then a few clauses over many
          // sentences (the list shows each one).
          const mixed = labels.has('positive') && labels.has('negative');
          const strength = (mixed ? 2 : 0) + (cl.length <= 4 ? 1 : 0) + Math.min(...cl.map((c) => c.score)) / 2;
          if (contrastExamples.wouldKeep(strength)) contrastExamples.offer(strength, { source: item.source, line: item.line, text: clip(item.text, 400), label: item.label, clauses: cl }, item.text.replace(/\s+/g, ' ').trim().toLowerCase());
        }
      }
      await written;
      progress(chunk.bytesDone, chunk.clauses.length ? 'aspects' : 'classifying');
    };
    /** Consumes finished chunks until at most `keep` are outstanding. */
    const drain = async (keep: number) => {
      while (queue.length > keep) {
        await consume(queue[0]);
        queue.shift();
      }
    };

    try {
      const wideFiles: { file: string; fields: string[] }[] = [];
      // A wide export: the per-item CSV keeps MAX_FIELD_NAMES columns, so the ones the report uses (each file's date,
      // rating and category columns) go first, chosen before any item so the order is the same on every run.
      const allFields = new Set(opened.flatMap((f) => fileRoles(f).fileFields));
      if (allFields.size > MAX_FIELD_NAMES) {
        for (const f of opened) {
          const r = fileRoles(f);
          for (const c of [r.dateCol, r.ratingCol, ...r.catCols]) if (c && !fieldSet.has(c) && fieldNames.length < MAX_FIELD_NAMES) (fieldSet.add(c), fieldNames.push(c));
        }
      }
      for (const f of opened) {
        const t = f.table;
        const { isText, dateCol, ratingCol, catCols, fileFields } = fileRoles(f);
        if (dateCol) dateColumns.add(dateCol);
        // The date column's reading (day/month order, numbers) was decided from the sampled rows: every row uses it.
        const dateFormat = dateCol ? t?.dateFormat : undefined;
        // with several files, each file's reading of its dates is named (two files may read them differently)
        const noteFile = opened.length > 1 ? f.file : undefined;
        const open: OpenOrder | undefined = dateCol && dateFormat?.orderAssumed ? { column: dateCol, format: dateFormat, file: noteFile, pending: new Map() } : undefined;
        if (open) openOrders.push(open);
        // (an open order is described once the file has been read)
        const plainNote = dateCol && !open ? describeDateFormat(dateCol, dateFormat) : undefined;
        const dateNote = plainNote && noteFile ? `${noteFile}: ${plainNote}` : plainNote;
        if (dateNote && !dateNotes.includes(dateNote)) dateNotes.push(dateNote);
        if (!dateCol && t?.unreadableDateColumn && !isText(t.unreadableDateColumn)) {
          // the example is a value that was not read (not a date that was): what to fix in the export
          const col = t.columns.find((c) => c.name === t.unreadableDateColumn);
          const some = col && col.dateRatio > 0 ? `${Math.round((1 - col.dateRatio) * 100)}% of its values` : 'its values';
          const w = `${f.file}: date column ${t.unreadableDateColumn} found, but ${some} could not be read as dates (e.g. ${JSON.stringify(col?.notADate ?? col?.examples[0] ?? '')}); no sentiment over time`;
          warnings.push(w);
          log('warn', w);
        }
        // Several columns look like feedback and none was chosen: say which one was read and how to choose.
        if (t?.ambiguous && opts.column === undefined && f.textColumns?.length === 1) {
          const others = t.candidates.filter((c) => c !== f.textColumn && c !== t.ratingColumn && c !== t.dateColumn && t.columns.find((x) => x.name === c)?.kind === 'text').slice(0, 3);
          if (others.length) {
            const what = t.format === 'json' || t.format === 'jsonl' ? 'field' : 'column';
            const w = `${f.file}: the text was read from the ${what} ${JSON.stringify(f.textColumn)}, but ${others.map((c) => JSON.stringify(c)).join(', ')} ${others.length === 1 ? 'looks' : 'look'} like feedback too; --column NAME chooses (several, comma-separated, are read together)`;
            warnings.push(w);
            log('warn', w);
          }
        }
        const tally = ratingCol ? new RatingTally<ItemResult>(ratingCol, k) : undefined;
        const ctx: FileCtx = { dateCol, dateFormat, open, ratingCol, tally, catCols };
        let fileItems = 0;
        let buf: FeedbackItem[] = [];
        let lastBytes = 0;
        for await (const batch of f.batches()) {
          throwIfAborted(signal);
          for (const it of batch.items) buf.push(it);
          fileItems += batch.items.length;
          lastBytes = batch.bytesDone;
          if (buf.length >= nextChunk) {
            await submit(buf, bytesBefore + lastBytes, ctx);
            buf = [];
            nextChunk = Math.min(chunkSize, nextChunk * 2);
            await drain(inFlight);
          }
        }
        if (buf.length) await submit(buf, bytesBefore + f.bytesTotal, ctx);
        await drain(inFlight);
        const summary: FileSummary = { file: f.file, format: f.format, encoding: f.encoding, items: fileItems, textColumn: f.textColumn, dateColumn: dateCol, ratingColumn: ratingCol, categoryColumns: catCols.length ? catCols : undefined };
        summaries.push(summary);
        if (tally) tallies.push({ tally, summary });
        for (const w of f.stats.warnings) {
          warnings.push(w);
          log('warn', w);
        }
        if (fileFields.length) wideFiles.push({ file: f.file, fields: fileFields });
        log('info', `${f.file}: ${fileItems} items (${f.format}, ${f.encoding}${f.textColumn ? `, text column "${f.textColumn}"` : ''})`);
        bytesBefore += f.bytesTotal;
      }
      await drain(0);
      resolveOpenOrders();
      // each file's rating column on the scale all its values decide (files in order, as their items were read)
      for (const { tally, summary } of tallies) {
        const got = tally.totals();
        if (!got) {
          delete summary.ratingColumn; // 0/1 or shares throughout: no rating
          continue;
        }
        if (got.strays) {
          const w = `${summary.file}: ${got.strays} value${got.strays === 1 ? '' : 's'} above 5 in the rating column "${tally.column}" left out as ${got.strays === 1 ? 'a typo' : 'typos'}: the other values are 0/1-5 stars`;
          warnings.push(w);
          log('warn', w);
        }
        ratingInfo ??= { column: tally.column, scale: got.scale };
        ratingColumns.add(tally.column);
        rated += got.rated;
        const key = `${tally.column}\u0000${got.scale.min}-${got.scale.max}${got.scale.nps ? ' nps' : ''}`;
        let grp = ratingGroups.get(key);
        if (!grp) ratingGroups.set(key, (grp = { column: tally.column, scale: got.scale, sums: zero(), ns: zero(), rated: 0 }));
        grp.rated += got.rated;
        for (const e of SENTIMENT_LABELS) {
          for (const l of SENTIMENT_LABELS) matrix[e][l] += got.matrix[e][l];
          grp.sums[e] += got.sums[e];
          grp.ns[e] += got.ns[e];
        }
        for (const d of got.disagreements) if (disagree.wouldKeep(d.key)) disagree.offer(d.key, d.value, d.id);
      }
      // (every item consumed: the kept columns are known)
      for (const { file, fields } of wideFiles) {
        const notKept = fields.filter((c) => !fieldSet.has(c));
        if (!notKept.length || fieldNames.length < MAX_FIELD_NAMES) continue;
        const w = `${file}: ${notKept.length} of its ${fields.length} other columns (${notKept.slice(0, 3).map((c) => JSON.stringify(c)).join(', ')}${notKept.length > 3 ? ', …' : ''}) are not in the per-item CSV, which keeps ${MAX_FIELD_NAMES} columns (the date, rating and category columns first); the jsonl and json outputs keep them all`;
        warnings.push(w);
        log('warn', w);
      }
    } finally {
      queue.length = 0;
    }
    await sink.close();
  } catch (e) {
    sink.destroy();
    await fsp.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    if (signal?.aborted && !(e instanceof UserError)) throw new CancelledError();
    throw e;
  }

  try {
    if (explainScope === 'listed') {
      // The driving words of the items the report lists, in one more classifier call (a few dozen texts).
      const listed = [...topPos.sorted(), ...topNeg.sorted(), ...lowConf.sorted(), ...disagree.sorted()].filter((r) => !r.drivers);
      const byKey = new Map<string, ItemResult[]>();
      for (const r of listed) {
        const key = `${r.source}\0${r.line}`;
        const same = byKey.get(key);
        if (same) same.push(r);
        else byKey.set(key, [r]);
      }
      const groups = [...byKey.values()];
      const drivers = await explainScored(opts.classifier, groups.map(([r]) => ({ text: classifiable(r.text), scores: r.scores })), { signal });
      groups.forEach((g, i) => g.forEach((r) => (r.drivers = drivers[i])));
    }
    progress(bytesTotal, 'themes', true);
    throwIfAborted(signal);
    const sample = reservoir.items;
    const tick = yielder();
    // Without themes the sample is empty and these return at once.
    const terms = await sampleTerms(sample, tick);
    throwIfAborted(signal);
    const keyed = await computeThemes(sample, total, 15, tick, terms);
    throwIfAborted(signal);
    const themes: Theme[] = keyed.filter((t) => !t.product).map(({ key, product, ...t }) => (void key, void product, t));
    const productThemes: Theme[] = keyed.filter((t) => t.product).map(({ key, product, ...t }) => (void key, void product, t));
    const productKeys = new Set(keyed.filter((t) => t.product).map((t) => themeGroupKey(t.key)));
    const aspects = {
      contrastiveItems: contrastive,
      clausesClassified,
      // a word used as a verb or an adjective in the clauses and the themes' sample ("read", "watch", "delicious") is no
      // aspect, nor, as it is no theme, a word in most items or the product itself ("book" in book reviews, 手机 in phone
      // reviews: the themes' productThemes)
      findings: computeAspects(aspectStats, 12, (k) => addUses(clauseUses.get(k), terms.uses.get(k)), (k) => productKeys.has(themeGroupKey(k)) || (sample.length >= 20 && (terms.df.get(k) ?? 0) > Math.floor(sample.length * MAX_DF_SHARE)),
        // written as the themes write it (the sample's most frequent form: "MacBook" in both, not "macbook" here)
        (k) => (terms.surfaces.get(k)?.size ? terms.surfaces.get(k) : undefined)),
      examples: contrastExamples.sorted(),
    };

    let time: AnalysisResult['time'];
    if (days.size) {
      let minDay = Infinity, maxDay = -Infinity;
      for (const d of days.keys()) (minDay = Math.min(minDay, d)), (maxDay = Math.max(maxDay, d));
      // Weeks, months or (long spans) years: days are 1970-2100 without placeholders, so at most 131 year rows.
      const g = chooseGranularity(minDay, maxDay, days.keys());
      const buckets = new Map<number, LabelCounts>(bucketRange(minDay, maxDay, g).map((b) => [b, zero()]));
      for (const [d, c] of days) {
        const b = buckets.get(bucketOf(d, g));
        if (!b) continue; // beyond MAX_BUCKETS: cannot happen for year buckets of 1970-2100
        for (const l of SENTIMENT_LABELS) b[l] += c[l];
      }
      const list: TimeBucket[] = [...buckets].map(([start, c]) => {
        const n = c.negative + c.neutral + c.positive;
        return { start: isoDate(start), label: bucketLabel(start, g), counts: c, total: n, negativeShare: n ? c.negative / n : 0 };
      });
      // "Themes that grew" compares the halves of the dated theme sample split at its median day.
      const sampleDays: number[] = [];
      for (const it of sample) if (it.day !== undefined) sampleDays.push(it.day);
      const half = medianSplit(sampleDays);
      const split = half && { lastEarly: isoDate(half.lastEarly), firstLate: isoDate(half.firstLate), earlyItems: half.early, lateItems: half.late, minItems: MIN_HALF_ITEMS };
      const grew = half && half.early >= MIN_HALF_ITEMS && half.late >= MIN_HALF_ITEMS ? await growingThemes(sample, terms.sets, keyed.filter((t) => !t.product), half.lastEarly, MIN_HALF_ITEMS, tick) : [];
      time = { columns: [...dateColumns], granularity: g, buckets: list, undated, ...(placeholders ? { placeholders } : {}), ...(dateNotes.length ? { notes: dateNotes } : {}), growingThemes: grew, ...(split && doThemes ? { split } : {}) };
    } else if (dateColumns.size && undated) {
      const w = `date column ${[...dateColumns].join(', ')}: none of ${undated} item${undated === 1 ? '' : 's'} had a readable date${placeholders ? ` (${placeholders} placeholder date${placeholders === 1 ? '' : 's'} such as 1970-01-01)` : ''}; no sentiment over time`;
      warnings.push(w);
      log('warn', w);
    }

    const categories: CategoryBreakdown[] = [...cats].map(([column, cs]) => ({
      column,
      merged: cs.merged,
      rows: [...cs.values]
        .map(([value, e]) => {
          const n = e.c.negative + e.c.neutral + e.c.positive;
          return { value, counts: e.c, total: n, negativeShare: n ? e.c.negative / n : 0, averagePositive: n ? e.pos / n : 0 };
        })
        // most items first; among equal counts (a set balanced by design), the most negative first
        .sort((a, b) => b.total - a.total || b.counts.negative - a.counts.negative || a.value.localeCompare(b.value)),
    }));

    let rating: RatingAgreement | undefined;
    if (ratingInfo && rated) {
      // With two-way labels no text is neutral: ratings in the middle of the scale are left out of the agreement.
      const counted = opts.twoWay ? (['negative', 'positive'] as const) : SENTIMENT_LABELS;
      let agree = 0, base = 0;
      for (const l of counted) {
        agree += matrix[l][l];
        base += matrix[l].negative + matrix[l].neutral + matrix[l].positive;
      }
      const averages = (g: { sums: LabelCounts; ns: LabelCounts }) => ({
        negative: g.ns.negative ? g.sums.negative / g.ns.negative : null,
        neutral: g.ns.neutral ? g.sums.neutral / g.ns.neutral : null,
        positive: g.ns.positive ? g.sums.positive / g.ns.positive : null,
      });
      const scales = [...ratingGroups.values()].map((g) => ({ column: g.column, scale: g.scale, rated: g.rated, averageRatingByLabel: averages(g), ratedByLabel: { ...g.ns } }));
      rating = {
        column: [...ratingColumns].join(', '),
        scale: scales[0]?.scale ?? ratingInfo.scale,
        rated,
        agreement: base ? agree / base : 0,
        agreementBase: base,
        matrix,
        averageRatingByLabel: scales[0]?.averageRatingByLabel ?? { negative: null, neutral: null, positive: null },
        ratedByLabel: scales[0]?.ratedByLabel ?? { negative: 0, neutral: 0, positive: 0 },
        scales,
        disagreements: disagree.sorted(),
      };
    }

    const durationMs = Date.now() - t0;
    const div = (a: number) => (total ? a / total : 0);
    const result: AnalysisResult = {
      inputs,
      files: summaries,
      model: { id: opts.classifier.modelId, device: opts.classifier.device },
      startedAt: new Date(t0).toISOString(),
      durationMs,
      itemsPerSecond: durationMs > 0 ? (total * 1000) / durationMs : total,
      total,
      counts,
      shares: { negative: div(counts.negative), neutral: div(counts.neutral), positive: div(counts.positive) },
      averageConfidence: div(confSum),
      averageScores: { negative: div(scoreSums.negative), neutral: div(scoreSums.neutral), positive: div(scoreSums.positive) },
      lowConfidenceThreshold: threshold,
      lowConfidenceCount: lowCount,
      mostPositive: topPos.sorted(),
      mostNegative: topNeg.sorted(),
      lowConfidence: lowConf.sorted(),
      themes,
      ...(productThemes.length ? { productThemes } : {}),
      themeSample: sample.length,
      ...(longItems ? { themeClippedItems: longItems } : {}),
      aspects,
      time,
      categories,
      rating,
      fieldNames,
      explained: explainScope,
      ...(opts.twoWay ? { twoWay: true } : {}),
      warnings,
      itemsFile,
    };
    progress(bytesTotal, 'done', true);
    return result;
  } catch (e) {
    await fsp.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

/** A clause that praises or criticizes an aspect, with the model's score for its label. */
export interface AspectExample {
  clause: string;
  source: string;
  line: number;
  s: number;
}

/** Per-aspect counts while clauses are classified: keyed by the folded term, shown by its most frequent written form. */
export interface AspectStat {
  counts: LabelCounts;
  surfaces: Map<string, number>;
  /** The clauses that praise / criticize it most confidently, best first (ASPECT_EXAMPLES at most). */
  praised?: AspectExample[];
  criticized?: AspectExample[];
}

/**
 * Examples kept per aspect and side: the best, and runners-up for when a higher-ranked aspect already shows the best
 * one's review (a review naming the keyboard and the screen was the example of both).
 */
const ASPECT_EXAMPLES = 3;

/** `list` with `ex` among its ASPECT_EXAMPLES most confident examples (one per review: its most confident clause). */
function keepExample(list: AspectExample[] | undefined, ex: AspectExample): AspectExample[] {
  const l = list ?? [];
  const same = l.findIndex((e) => e.line === ex.line && e.source === ex.source);
  if (same >= 0) {
    if (l[same].s >= ex.s) return l;
    l.splice(same, 1);
  }
  if (l.length >= ASPECT_EXAMPLES && l[l.length - 1].s >= ex.s) return l;
  let i = l.length;
  while (i > 0 && l[i - 1].s < ex.s) i--;
  l.splice(i, 0, ex);
  if (l.length > ASPECT_EXAMPLES) l.pop();
  return l;
}

/** The most frequent written form of an aspect ("PC", not its key "pc"; "windows", not "window"). */
function aspectName(key: string, surfaces: Map<string, number>): string {
  let best = key, n = 0;
  for (const [f, c] of surfaces) if (c > n || (c === n && f < best)) (best = f), (n = c);
  return best;
}

/**
 * The aspects of mixed feedback, most praised and criticized first. `use`: how the feedback uses a word (one used as a
 * verb or an adjective is no aspect); `everywhere`: whether a term is in most items (the product itself), no aspect either;
 * `forms`: a term's written forms with their counts over all the feedback, which name it (else its clauses' forms do).
 * Each aspect's example comes from a review no aspect ranked above it shows, when another of its clauses reads as well.
 */
export function computeAspects(stats: Map<string, AspectStat>, limit = 12, use?: (key: string) => WordUse | undefined, everywhere?: (key: string) => boolean, forms?: (key: string) => Map<string, number> | undefined): AspectFinding[] {
  // Variants are one aspect, as in themes: "log in" / "login", and a product word in both languages ("sync / 同步").
  type Group = { keys: string[]; counts: LabelCounts; praised?: AspectExample[]; criticized?: AspectExample[] };
  const groups = new Map<string, Group>();
  const total = (v: AspectStat) => v.counts.negative + v.counts.neutral + v.counts.positive;
  for (const [k, v] of stats) {
    if (use && !k.includes(' ') && notATopic(use(k))) continue;
    if (everywhere?.(k)) continue;
    const g = themeGroupKey(k);
    let e = groups.get(g);
    if (!e) groups.set(g, (e = { keys: [], counts: zero() }));
    e.keys.push(k);
    for (const l of SENTIMENT_LABELS) e.counts[l] += v.counts[l];
    // (keepExample starts a list of its own: the stats' lists are not changed)
    for (const x of v.praised ?? []) e.praised = keepExample(e.praised, x);
    for (const x of v.criticized ?? []) e.criticized = keepExample(e.criticized, x);
  }
  // each group under its most mentioned key
  const mentions = new Map<string, number>();
  const byRep = new Map<string, Group>();
  for (const e of groups.values()) {
    // a participle joins the aspect of its word ("synced" that of "sync") and is none alone
    if (e.keys.every(joinsThemeOnly)) continue;
    e.keys.sort((a, b) => Number(joinsThemeOnly(a)) - Number(joinsThemeOnly(b)) || total(stats.get(b)!) - total(stats.get(a)!) || Number(isCjk(a)) - Number(isCjk(b)));
    mentions.set(e.keys[0], e.counts.negative + e.counts.neutral + e.counts.positive);
    byRep.set(e.keys[0], e);
  }
  const keys = selectPhrases(mentions, 2, limit * 2);
  const ranked = keys
    .map((k) => {
      const e = byRep.get(k)!;
      // named as themes are: the other language's name, and distinct Chinese table words merged into it (物流 / 快递)
      const aspect = mergedNames(e.keys, (o) => total(stats.get(o)!) >= 2).map((o) => aspectName(o, forms?.(o) ?? stats.get(o)!.surfaces)).join(' / ');
      return { aspect, mentions: mentions.get(k)!, counts: e.counts, e };
    })
    .filter((f) => f.counts.negative + f.counts.positive > 0)
    .sort((a, b) => b.counts.negative + b.counts.positive - (a.counts.negative + a.counts.positive) || b.mentions - a.mentions)
    .slice(0, limit);
  // Examples in rank order: a review an aspect above already shows is taken again only when no other clause of that
  // side reads as well (long enough to say something, not too long to read).
  const shown = new Set<string>();
  const at = (x: AspectExample) => `${x.source}\u0000${x.line}`;
  const size = (t: string) => t.length + (t.match(/\p{Script=Han}/gu)?.length ?? 0);
  const reads = (x: AspectExample) => size(x.clause) >= 16 && size(x.clause) <= 300;
  const pick = (list: AspectExample[] | undefined) => {
    if (!list?.length) return undefined;
    const score = (x: AspectExample) => (reads(x) ? 2 : 0) + (shown.has(at(x)) ? 0 : 1);
    return list.reduce((b, x) => (score(x) > score(b) ? x : b));
  };
  const strip = (x?: AspectExample) => (x ? { clause: x.clause, source: x.source, line: x.line } : undefined);
  return ranked.map(({ e, ...f }) => {
    const mostlyPraised = f.counts.positive > f.counts.negative;
    const first = pick(mostlyPraised ? e.praised : e.criticized) ?? pick(mostlyPraised ? e.criticized : e.praised);
    if (first) shown.add(at(first));
    const praised = e.praised?.includes(first!) ? first : pick(e.praised);
    const criticized = e.criticized?.includes(first!) ? first : pick(e.criticized);
    return { ...f, praised: strip(praised), criticized: strip(criticized) };
  });
}

/** The example the report shows for an aspect: a clause of the side most of its clauses take (praise for one mostly praised). */
export function shownAspectExample(f: AspectFinding): AspectFinding['praised'] {
  return f.counts.positive > f.counts.negative ? (f.praised ?? f.criticized) : (f.criticized ?? f.praised);
}

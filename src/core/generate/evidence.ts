// Evidence for grounded generation: feedback items with the file and line they came from.
// Sources: feedback files (.txt .md .csv .tsv .json .jsonl), read by the same readers as Analyze Feedback (the same
// texts at the same file:line), and feedback-analysis results (a CSV/JSON/JSONL with source + line + text [+ sentiment]
// columns, as written under .product-forge/reports/<run>/), whose items keep the citation of the original file.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { cleanCellText } from '../readers/clean';
import { ratingNamed } from '../readers/columns';
import { looksBinary, openText, sniffEncoding, type OpenedText } from '../readers/decode';
import { DEFAULT_MAX_JSON_BYTES, flattenRecord } from '../readers/json';
import { pathExists } from '../fsutil';
import { rng } from './text';
import {
  formatOf,
  isReadFileInFolder,
  listFeedbackInputs,
  notReadNote,
  openFeedbackFile,
  outputSkippedNote,
  productForgeOutputKind,
  ratingScale,
  sniffFormat,
  SUPPORTED_EXTENSIONS,
  tableTextColumns,
  unreadableSkippedNote,
  type OpenedFeedbackFile,
  type TableInspection,
} from '../readers';
import { CancelledError, SENTIMENT_LABELS, UserError, throwIfAborted, type SentimentLabel } from '../types';

export interface EvidenceItem {
  /** Stable id used in prompts and citations: E1, E2, ... */
  id: string;
  /** Path of the file the text comes from (as given, or as recorded by the analysis). */
  source: string;
  /** 1-based line of the item in `source`. */
  line: number;
  text: string;
  /** Other columns / fields (attributes for personas, ratings, dates). */
  fields: Record<string, string>;
  /** Sentiment from an analysis results file or a sentiment column, when known. */
  sentiment?: SentimentLabel;
}

export interface EvidenceSet {
  items: EvidenceItem[];
  /** Files read, with how many items each gave. */
  files: { path: string; items: number; kind: 'feedback' | 'analysis' }[];
  /** Categorical columns usable as persona attributes (2..12 distinct values). */
  attributes: string[];
  /** A numeric rating column, named as the readers name one (rating, stars, score, NPS, 评分…), when present. */
  ratingField?: string;
  /** All the items read, when `items` is a sample of them. */
  totalItems?: number;
  /** What the reader decided that the user should know (a file given twice, a sample, a report read as its results). */
  notes?: string[];
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;
const TEXT_COLUMNS = ['text', 'feedback', 'comment', 'comments', 'review', 'review_text', 'body', 'message', 'content', 'verbatim', 'response', 'answer', 'quote', 'description', 'note', 'notes'];
const SOURCE_COLUMNS = ['source', 'file', 'source_file', 'path'];
const LINE_COLUMNS = ['line', 'source_line', 'line_number', 'row'];
const SENTIMENT_COLUMNS = ['sentiment', 'label', 'predicted', 'prediction', 'predicted_label'];
/** Columns analyze adds beside the text (src/core/analysis/writers.ts). */
const ANALYSIS_COLUMNS = new Set(['label', 'score', 'scores', 'negative', 'neutral', 'positive', 'drivers']);

/** Reads a whole text file with encoding detection (UTF-8/16 with or without BOM, GB18030). */
export async function readTextFile(file: string): Promise<string> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st) throw new UserError(`${file}: no such file`);
  if (st.isDirectory()) throw new UserError(`${file} is a folder; give a file`);
  if (st.size > MAX_FILE_BYTES) throw new UserError(`${file} is larger than 50 MB`);
  const buf = await fsp.readFile(file);
  const enc = sniffEncoding(buf);
  const text = new TextDecoder(enc.encoding).decode(buf.subarray(enc.bomLength));
  if (looksBinary(text.slice(0, 65536))) throw new UserError(`${file} looks like a binary file, not text; give a text, Markdown, CSV or JSON file`);
  return text;
}

const norm = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

function asSentiment(v: string | undefined): SentimentLabel | undefined {
  const s = v?.trim().toLowerCase();
  return (SENTIMENT_LABELS as readonly string[]).includes(s ?? '') ? (s as SentimentLabel) : undefined;
}

interface RawItem {
  source: string;
  line: number;
  text: string;
  fields: Record<string, string>;
  sentiment?: SentimentLabel;
}

/**
 * How a table's columns read as evidence: analysis results when it names the source and line of each item (their
 * text is then the one named like a text column, "text" in analyze's output), a sentiment column when it has one.
 */
interface EvidenceColumns {
  analysis: boolean;
  /** Product Forge's own results: the model's columns (score, class probabilities, drivers) are no fields. */
  ours: boolean;
  textCol?: string;
  srcCol?: string;
  lineCol?: string;
  sentCol?: string;
}

function evidenceColumns(names: readonly string[]): EvidenceColumns {
  const find = (wanted: string[]) => wanted.map((n) => names.find((h) => norm(h) === n)).find((h) => h !== undefined);
  const srcCol = find(SOURCE_COLUMNS);
  const lineCol = find(LINE_COLUMNS);
  const analysis = !!(srcCol && lineCol);
  // analyze's results (CSV, JSONL, JSON): the label is the sentiment; score (the model's confidence), the class
  // probabilities and the drivers are the model's, not the customer's, so they never become fields (a "score" of
  // 0.71 is not a rating of 0.71 of 5).
  const ours = analysis && names.some((h) => norm(h) === 'label') && names.some((h) => norm(h) === 'score');
  return { analysis, ours, srcCol, lineCol, sentCol: find(SENTIMENT_COLUMNS), textCol: analysis ? find(TEXT_COLUMNS) : undefined };
}

/** An item read by the feedback readers as evidence: an analysis's items keep the file and line they recorded. */
function toRawItem(it: { source: string; line: number; text: string; fields?: Record<string, string> }, cols: EvidenceColumns): RawItem {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(it.fields ?? {})) {
    if (v === '' || (cols.analysis && (k === cols.srcCol || k === cols.lineCol))) continue;
    let key = k;
    if (cols.ours) {
      // JSON results: the row's own columns are under "fields" ({"fields":{"plan":"Pro"}} read as "fields.plan")
      if (k === 'fields' || ANALYSIS_COLUMNS.has(norm(k)) || /^(scores|drivers)\./.test(k)) continue;
      if (k.startsWith('fields.')) key = k.slice('fields.'.length);
    }
    fields[key] = v;
  }
  let { source, line } = it;
  if (cols.analysis) {
    const l = Number(it.fields?.[cols.lineCol!]);
    const s = it.fields?.[cols.srcCol!]?.trim();
    if (s && Number.isInteger(l) && l > 0) {
      source = s;
      line = l;
    }
  }
  return { source, line, text: it.text, fields, sentiment: asSentiment(cols.sentCol ? it.fields?.[cols.sentCol] : undefined) };
}

/**
 * The items of `analyze --format json` output ({"inputs": […], …, "items": [{source, line, text, label, …}]}), their
 * fields flattened as the readers flatten JSON records. The readers take a wrapper's longest array of records, which in
 * an analysis's summary may be its themes or its inputs rather than its items. Loaded whole, as the readers load a .json
 * (up to their size limit; a larger one is left to them, which say why it cannot be read). JSON Lines written as .json
 * (analyze --format jsonl --out results.json), as the readers tell by its start, are theirs to read too.
 */
async function analysisJsonItems(opened: OpenedText, signal?: AbortSignal): Promise<{ source: string; line: number; text: string; fields: Record<string, string> }[] | 'readers' | 'summary'> {
  if (opened.bytesTotal > DEFAULT_MAX_JSON_BYTES || sniffFormat(opened.sample, opened.sampleIsWhole, 'json') === 'jsonl') return 'readers';
  const file = opened.file;
  const parts: string[] = [];
  for await (const c of opened.chunks(signal)) parts.push(c.text);
  let data: unknown;
  try {
    data = JSON.parse(parts.join(''));
  } catch {
    return 'readers'; // the readers say why it cannot be read
  }
  const items = (data as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return 'summary';
  const out: { source: string; line: number; text: string; fields: Record<string, string> }[] = [];
  items.forEach((el, i) => {
    if (!el || typeof el !== 'object' || Array.isArray(el)) return;
    const { text, ...fields } = flattenRecord(el as Record<string, unknown>);
    const t = cleanCellText(text ?? '');
    if (t) out.push({ source: file, line: i + 1, text: t, fields });
  });
  return out;
}

/**
 * Reads one file with the feedback readers Analyze Feedback uses (encodings, CSV dialects, header and text-column
 * detection, wrapped JSON exports, placeholders skipped; the same texts at the same lines), streaming its items to
 * `take`. Analysis results (a table with source and line columns) give their items at the file and line they
 * record, with their sentiment label. The file is opened once: its text columns are chosen from its columns as read.
 */
async function readOne(file: string, take: (it: RawItem) => void, opts: { signal?: AbortSignal; notes: string[]; columns?: string[]; kind: (file: string) => Promise<string | undefined> }): Promise<{ items: number; kind: 'feedback' | 'analysis' }> {
  const { signal } = opts;
  let input: string | OpenedText = file;
  if (formatOf(file) === 'json' && (await opts.kind(file)) === 'analysis results') {
    const opened = await openText(file);
    const items = await analysisJsonItems(opened, signal);
    if (Array.isArray(items)) {
      const cols = evidenceColumns([...new Set(items.flatMap((it) => Object.keys(it.fields))), 'text']);
      for (const it of items) take(toRawItem(it, cols));
      return { items: items.length, kind: cols.analysis ? 'analysis' : 'feedback' };
    }
    // a report's summary.json: counts and a few listed items, not every item (its longest list would pass for the
    // feedback: the 20 least confident items, say)
    if (items === 'summary') throw new UserError(`${file} is an analysis summary: it lists a few items, not every item. Give the report folder or its results.csv (or the feedback files)`);
    input = opened; // the readers read it as it was opened
  }
  const chosen = opts.columns?.length ? opts.columns : undefined;
  const column = (t: TableInspection): string[] | undefined => {
    // an analysis's items are cited at the file and line it recorded for its "text": that column is their text
    const { textCol } = evidenceColumns(t.columns.map((c) => c.name));
    if (textCol) return [textCol];
    if (!chosen) return undefined;
    // the text columns the user chose for this table (Analyze Feedback: Choose Text Columns...), as analyze reads it
    try {
      tableTextColumns(t, chosen);
      return chosen;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      opts.notes.push(`${file}: the text columns chosen for it (${chosen.join(', ')}) cannot be read (${e.message}); its text column is detected instead`);
      return undefined;
    }
  };
  let f: OpenedFeedbackFile;
  try {
    f = await openFeedbackFile(input, { signal, column });
  } catch (e) {
    // generate has no --column: a table whose text column cannot be told is analyzed with one, and its results given
    if (e instanceof UserError && /; pass --column NAME to choose one$/.test(e.message)) {
      throw new UserError(e.message.replace(/; pass --column NAME to choose one$/, '; analyze it with --column NAME and give generate the results (or name the column "text")'));
    }
    throw e;
  }
  const cols = evidenceColumns(f.table ? f.table.columns.map((c) => c.name) : []);
  let n = 0;
  for await (const b of f.batches()) {
    for (const it of b.items) {
      take(toRawItem(it, cols));
      n++;
    }
  }
  opts.notes.push(...f.stats.warnings);
  return { items: n, kind: cols.analysis ? 'analysis' : 'feedback' };
}

/**
 * A report folder analyze wrote: its results file, when it holds one (analysis results by their start: a survey's
 * own results.csv is feedback, and the folder is read as analyze reads it).
 */
async function resultsIn(dir: string, kindOf: (file: string) => Promise<string | undefined>): Promise<string | undefined> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const n of names.filter((x) => /^(results|items)\.(csv|json|jsonl)$/i.test(x)).sort()) {
    if ((await kindOf(path.join(dir, n))) === 'analysis results') return path.join(dir, n);
  }
  return undefined;
}

/**
 * The files one --evidence path stands for. A file is itself, except what Product Forge wrote that is not feedback:
 * a report.md stands for the results file beside it, a generated document is refused. A folder: its analysis results
 * when it is a report folder; the latest report of a folder of reports (.product-forge/reports); else the feedback files
 * in it and its subfolders, by the readers' rule (listFeedbackInputs: dot-folders, node_modules and report folders
 * skipped), less what Product Forge wrote there other than an analysis's results (skipped with analyze's note).
 */
async function expand(p: string, notes: string[], kindOf: (file: string) => Promise<string | undefined>): Promise<{ file: string; inFolder: boolean }[]> {
  const st = await fsp.stat(p).catch(() => undefined);
  if (!st) throw new UserError(`Evidence not found: ${p}`);
  if (!st.isDirectory()) {
    const kind = await kindOf(p);
    if (kind === 'an analysis report') {
      const results = await resultsIn(path.dirname(p), kindOf);
      if (!results) throw new UserError(`${p} is an analysis report, not feedback, and its results file (results.csv) is not beside it: give the results file or the feedback files`);
      notes.push(`${p} is an analysis report: its items are read from ${results}`);
      return [{ file: results, inFolder: false }];
    }
    if (kind === 'a generated document') throw new UserError(`${p} is a document Product Forge generated, not feedback: give the feedback files or an analysis's results`);
    return [{ file: p, inFolder: false }];
  }
  const results = await resultsIn(p, kindOf);
  if (results) return [{ file: results, inFolder: false }];
  const entries = await fsp.readdir(p, { withFileTypes: true });
  // files of its own that a folder is read for (the readers' rule): else it may be a folder of reports
  const hasOwnFiles = entries.some((e) => e.isFile() && isReadFileInFolder(e.name));
  if (!hasOwnFiles) {
    // a folder of report folders: the latest analysis
    const runs: { file: string; mtime: number }[] = [];
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const r = await resultsIn(path.join(p, e.name), kindOf);
      if (r) runs.push({ file: r, mtime: (await fsp.stat(r)).mtimeMs });
    }
    if (runs.length) {
      runs.sort((a, b) => b.mtime - a.mtime);
      notes.push(`${p} holds ${runs.length} analysis report${runs.length === 1 ? '' : 's'}: using the latest, ${path.dirname(runs[0].file)}`);
      return [{ file: runs[0].file, inFolder: false }];
    }
  }
  let listed: { file: string; inFolder: boolean }[];
  const notRead: string[] = [];
  try {
    listed = await listFeedbackInputs([p], notRead);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`No evidence in ${p}: no feedback files (${SUPPORTED_EXTENSIONS.join(' ')}) and no analysis results in it`);
    throw e;
  }
  // files of other types (a spreadsheet not saved as CSV) are named, as Analyze Feedback names them
  const others = notReadNote(notRead);
  if (others) notes.push(others);
  // what Product Forge wrote in the folder is no feedback (it would be counted again), as Analyze Feedback skips it;
  // an analysis's results are evidence all the same
  const files: { file: string; inFolder: boolean }[] = [];
  for (const { file } of listed) {
    const kind = await kindOf(file);
    if (kind && kind !== 'analysis results') notes.push(outputSkippedNote(file, kind));
    else files.push({ file, inFolder: true });
  }
  return files;
}

/**
 * Where a source recorded in analysis results is now: analyze records paths relative to the folder it ran in, which
 * need not be this one. Kept when it exists from here; else looked up from the results file's folder and its
 * parents, and made relative to here.
 */
async function locateSource(source: string, resultsFile: string, cache: Map<string, string>): Promise<string> {
  const known = cache.get(source);
  if (known !== undefined) return known;
  let found = source;
  if (!path.isAbsolute(source) && !(await pathExists(source))) {
    for (let dir = path.dirname(path.resolve(resultsFile)); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, source);
      if (await pathExists(candidate)) {
        found = path.relative(process.cwd(), candidate) || candidate;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  cache.set(source, found);
  return found;
}

export interface LoadEvidenceOptions {
  signal?: AbortSignal;
  /** The text column(s) a table is read with, when its user chose them (VS Code remembers them per file); else detected. */
  columnsFor?: (file: string) => string[] | undefined;
  /** At most this many items are kept: a uniform random sample of all items (fixed seed), in file order. Default 5000. */
  maxItems?: number;
}

/** Loads and numbers evidence from feedback files, folders or analysis results. */
export async function loadEvidence(paths: string[], opts: LoadEvidenceOptions = {}): Promise<EvidenceSet> {
  const set: EvidenceSet = { items: [], files: [], attributes: [], notes: [] };
  const max = opts.maxItems ?? 5000;
  const reservoir: { n: number; it: RawItem }[] = [];
  let seenItems = 0;
  const rand = rng(20240607);
  const seen = new Map<string, string>();
  const sources = new Map<string, string>();
  let skippedError: UserError | undefined;
  // what Product Forge wrote, told by a file's start: looked at once per file
  const kinds = new Map<string, Promise<string | undefined>>();
  const kindOf = (file: string) => {
    let k = kinds.get(file);
    if (!k) kinds.set(file, (k = productForgeOutputKind(file)));
    return k;
  };
  for (const p of paths) {
    for (const { file, inFolder } of await expand(p, set.notes!, kindOf)) {
      throwIfAborted(opts.signal);
      // the same file given twice (or inside a folder also given) is read once
      const real = await fsp.realpath(file).catch(() => path.resolve(file));
      const first = seen.get(real);
      if (first !== undefined) {
        set.notes!.push(first === file ? `${file} is given more than once: read once` : `${file} is the same file as ${first}: read once`);
        continue;
      }
      seen.set(real, file);
      // A uniform sample of at most `max` items over all files (reservoir sampling, fixed seed), taken as the
      // readers stream them: memory stays bounded by the sample, however large the files or many a folder holds.
      const take = (it: RawItem) => {
        const n = seenItems++;
        if (reservoir.length < max) reservoir.push({ n, it });
        else {
          const j = Math.floor(rand() * (n + 1));
          if (j < max) reservoir[j] = { n, it };
        }
      };
      let read: { items: number; kind: 'feedback' | 'analysis' };
      const before = seenItems;
      try {
        read = await readOne(file, take, { signal: opts.signal, notes: set.notes!, columns: opts.columnsFor?.(file), kind: kindOf });
      } catch (e) {
        // as Analyze Feedback reads a folder: a file in it that cannot be read (empty, no text column) is skipped
        if (!inFolder || !(e instanceof UserError) || seenItems > before) throw e;
        skippedError ??= e;
        set.notes!.push(unreadableSkippedNote(file, e));
        continue;
      }
      // an analysis's recorded sources, as found from here (for the items of it the sample kept)
      if (read.kind === 'analysis') {
        for (const r of reservoir) if (r.n >= before) r.it.source = await locateSource(r.it.source, file, sources);
      }
      set.files.push({ path: file, items: read.items, kind: read.kind });
    }
  }
  if (opts.signal?.aborted) throw new CancelledError();
  if (paths.length && !seenItems && skippedError) throw skippedError;
  if (paths.length && !seenItems) throw new UserError(`No feedback items found in ${paths.join(', ')}: the files are empty or have no text`);
  // in file order
  const kept = reservoir.sort((a, b) => a.n - b.n).map((x) => x.it);
  if (seenItems > max) {
    set.totalItems = seenItems;
    set.notes!.push(`${seenItems.toLocaleString('en-US')} items: the document uses a random sample of ${max.toLocaleString('en-US')} (fixed seed; themes, counts and quotes come from the sample)`);
  }
  set.items = kept.map((r, i) => ({ id: `E${i + 1}`, ...r }));
  set.attributes = categoricalFields(set.items);
  set.ratingField = ratingField(set.items);
  return set;
}

/** Builds an evidence set from items already in memory (e.g. the extension's own readers). */
export function evidenceFromItems(items: { source: string; line: number; text: string; fields?: Record<string, string>; sentiment?: SentimentLabel }[]): EvidenceSet {
  const ev: EvidenceItem[] = items.map((r, i) => ({ id: `E${i + 1}`, source: r.source, line: r.line, text: r.text, fields: r.fields ?? {}, sentiment: r.sentiment }));
  const files = new Map<string, number>();
  for (const it of ev) files.set(it.source, (files.get(it.source) ?? 0) + 1);
  return { items: ev, files: [...files].map(([p, n]) => ({ path: p, items: n, kind: 'feedback' })), attributes: categoricalFields(ev), ratingField: ratingField(ev) };
}

const NOT_ATTRIBUTE = /^(id|uuid|date|time|timestamp|created(_at)?|updated(_at)?|email|name|user(_id)?|url|score|confidence|probability|line|source)$/i;

function categoricalFields(items: EvidenceItem[]): string[] {
  if (items.length < 4) return [];
  const keys = new Set<string>();
  for (const it of items) for (const k of Object.keys(it.fields)) keys.add(k);
  const out: string[] = [];
  for (const k of keys) {
    if (NOT_ATTRIBUTE.test(norm(k)) || SENTIMENT_COLUMNS.includes(norm(k))) continue;
    const vals = items.map((it) => it.fields[k]).filter((v): v is string => !!v);
    if (vals.length < items.length * 0.6) continue;
    const distinct = new Set(vals);
    const avgLen = vals.reduce((a, v) => a + v.length, 0) / vals.length;
    if (distinct.size >= 2 && distinct.size <= Math.min(12, Math.max(2, Math.floor(items.length / 2))) && avgLen <= 30 && !vals.every((v) => /^-?\d+(\.\d+)?$/.test(v))) out.push(k);
  }
  return out.sort();
}

function ratingField(items: EvidenceItem[]): string | undefined {
  const keys = new Set<string>();
  for (const it of items) for (const k of Object.keys(it.fields)) keys.add(k);
  for (const k of keys) {
    // named as analyze names a rating column (Stars, Overall Rating, NPS, 评分; comments.userComment.starRating)
    if (!ratingNamed(k)) continue;
    const vals = items.map((it) => it.fields[k]).filter((v) => v !== undefined && v !== '');
    if (vals.length < items.length * 0.6 || !vals.every((v) => /^-?\d+(\.\d+)?$/.test(v.trim()))) continue;
    let lo = Infinity, hi = -Infinity;
    for (const v of vals) (lo = Math.min(lo, Number(v))), (hi = Math.max(hi, Number(v)));
    // on a rating scale as analyze reads one (stars 0/1-5, points or NPS 0-10), going above 1: a 0-1 value is a probability
    if (hi > 1 && ratingScale(lo, hi, k)) return k;
  }
  return undefined;
}

/** `file:line` as written in documents. */
export function cite(it: Pick<EvidenceItem, 'source' | 'line'>): string {
  return `${it.source}:${it.line}`;
}

/** A Markdown link to the line (VS Code and GitHub understand `#L<n>`). */
export function citeLink(it: Pick<EvidenceItem, 'source' | 'line'>, linkBase?: string): string {
  const target = linkBase && !path.isAbsolute(it.source) ? path.join(linkBase, it.source) : it.source;
  const href = encodeURI(target.split(path.sep).join('/')).replace(/#/g, '%23');
  return `[${path.basename(it.source)}:${it.line}](${href}#L${it.line})`;
}

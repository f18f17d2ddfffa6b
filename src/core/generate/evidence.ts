// Evidence for grounded generation: feedback items with the file and line they came from.
// Sources: feedback files (.txt/.md one item per non-empty line, .csv/.tsv rows, .json arrays, .jsonl)
// and feedback-analysis results (a CSV/JSON with source + line + text [+ sentiment] columns, as
// written under .product-forge/reports/<run>/), whose items keep the citation of the original file.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { isResultsCsvHeader, unescapeFormulaRow } from '../csvFormula';
import { looksBinary, sniffEncoding } from '../readers/decode';
import { pathExists } from '../fsutil';
import { rng } from './text';
import { listFeedbackFiles, productForgeOutputKind } from '../readers';
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
  /** A numeric rating column (rating / stars / score / nps), when present. */
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
  if (st.size > MAX_FILE_BYTES) throw new UserError(`${file} is larger than 50 MB; pass a smaller sample or an analysis results file`);
  const buf = await fsp.readFile(file);
  const enc = sniffEncoding(buf);
  const text = new TextDecoder(enc.encoding).decode(buf.subarray(enc.bomLength));
  if (looksBinary(text.slice(0, 65536))) throw new UserError(`${file} looks like a binary file, not text; give a text, Markdown, CSV or JSON file`);
  return text;
}

/** RFC 4180 rows with the 1-based physical line each row starts on. */
export function parseDelimited(text: string, delimiter: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      fieldStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((c) => c.trim() !== '')) rows.push({ cells, line: rowLine });
      cells = [];
      cell = '';
      fieldStart = true;
      line++;
      rowLine = line;
    } else {
      cell += ch;
      fieldStart = false;
    }
  }
  cells.push(cell);
  if (cells.some((c) => c.trim() !== '')) rows.push({ cells, line: rowLine });
  return rows;
}

function sniffDelimiter(file: string, text: string): string {
  if (/\.tsv$/i.test(file)) return '\t';
  const head = text.split(/\r?\n/, 1)[0] ?? '';
  const counts: [string, number][] = [',', '\t', ';'].map((d) => [d, head.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
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

function fromRecords(file: string, records: { fields: Record<string, string>; line: number }[]): { items: RawItem[]; kind: 'feedback' | 'analysis' } {
  if (!records.length) return { items: [], kind: 'feedback' };
  const headers = Object.keys(records[0].fields);
  const find = (names: string[]) => names.map((n) => headers.find((h) => norm(h) === n)).find((h) => h !== undefined);
  let textCol = find(TEXT_COLUMNS);
  if (!textCol) {
    // The column with the longest values on average.
    let best = -1;
    for (const h of headers) {
      const avg = records.reduce((a, r) => a + (r.fields[h]?.length ?? 0), 0) / records.length;
      if (avg > best && !/^\s*-?\d+(\.\d+)?\s*$/.test(records[0].fields[h] ?? '')) {
        best = avg;
        textCol = h;
      }
    }
  }
  if (!textCol) throw new UserError(`${file}: no text column found`);
  const srcCol = find(SOURCE_COLUMNS);
  const lineCol = find(LINE_COLUMNS);
  const sentCol = find(SENTIMENT_COLUMNS);
  const analysis = !!(srcCol && lineCol);
  // Product Forge's own results (analyze): the label is the sentiment; score (the model's confidence), the class
  // probabilities and the drivers are the model's, not the customer's, so they never become fields (a "score" of
  // 0.71 is not a rating of 0.71 of 5).
  const ours = analysis && headers.some((h) => norm(h) === 'label') && headers.some((h) => norm(h) === 'score');
  const items: RawItem[] = [];
  for (const r of records) {
    const text = (r.fields[textCol] ?? '').trim();
    if (!text) continue;
    const fields: Record<string, string> = {};
    for (const h of headers) {
      if (h === textCol || (analysis && (h === srcCol || h === lineCol))) continue;
      if (ours && ANALYSIS_COLUMNS.has(norm(h))) continue;
      const v = r.fields[h];
      if (v !== undefined && v !== '') fields[h] = v;
    }
    let source = file;
    let line = r.line;
    if (analysis) {
      const l = Number(r.fields[lineCol!]);
      const s = r.fields[srcCol!]?.trim();
      if (s && Number.isInteger(l) && l > 0) {
        source = s;
        line = l;
      }
    }
    items.push({ source, line, text, fields, sentiment: asSentiment(sentCol ? r.fields[sentCol] : undefined) });
  }
  return { items, kind: analysis ? 'analysis' : 'feedback' };
}

async function readOne(file: string): Promise<{ items: RawItem[]; kind: 'feedback' | 'analysis' }> {
  const text = await readTextFile(file);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') {
    const rows = parseDelimited(text, sniffDelimiter(file, text));
    if (rows.length < 2) return { items: [], kind: 'feedback' };
    // analyze's results CSV: a cell a spreadsheet would run as a formula was written with an apostrophe first
    if (isResultsCsvHeader(rows[0].cells)) for (const r of rows) unescapeFormulaRow(r.cells);
    const header = rows[0].cells.map((h, i) => h.trim() || `column${i + 1}`);
    const records = rows.slice(1).map((r) => ({ line: r.line, fields: Object.fromEntries(header.map((h, i) => [h, r.cells[i] ?? ''])) }));
    return fromRecords(file, records);
  }
  if (ext === '.jsonl' || ext === '.ndjson') {
    const records: { fields: Record<string, string>; line: number }[] = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i].trim();
      if (!l) continue;
      let v: unknown;
      try {
        v = JSON.parse(l);
      } catch {
        throw new UserError(`${file}:${i + 1}: not valid JSON`);
      }
      records.push({ line: i + 1, fields: flatFields(v) });
    }
    return fromRecords(file, records);
  }
  if (ext === '.json') {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new UserError(`${file}: not valid JSON`);
    }
    const arr = Array.isArray(v) ? v : Array.isArray((v as { items?: unknown })?.items) ? (v as { items: unknown[] }).items : undefined;
    if (!arr) throw new UserError(`${file}: expected a JSON array of feedback (strings or objects)`);
    // JSON items are cited by their physical line when each element starts on its own line, else by index + 1.
    const starts = elementLines(text, arr.length);
    return fromRecords(file, arr.map((e, i) => ({ line: starts?.[i] ?? i + 1, fields: flatFields(e) })));
  }
  // Plain text / Markdown: one item per non-empty line (Markdown headings, fences and rules skipped).
  const items: RawItem[] = [];
  const lines = text.split(/\r?\n/);
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (/^\s*```/.test(raw)) {
      fence = !fence;
      continue;
    }
    if (fence) continue;
    const t = raw.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').trim();
    if (!t || (ext === '.md' && (/^#{1,6}\s/.test(raw) || /^([-*_]\s*){3,}$/.test(t)))) continue;
    items.push({ source: file, line: i + 1, text: t, fields: {} });
  }
  return { items, kind: 'feedback' };
}

function flatFields(v: unknown): Record<string, string> {
  if (typeof v === 'string') return { text: v };
  if (!v || typeof v !== 'object') return { text: String(v ?? '') };
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === null || x === undefined) continue;
    out[k] = typeof x === 'object' ? JSON.stringify(x) : String(x);
  }
  return out;
}

/** 1-based line where each top-level array element starts, when the array has one element per line. */
function elementLines(text: string, n: number): number[] | undefined {
  const lines = text.split(/\r?\n/);
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t.startsWith('{') || t.startsWith('"')) starts.push(i + 1);
  }
  return starts.length === n ? starts : undefined;
}

/** A report folder analyze wrote: its results file, when it holds one. */
async function resultsIn(dir: string): Promise<string | undefined> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const results = names.filter((n) => /^(results|items)\.(csv|json|jsonl)$/i.test(n)).sort();
  return results.length ? path.join(dir, results[0]) : undefined;
}

/**
 * The files one --evidence path stands for. A file is itself, except what Product Forge wrote that is not feedback:
 * a report.md stands for the results file beside it, a generated document is refused. A folder: its analysis results
 * when it is a report folder; the latest report of a folder of reports (.product-forge/reports); else the feedback files
 * in it and its subfolders (as Analyze Feedback reads a folder: dot-folders, node_modules and report folders skipped),
 * without documents generate wrote.
 */
async function expand(p: string, notes: string[]): Promise<string[]> {
  const st = await fsp.stat(p).catch(() => undefined);
  if (!st) throw new UserError(`Evidence not found: ${p}`);
  if (!st.isDirectory()) {
    const kind = await productForgeOutputKind(p);
    if (kind === 'an analysis report') {
      const results = await resultsIn(path.dirname(p));
      if (!results) throw new UserError(`${p} is an analysis report, not feedback, and its results file (results.csv) is not beside it: give the results file or the feedback files`);
      notes.push(`${p} is an analysis report: its items are read from ${results}`);
      return [results];
    }
    if (kind === 'a generated document') throw new UserError(`${p} is a document Product Forge generated, not feedback: give the feedback files or an analysis's results`);
    return [p];
  }
  const results = await resultsIn(p);
  if (results) return [results];
  const entries = await fsp.readdir(p, { withFileTypes: true });
  const hasOwnFiles = entries.some((e) => e.isFile() && /\.(txt|md|csv|tsv|json|jsonl)$/i.test(e.name) && !e.name.startsWith('.'));
  if (!hasOwnFiles) {
    // a folder of report folders: the latest analysis
    const runs: { file: string; mtime: number }[] = [];
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const r = await resultsIn(path.join(p, e.name));
      if (r) runs.push({ file: r, mtime: (await fsp.stat(r)).mtimeMs });
    }
    if (runs.length) {
      runs.sort((a, b) => b.mtime - a.mtime);
      notes.push(`${p} holds ${runs.length} analysis report${runs.length === 1 ? '' : 's'}: using the latest, ${path.dirname(runs[0].file)}`);
      return [runs[0].file];
    }
  }
  let files: string[];
  try {
    files = await listFeedbackFiles([p]);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`No evidence in ${p}: no feedback files (.txt .md .csv .tsv .json .jsonl) and no analysis results in it`);
    throw e;
  }
  // documents generate wrote (and reports) in the folder are not evidence: they would be counted again
  const kinds = await Promise.all(files.map(productForgeOutputKind));
  return files.filter((_, i) => kinds[i] !== 'a generated document' && kinds[i] !== 'an analysis report' && kinds[i] !== 'predictions');
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
  for (const p of paths) {
    for (const file of await expand(p, set.notes!)) {
      throwIfAborted(opts.signal);
      // the same file given twice (or inside a folder also given) is read once
      const real = await fsp.realpath(file).catch(() => path.resolve(file));
      const first = seen.get(real);
      if (first !== undefined) {
        set.notes!.push(first === file ? `${file} is given more than once: read once` : `${file} is the same file as ${first}: read once`);
        continue;
      }
      seen.set(real, file);
      const { items, kind } = await readOne(file);
      if (kind === 'analysis') for (const it of items) it.source = await locateSource(it.source, file, sources);
      set.files.push({ path: file, items: items.length, kind });
      // A uniform sample of at most `max` items over all files (reservoir sampling, fixed seed): memory stays
      // bounded by one file plus the sample, however many files a folder holds.
      for (const it of items) {
        const n = seenItems++;
        if (reservoir.length < max) reservoir.push({ n, it });
        else {
          const j = Math.floor(rand() * (n + 1));
          if (j < max) reservoir[j] = { n, it };
        }
      }
    }
  }
  if (opts.signal?.aborted) throw new CancelledError();
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
    if (!/^(rating|stars|star_rating|score|nps|csat)$/i.test(norm(k))) continue;
    const vals = items.map((it) => it.fields[k]).filter((v) => v !== undefined && v !== '');
    if (vals.length < items.length * 0.6 || !vals.every((v) => /^-?\d+(\.\d+)?$/.test(v.trim()))) continue;
    // a rating scale (stars 1-5, NPS 0-10, CSAT 1-7): values from 0 to 10 that go above 1 (a 0-1 value is a probability)
    const nums = vals.map(Number);
    if (Math.min(...nums) >= 0 && Math.max(...nums) <= 10 && Math.max(...nums) > 1) return k;
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

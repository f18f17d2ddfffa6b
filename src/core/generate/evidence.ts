// Evidence for grounded generation: feedback items with the file and line they came from.
// Sources: feedback files (.txt/.md one item per non-empty line, .csv/.tsv rows, .json arrays, .jsonl)
// and feedback-analysis results (a CSV/JSON with source + line + text [+ sentiment] columns, as
// written under .product-forge/reports/<run>/), whose items keep the citation of the original file.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { looksBinary, sniffEncoding } from '../readers/decode';
import { productForgeOutputKind } from '../readers';
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
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;
const TEXT_COLUMNS = ['text', 'feedback', 'comment', 'comments', 'review', 'review_text', 'body', 'message', 'content', 'verbatim', 'response', 'answer', 'quote', 'description', 'note', 'notes'];
const SOURCE_COLUMNS = ['source', 'file', 'source_file', 'path'];
const LINE_COLUMNS = ['line', 'source_line', 'line_number', 'row'];
const SENTIMENT_COLUMNS = ['sentiment', 'label', 'predicted', 'prediction', 'predicted_label'];

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
  const items: RawItem[] = [];
  for (const r of records) {
    const text = (r.fields[textCol] ?? '').trim();
    if (!text) continue;
    const fields: Record<string, string> = {};
    for (const h of headers) {
      if (h === textCol || (analysis && (h === srcCol || h === lineCol))) continue;
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

/** Files under a folder that can hold evidence (analysis results first: results.csv / results.json). */
async function expand(p: string): Promise<string[]> {
  const st = await fsp.stat(p).catch(() => undefined);
  if (!st) throw new UserError(`Evidence not found: ${p}`);
  if (!st.isDirectory()) return [p];
  const names = (await fsp.readdir(p)).sort();
  const results = names.filter((n) => /^(results|items)\.(csv|json|jsonl)$/i.test(n));
  if (results.length) return [path.join(p, results[0])];
  const files = names.filter((n) => /\.(txt|md|csv|tsv|json|jsonl)$/i.test(n) && !n.startsWith('.')).map((n) => path.join(p, n));
  // documents generate wrote (and reports) in the folder are not evidence: they would be counted again
  const kinds = await Promise.all(files.map(productForgeOutputKind));
  return files.filter((_, i) => kinds[i] !== 'a generated document' && kinds[i] !== 'an analysis report');
}

export interface LoadEvidenceOptions {
  signal?: AbortSignal;
  /** At most this many items are kept (first ones in file order). Default 5000. */
  maxItems?: number;
}

/** Loads and numbers evidence from feedback files, folders or analysis results. */
export async function loadEvidence(paths: string[], opts: LoadEvidenceOptions = {}): Promise<EvidenceSet> {
  const set: EvidenceSet = { items: [], files: [], attributes: [] };
  const max = opts.maxItems ?? 5000;
  const raw: RawItem[] = [];
  for (const p of paths) {
    for (const file of await expand(p)) {
      throwIfAborted(opts.signal);
      const { items, kind } = await readOne(file);
      set.files.push({ path: file, items: items.length, kind });
      for (const it of items) if (raw.length < max) raw.push(it);
    }
  }
  if (opts.signal?.aborted) throw new CancelledError();
  set.items = raw.map((r, i) => ({ id: `E${i + 1}`, ...r }));
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
    if (vals.length >= items.length * 0.6 && vals.every((v) => /^-?\d+(\.\d+)?$/.test(v.trim()))) return k;
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

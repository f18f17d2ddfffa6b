// Reading real-world delimited files for training: delimiter and header sniffing, RFC 4180 quoting
// (quotes, doubled quotes, newlines inside quotes), stray spaces around fields, common missing-value
// markers ('', '?', NA, N/A, NaN, null, None), ragged rows. Streams the file (bounded memory per chunk)
// and stores the table column by column with repeated values interned.
import * as path from 'node:path';
import { formulaEscapedCsv, unescapeFormula, unescapeFormulaRow } from '../csvFormula';
import { openText } from '../readers/decode';
import { CancelledError, UserError } from '../types';

/** Cell values treated as missing (compared lower-cased, after trimming). Missing cells are stored as ''. */
export const MISSING_MARKERS = new Set(['', '?', 'na', 'n/a', 'nan', 'null', 'none', '#n/a', 'missing']);

export function isMissingRaw(v: string): boolean {
  return v.length <= 7 && MISSING_MARKERS.has(v.trim().toLowerCase());
}

/**
 * Markers that are missing in a feature but can be a real class in a TARGET column (None / Low / High risk, a status
 * "missing"); training keeps them as classes there and says so. 'NA', 'N/A', 'null', 'NaN' and '#N/A' are what exports
 * (R, pandas, spreadsheets) write for an empty cell, so they stay missing in a target too: semi-labelled files keep
 * their unlabelled rows out of training.
 */
export const TARGET_CLASS_MARKERS = new Set(['none', 'missing']);

/** Missing values of a TARGET column: empty, '?', and the export spellings of "no value" (not 'None' or 'missing'). */
export function isMissingTarget(v: string): boolean {
  const t = v.trim();
  return t === '' || t === '?' || (isMissingRaw(t) && !TARGET_CLASS_MARKERS.has(t.toLowerCase()));
}

export interface CsvDialect {
  delimiter: string;
  hasHeader: boolean;
  /**
   * Whether numbers of this file may be written with a decimal comma ("8,444"): decided per file from its own
   * delimiter (';'), never taken over from another file (the training file's choice is in the preprocessing and
   * used only for values without a file, such as a typed row). Absent: decided by the delimiter.
   */
  decimalComma?: boolean;
}

/** Whether the numbers of `t` are read with a decimal comma (its own dialect). */
export function tableDecimalComma(t: Pick<Table, 'dialect'>): boolean {
  return t.dialect.decimalComma ?? t.dialect.delimiter === ';';
}

/** Cells that held a missing marker other than '' and '?' (stored as ''): their rows and the text as written. */
export interface RawMarkers {
  rows: number[];
  values: string[];
}

/** A table stored by column: `data[c][r]` is the cell of column c in row r ('' = missing). */
export interface Table {
  columns: string[];
  data: string[][];
  rowCount: number;
  dialect: CsvDialect;
  /** Rows that had more or fewer fields than the header (padded or cut). */
  raggedRows: number;
  /** True when maxRows stopped the reading early. */
  truncated: boolean;
  warnings: string[];
  /**
   * Per column, the cells stored as missing whose text was a marker other than '' and '?' ('NA', 'None', ...), so a
   * target column can read them as class names (targetColumn). Absent when the table keeps cells raw.
   */
  rawMarkers?: (RawMarkers | undefined)[];
  /**
   * The file is analysis results or the labels file Product Forge wrote (src/core/csvFormula.ts): its cells were written
   * with an apostrophe before a formula-like start, which was dropped on reading (data and column names hold the texts
   * as analyzed). predict escapes a results file's cells again when it copies them.
   */
  formulaEscaped?: boolean;
  /**
   * The file's text encoding and whether it began with a byte-order mark (absent for tables built in memory):
   * predict writes its output with a UTF-8 BOM when the input had one or was not UTF-8 (an Excel export), so a
   * spreadsheet reads its accents as the input's.
   */
  encoding?: { name: string; bom: boolean };
}

export interface ReadTableOptions {
  signal?: AbortSignal;
  /** Called now and then with bytes read so far and the file size. */
  onProgress?: (bytesDone: number, bytesTotal: number, rows: number) => void;
  /** Stop after this many data rows (default 2,000,000). */
  maxRows?: number;
  /** Force a delimiter / header choice instead of sniffing. */
  delimiter?: string;
  hasHeader?: boolean;
  /** Keep cells exactly as written (missing markers such as '?' or 'NA' are not turned into ''). */
  keepRaw?: boolean;
  /** Fewest columns a usable table has (default 2: a target and a feature; prediction reads one-column files). */
  minColumns?: number;
  /**
   * The columns a classifier reads. When they are all generated names (c0, c1, ...: it was trained on a file without
   * a header) and the file's first row holds none of them, the file is read without a header too (unless hasHeader
   * says otherwise), so a one-row file of values is data, not a header.
   */
  expectColumns?: string[];
}

const GENERATED_NAME = /^c\d+$/;

/** Whether names are the ones readTable gives the columns of a file without a header (c0, c1, ...). */
export function areGeneratedNames(names: string[]): boolean {
  return names.length > 0 && names.every((n) => GENERATED_NAME.test(n));
}

const LF = 10, CR = 13, QUOTE = 34, SPACE = 32, TAB = 9;
const S_START = 0, S_UNQ = 1, S_Q = 2, S_QQ = 3, S_AFTERQ = 4;

/** Incremental delimited-text parser: feed() text chunks of any size, get whole records back. */
export class CsvParser {
  private state = S_START;
  private buf = '';
  private rec: string[] = [];
  private quotedRec = false;
  private skipLF = false;
  private readonly d: number;
  constructor(delimiter: string, private readonly emit: (fields: string[]) => boolean | void) {
    this.d = delimiter.charCodeAt(0);
  }
  /** Set by emit returning false: parsing stops. */
  stopped = false;
  /** Records emitted so far (blank lines aside). */
  records = 0;
  /** Set by end() when the input ended inside a quoted field: the record (0-based) whose quote never closed. */
  unclosedQuoteRecord: number | undefined;
  /** Characters held of a quoted field not closed yet (one may span many fed chunks); 0 outside quotes. */
  get openQuotedChars(): number {
    return this.state === S_Q ? this.buf.length : 0;
  }
  /** Characters held of an unquoted field not ended yet (a line without delimiters or line breaks grows it). */
  get openUnquotedChars(): number {
    return this.state === S_UNQ ? this.buf.length : 0;
  }
  /** Fields of the record not ended yet (a line of delimiters without a line break grows it). */
  get openRecordFields(): number {
    return this.rec.length;
  }

  private endField(v: string): void {
    this.rec.push(v);
  }
  private endRecord(): void {
    const r = this.rec;
    this.rec = [];
    const blank = r.length === 1 && r[0] === '' && !this.quotedRec;
    this.quotedRec = false;
    if (blank) return;
    this.records++;
    if (this.emit(r) === false) this.stopped = true;
  }

  feed(s: string): void {
    const n = s.length, d = this.d;
    let i = 0, start = 0;
    while (i < n && !this.stopped) {
      const c = s.charCodeAt(i);
      if (this.skipLF) {
        this.skipLF = false;
        if (c === LF) { i++; continue; }
      }
      switch (this.state) {
        case S_START:
          if (c === d) this.endField('');
          else if (c === LF || c === CR) { this.endField(''); this.endRecord(); this.skipLF = c === CR; }
          else if (c === QUOTE) { this.state = S_Q; this.quotedRec = true; this.buf = ''; start = i + 1; }
          else if ((c === SPACE || c === TAB) && c !== d) { /* stray leading space */ }
          else { this.state = S_UNQ; this.buf = ''; start = i; }
          break;
        case S_UNQ:
          if (c === d || c === LF || c === CR) {
            this.endField((this.buf + s.slice(start, i)).trim());
            this.buf = '';
            this.state = S_START;
            if (c !== d) { this.endRecord(); this.skipLF = c === CR; }
          }
          break;
        case S_Q:
          if (c === QUOTE) { this.buf += s.slice(start, i); this.state = S_QQ; }
          break;
        case S_QQ:
          if (c === QUOTE) { this.buf += '"'; this.state = S_Q; start = i + 1; }
          else if (c === d || c === LF || c === CR) {
            this.endField(this.buf);
            this.buf = '';
            this.state = S_START;
            if (c !== d) { this.endRecord(); this.skipLF = c === CR; }
          } else if (c === SPACE || c === TAB) this.state = S_AFTERQ;
          else { this.state = S_UNQ; start = i; }
          break;
        case S_AFTERQ:
          if (c === d || c === LF || c === CR) {
            this.endField(this.buf);
            this.buf = '';
            this.state = S_START;
            if (c !== d) { this.endRecord(); this.skipLF = c === CR; }
          } else if (c !== SPACE && c !== TAB) { this.state = S_UNQ; start = i; }
          break;
      }
      i++;
    }
    if (this.state === S_UNQ || this.state === S_Q) this.buf += s.slice(start, n);
  }

  end(): void {
    if (this.stopped) return;
    if (this.state === S_Q) this.unclosedQuoteRecord = this.records;
    if (this.state === S_UNQ) this.endField(this.buf.trim());
    else if (this.state !== S_START) this.endField(this.buf);
    else if (this.rec.length) this.endField('');
    this.buf = '';
    this.state = S_START;
    if (this.rec.length) this.endRecord();
  }
}

/** Parses a whole string (tests, sniffing, small inputs). */
export function parseCsvText(text: string, delimiter = ',', maxRecords = Infinity): string[][] {
  const out: string[][] = [];
  const p = new CsvParser(delimiter, (r) => {
    out.push(r);
    return out.length < maxRecords;
  });
  p.feed(text);
  p.end();
  return out;
}

const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DEC_COMMA_RE = /^[+-]?\d+,\d+$/;

/** Thousands grouped with commas, decimals after a point: 1,234 / 12,345,678.90 (files that write 3.5). */
const GROUPED_POINT_RE = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
/**
 * Thousands grouped in a file that writes decimal commas: with points when a decimal comma follows (1.234,56), with two
 * groups or more (1.234.567) or with spaces (1 234 / 1 234,56, also no-break spaces). 1.234 alone stays 1.234, as the
 * plain number it also reads as.
 */
const GROUPED_COMMA_RE = /^\d{1,3}((\.\d{3})+,\d+|(\.\d{3}){2,}|([ \u00a0\u202f]\d{3})+(,\d+)?)$/;
const CURRENCY = '$€£¥₹';

/**
 * Parses a number: written plainly ("3", "-1.5e3", ".5"; "1,5" when decimalComma), or as spreadsheets export
 * formatted cells: thousands separators ("1,234.50"; "1.234,50" or "1 234" when decimalComma), a currency symbol
 * before or after ("$1,200.00", "-$5", "12,50 €"), a percentage ("45%" is 0.45) or an accounting negative
 * ("(1,200.00)"). NaN otherwise.
 */
export function parseNumber(s: string, decimalComma = false): number {
  if (NUM_RE.test(s)) return Number(s);
  if (decimalComma && DEC_COMMA_RE.test(s)) return Number(s.replace(',', '.'));
  return parseFormattedNumber(s, decimalComma);
}

/**
 * How numbers were read before formatted numbers were (kept for classifiers saved then, preprocessing version 1, so
 * their predictions do not change): written plainly, "1,5" when decimalComma; "35,722", "$3,037.19" or "32%" are NaN.
 */
export function legacyParseNumber(s: string, decimalComma = false): number {
  if (NUM_RE.test(s)) return Number(s);
  if (decimalComma && DEC_COMMA_RE.test(s)) return Number(s.replace(',', '.'));
  return NaN;
}

/** Digits, one comma, digits ("3,5", "1,234"), and of those the ones that are also one thousands group ("1,234"). */
const ONE_COMMA_RE = /^\d+,\d+$/;
const ONE_GROUP_RE = /^\d{1,3},\d{3}$/;

/**
 * Whether a column of a file that writes decimal points (a ',' file) writes its numbers with a decimal comma, decided
 * once from its values (`rows` of `col`, all when absent) so every row is read the same way: yes when some value reads
 * as a number only with a decimal comma ("3,5", "12,75", "1234,5", "12,50 €") and none only with thousands separators
 * ("1,234,567", "$3,037.19"). A column whose comma values read both ways ("1,234", "35,722") keeps thousands separators.
 */
export function columnDecimalComma(col: readonly string[], rows?: ArrayLike<number>): boolean {
  const n = rows ? rows.length : col.length;
  let decimal = false;
  for (let i = 0; i < n; i++) {
    const v = col[rows ? rows[i] : i];
    if (v === undefined || !v.includes(',')) continue;
    const t = v.trim();
    // the common shapes at regex cost: "1,234" reads both ways, "3,5" / "1234,5" only with a decimal comma
    if (ONE_COMMA_RE.test(t)) {
      if (!ONE_GROUP_RE.test(t)) decimal = true;
      continue;
    }
    const point = !isNaN(parseNumber(t, false)), comma = !isNaN(parseNumber(t, true));
    if (point && !comma) return false;
    if (comma && !point) decimal = true;
  }
  return decimal;
}

function parseFormattedNumber(s: string, decimalComma: boolean): number {
  let t = s.trim();
  if (t.length < 2 || t.length > 40) return NaN;
  const c0 = t[0];
  // only what can start a formatted number: a digit, a sign, a bracket, a point or a currency symbol
  if (!((c0 >= '0' && c0 <= '9') || c0 === '-' || c0 === '+' || c0 === '(' || c0 === '.' || CURRENCY.includes(c0))) return NaN;
  let negative = false, percent = false, currency = false;
  if (c0 === '(' && t.endsWith(')')) { negative = true; t = t.slice(1, -1).trim(); }
  if (t.endsWith('%')) { percent = true; t = t.slice(0, -1).trimEnd(); }
  let sign = '';
  if (t[0] === '-' || t[0] === '+') { sign = t[0]; t = t.slice(1).trimStart(); }
  if (t && CURRENCY.includes(t[0])) { currency = true; t = t.slice(1).trimStart(); }
  else if (t && CURRENCY.includes(t[t.length - 1])) { currency = true; t = t.slice(0, -1).trimEnd(); }
  if (!sign && (t[0] === '-' || t[0] === '+')) { sign = t[0]; t = t.slice(1); }
  if (!t || (currency && percent) || (negative && sign)) return NaN;
  let x: number;
  if (NUM_RE.test(t) && t[0] !== '-' && t[0] !== '+') x = Number(t);
  else if (decimalComma && DEC_COMMA_RE.test(t) && t[0] !== '-' && t[0] !== '+') x = Number(t.replace(',', '.'));
  else if (!decimalComma && GROUPED_POINT_RE.test(t)) x = Number(t.replace(/,/g, ''));
  else if (decimalComma && GROUPED_COMMA_RE.test(t)) x = Number(t.replace(/[.\s\u00a0\u202f]/g, '').replace(',', '.'));
  else return NaN;
  if (negative || sign === '-') x = -x;
  return percent ? x / 100 : x;
}

/** Picks the delimiter and whether the first record is a header from the start of the file. */
export function sniffDialect(sample: string, fileName = '', sampleIsWhole = true): CsvDialect {
  const ext = path.extname(fileName).toLowerCase();
  const candidates = [',', '\t', ';', '|'];
  let best = { delimiter: ext === '.tsv' || ext === '.tab' ? '\t' : ',', score: -1, width: 1, records: [] as string[][] };
  for (const d of candidates) {
    let recs = parseCsvText(sample.slice(0, 200_000), d, 201);
    if (!sampleIsWhole || sample.length > 200_000) recs = recs.slice(0, Math.max(1, recs.length - 1));
    if (!recs.length) continue;
    const counts = new Map<number, number>();
    for (const r of recs) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 1, modeN = 0;
    for (const [w, k] of counts) if (k > modeN || (k === modeN && w > mode)) { mode = w; modeN = k; }
    if (mode < 2) continue;
    const score = modeN / recs.length + (d === '\t' && (ext === '.tsv' || ext === '.tab') ? 0.05 : 0);
    if (score > best.score + 1e-9 || (Math.abs(score - best.score) < 1e-9 && mode > best.width)) best = { delimiter: d, score, width: mode, records: recs };
  }
  const hasHeader = best.records.length ? guessHeader(best.records, best.delimiter === ';') : true;
  return { delimiter: best.delimiter, hasHeader };
}

function guessHeader(recs: string[][], decimalComma: boolean): boolean {
  if (recs.length < 2) return !recs[0]?.every((v) => !isNaN(parseNumber(v, decimalComma)));
  const first = recs[0];
  // the first row again further down (exports joined with their headers) is no evidence either way
  const rest = recs.slice(1).filter((r) => r.length !== first.length || r.some((v, c) => v !== first[c]));
  if (!rest.length) return !first.every((v) => !isNaN(parseNumber(v, decimalComma)));
  let headerVotes = 0, dataVotes = 0;
  for (let c = 0; c < first.length; c++) {
    const h = first[c];
    const vals = rest.map((r) => r[c] ?? '').filter((v) => !isMissingRaw(v));
    if (!vals.length) continue;
    // a column of "3,5" in a ',' file writes decimal commas (as training reads it: columnDecimalComma)
    const dc = decimalComma || columnDecimalComma(vals);
    const numericRest = vals.filter((v) => !isNaN(parseNumber(v, dc))).length / vals.length;
    const hNum = !isNaN(parseNumber(h, dc));
    if (numericRest > 0.9) {
      if (hNum) dataVotes++;
      else if (!isMissingRaw(h)) headerVotes += 2;
    } else if (vals.includes(h)) dataVotes++;
    else if (isMissingRaw(h)) dataVotes += 0.5;
  }
  if (headerVotes || dataVotes) return headerVotes > dataVotes;
  // Only text-like columns and no evidence: a header is short, unique and non-empty.
  const seen = new Set(first);
  return seen.size === first.length && first.every((h) => h.length > 0 && h.length <= 40);
}

function headerNames(first: string[] | undefined, width: number, hasHeader: boolean): string[] {
  const names: string[] = [];
  const used = new Set<string>();
  for (let c = 0; c < width; c++) {
    let n = hasHeader ? (first?.[c] ?? '').trim() : '';
    if (!n) n = `c${c}`;
    let u = n, k = 2;
    while (used.has(u)) u = `${n}_${k++}`;
    used.add(u);
    names.push(u);
  }
  return names;
}

/** Reads a delimited file into a column-stored table. Bad input -> UserError with a clear message. */
export async function readTable(file: string, opts: ReadTableOptions = {}): Promise<Table> {
  // one chunk holding every row: readTableChunks yields it once the whole file is read and checked
  let table: Table | undefined;
  for await (const chunk of readTableChunks(file, { ...opts, maxRows: opts.maxRows ?? 2_000_000, chunkRows: Infinity })) table = chunk.table;
  return table!;
}

export interface ReadTableChunksOptions extends ReadTableOptions {
  /** Most data rows per chunk (default 10,000; Infinity: one chunk with the whole file, as readTable reads it). */
  chunkRows?: number;
  /** Stop after this many data rows (default: no limit; the last chunk then says `truncated`). */
  maxRows?: number;
}

/** Some rows of a file read by readTableChunks. */
export interface TableChunk {
  /**
   * This chunk's rows as a table: the file's columns and dialect, rowCount and data for these rows only (rawMarkers'
   * rows count from the chunk's first row). raggedRows counts the rows read so far; on the last chunk, raggedRows,
   * truncated and warnings are the whole file's (earlier chunks have no warnings yet).
   */
  table: Table;
  /** Bytes of the file read so far, and its size (for progress). */
  bytesDone: number;
  bytesTotal: number;
  /** The file's last chunk (it may have no rows when the file's rows filled the chunks before it exactly). */
  last: boolean;
}

/**
 * Longest quoted field (in characters) read before the file is refused: a quote that is never closed would otherwise
 * gather the rest of a large file into one string (memory grows with the file; V8 refuses strings past ~512M chars).
 */
export const MAX_FIELD_CHARS = 128 * 1024 * 1024;
/** Most fields one row may have: a longer "row" is no table row (a file without line breaks), and would be held whole. */
export const MAX_ROW_FIELDS = 1_000_000;

/**
 * Reads a delimited file as a stream of row chunks of bounded size: the reading of readTable (which is this with one
 * chunk), for files of any length. The encoding, delimiter, header (also the headerless `expectColumns` rule) and
 * number format (decimal comma per file) are decided from the start of the file (openText's sample, the first
 * SAMPLE_BYTES) before any row is read, exactly as readTable decides them, so every chunk has the same columns and
 * dialect. What needs the whole file is checked at its end, before the last chunk is yielded: a quote never closed, a
 * file without data rows, too many ragged rows (UserError, after earlier chunks were yielded: a consumer writing them
 * out must write atomically), and the warnings. The first chunk comes only after the columns were checked
 * (minColumns), so a consumer can check the header on it before it writes anything.
 */
export async function* readTableChunks(file: string, opts: ReadTableChunksOptions = {}): AsyncGenerator<TableChunk> {
  const opened = await openText(file);
  if (!opened.sample.trim()) throw new UserError(`${file} is empty`);
  const sniffed = sniffDialect(opened.sample, file, opened.sampleIsWhole);
  const delimiter = opts.delimiter ?? sniffed.delimiter;
  let hasHeader = opts.hasHeader ?? sniffed.hasHeader;
  if (opts.hasHeader === undefined && hasHeader && opts.expectColumns && areGeneratedNames(opts.expectColumns)) {
    const first = parseCsvText(opened.sample, delimiter, 1)[0] ?? [];
    const names = new Set(first.map((v) => v.trim()));
    if (!opts.expectColumns.some((c) => names.has(c))) hasHeader = false;
  }
  // the number format is this file's own (a ';' file writes 8,444), whatever file a model was trained on
  const dialect: CsvDialect = { delimiter, hasHeader, decimalComma: delimiter === ';' };
  const maxRows = opts.maxRows ?? Infinity;
  const chunkRows = Math.max(1, opts.chunkRows ?? 10_000);
  const keepRaw = opts.keepRaw ?? false;
  let columns: string[] | undefined;
  let data: string[][] = [];
  let interns: (Map<string, string> | null)[] = [];
  let rows = 0, ragged = 0, cut = 0;
  /** The header row as written, and how many times it came again among the rows (files joined with their headers). */
  let headerRow: string[] | undefined;
  let repeatedHeaders = 0;
  const isHeaderAgain = (r: string[]): boolean => {
    const h = headerRow!;
    if (r[0] !== h[0]) return false;
    for (let c = 1; c < Math.max(r.length, h.length); c++) if ((r[c] ?? '') !== (h[c] ?? '')) return false;
    return true;
  };
  /** The file's row index of the current chunk's first row. */
  let chunkStart = 0;
  let truncated = false;
  /** Analysis results or the labels file Product Forge wrote: the apostrophe the formula escape added is dropped (csvFormula.ts). */
  let escaped = false;
  let markers: (RawMarkers | undefined)[] = [];
  /** Full chunks parsed from the text read so far, not yielded yet. */
  const ready: { data: string[][]; markers: (RawMarkers | undefined)[]; rowCount: number }[] = [];
  const setup = (width: number, first?: string[]) => {
    columns = headerNames(first, width, dialect.hasHeader);
    data = columns.map(() => []);
    interns = columns.map(() => new Map());
    markers = columns.map(() => undefined);
  };
  const takeChunk = () => {
    const chunk = { data, markers, rowCount: rows - chunkStart };
    data = columns!.map(() => []);
    markers = columns!.map(() => undefined);
    // interned values serve one chunk: a streamed file keeps none of them past it
    interns = columns!.map(() => new Map());
    chunkStart = rows;
    return chunk;
  };
  const addRow = (r: string[]) => {
    const cols = columns!;
    const w = cols.length;
    if (r.length !== w) {
      // A trailing delimiter (empty extra fields) is not an error.
      let extraNonEmpty = false;
      for (let c = w; c < r.length; c++) if (r[c] !== '') extraNonEmpty = true;
      if (r.length < w || extraNonEmpty) ragged++;
      if (extraNonEmpty) cut++;
    }
    for (let c = 0; c < w; c++) {
      let v = r[c] ?? '';
      if (escaped) v = unescapeFormula(v);
      if (!keepRaw && v.length <= 7 && MISSING_MARKERS.has(v.toLowerCase())) {
        // kept only for the markers a target reads as a class: a column of 'NA's costs nothing extra
        if (TARGET_CLASS_MARKERS.has(v.toLowerCase())) {
          const m = (markers[c] ??= { rows: [], values: [] });
          m.rows.push(rows - chunkStart);
          m.values.push(MISSING_MARKERS_INTERNED.get(v) ?? v);
        }
        v = '';
      }
      const m = interns[c];
      if (m && v.length < 64) {
        const got = m.get(v);
        if (got !== undefined) v = got;
        else if (m.size < 20000) m.set(v, v);
        else interns[c] = null;
      }
      data[c].push(v);
    }
    rows++;
    if (rows - chunkStart >= chunkRows) ready.push(takeChunk());
  };
  const notARow = (record: number, fields: boolean): never => {
    const at = record + (dialect.hasHeader ? 0 : 1);
    throw new UserError(`${file}: ${at === 0 ? 'the header row' : `data row ${at}`} has more than ${fields ? `${MAX_ROW_FIELDS.toLocaleString('en-US')} fields` : `${MAX_FIELD_CHARS.toLocaleString('en-US')} characters in one field`} and no line break, so it is no table row. Is this a CSV/TSV file with one record per line?`);
  };
  const parser = new CsvParser(dialect.delimiter, (r) => {
    if (r.length > MAX_ROW_FIELDS) notARow(parser.records - 1, true);
    if (!columns) {
      if (dialect.hasHeader) {
        headerRow = r;
        escaped = formulaEscapedCsv(file, r);
        setup(r.length, escaped ? unescapeFormulaRow(r) : r);
        return true;
      }
      // Trailing empty fields on the first row are not columns.
      let w = r.length;
      while (w > 1 && r[w - 1] === '') w--;
      setup(w);
    }
    // the header again further down (several exports joined into one file) is no data row
    if (headerRow && isHeaderAgain(r)) { repeatedHeaders++; return true; }
    if (rows >= maxRows) { truncated = true; return false; }
    addRow(r);
    return true;
  });
  const checkColumns = () => {
    if (columns!.length < (opts.minColumns ?? 2)) {
      if (looksLikeArff(opened.sample) || /\.arff$/i.test(file)) {
        throw new UserError(`${file} is a Weka ARFF file, not a CSV/TSV table: save it as CSV (in Weka: Explorer > Save... > CSV, or weka.core.converters.CSVSaver) and train on that.`);
      }
      throw new UserError(`${file} does not look like a CSV/TSV table: every row has a single field (tried comma, tab, semicolon and pipe delimiters). Export it as CSV with a header row.`);
    }
  };
  const encoding = { name: opened.encoding.encoding, bom: opened.encoding.bomLength > 0 };
  const tableOf = (c: { data: string[][]; markers: (RawMarkers | undefined)[]; rowCount: number }, warnings: string[]): Table => (
    { columns: columns!, data: c.data, rowCount: c.rowCount, dialect, raggedRows: ragged, truncated, warnings, ...(keepRaw ? {} : { rawMarkers: c.markers }), ...(escaped ? { formulaEscaped: true } : {}), encoding });
  let lastReport = 0;
  for await (const { text, bytesDone } of opened.chunks(opts.signal)) {
    parser.feed(text);
    if (parser.stopped) break;
    if (parser.openQuotedChars > MAX_FIELD_CHARS) {
      const at = parser.records + (dialect.hasHeader ? 0 : 1);
      throw new UserError(`${file}: a quoted field that starts in ${at === 0 ? 'the header row' : `data row ${at}`} is longer than ${MAX_FIELD_CHARS.toLocaleString('en-US')} characters, so its quote is most likely never closed and the rest of the file would be read as part of it. Fix the quoting (a quote inside a quoted field is written as "").`);
    }
    if (parser.openUnquotedChars > MAX_FIELD_CHARS || parser.openRecordFields > MAX_ROW_FIELDS) notARow(parser.records, parser.openRecordFields > MAX_ROW_FIELDS);
    if (opts.onProgress && (bytesDone - lastReport > 2_000_000 || bytesDone >= opened.bytesTotal)) {
      lastReport = bytesDone;
      opts.onProgress(bytesDone, opened.bytesTotal, rows);
    }
    if (ready.length) {
      checkColumns();
      for (const c of ready.splice(0)) yield { table: tableOf(c, []), bytesDone, bytesTotal: opened.bytesTotal, last: false };
    }
  }
  if (opts.signal?.aborted) throw new CancelledError();
  parser.end();
  if (parser.unclosedQuoteRecord !== undefined) {
    const at = parser.unclosedQuoteRecord + (dialect.hasHeader ? 0 : 1);
    throw new UserError(`${file}: a quoted field that starts in ${at === 0 ? 'the header row' : `data row ${at}`} is never closed, so the rest of the file would be read as part of it. Fix the quoting (a quote inside a quoted field is written as "").`);
  }
  opts.onProgress?.(opened.bytesTotal, opened.bytesTotal, rows);
  if (!columns || rows === 0) throw new UserError(`${file} has no data rows${columns ? ' (only a header)' : ''}`);
  checkColumns();
  if (ragged > Math.max(5, rows * 0.1)) {
    throw new UserError(`${file} does not look like a consistent CSV/TSV table: ${ragged} of ${rows} rows have a different number of fields than the ${columns.length} columns of the first row (delimiter '${dialect.delimiter === '\t' ? '\\t' : dialect.delimiter}'). Check the delimiter and quoting.`);
  }
  const warnings: string[] = [];
  if (ragged) warnings.push(`${ragged} row(s) had a different number of fields than the header (missing cells filled as missing${cut ? `, extra fields dropped in ${cut}` : ''})`);
  if (repeatedHeaders) warnings.push(`the header row came again ${repeatedHeaders === 1 ? 'once' : `${repeatedHeaders} times`} among the rows (files joined with their headers?); ${repeatedHeaders === 1 ? 'it was' : 'those were'} skipped`);
  if (truncated) warnings.push(`only the first ${maxRows.toLocaleString('en-US')} rows were read`);
  // chunks filled by the last text read (or left when maxRows stopped the reading), then the rest
  for (const c of ready.splice(0)) yield { table: tableOf(c, []), bytesDone: opened.bytesTotal, bytesTotal: opened.bytesTotal, last: false };
  yield { table: tableOf(takeChunk(), warnings), bytesDone: opened.bytesTotal, bytesTotal: opened.bytesTotal, last: true };
}

/** The usual spellings of the markers, shared (a column of 'NA's keeps one string). */
const MISSING_MARKERS_INTERNED = new Map(['NA', 'N/A', 'NaN', 'null', 'NULL', 'None', 'none', 'na', 'n/a', 'nan', 'Null', 'missing', 'Missing', 'MISSING', '#N/A'].map((v) => [v, v]));

/**
 * The cells of column `c` read as a target: '' is missing, and cells stored as missing because they held a marker
 * that a target reads as a class ('None', 'missing') get that text back (isMissingTarget).
 */
export function targetColumn(t: Table, c: number): string[] {
  const m = t.rawMarkers?.[c];
  if (!m || !m.rows.length) return t.data[c];
  const col = t.data[c].slice();
  for (let i = 0; i < m.rows.length; i++) if (m.rows[i] < col.length) col[m.rows[i]] = m.values[i];
  return col;
}

/** Builds a table from records (header + rows); used by tests and the typed-row prediction. */
export function tableFromRecords(columns: string[], rows: string[][]): Table {
  const rawMarkers: (RawMarkers | undefined)[] = columns.map(() => undefined);
  const data = columns.map((_, c) => rows.map((r, i) => {
    const v = (r[c] ?? '').trim();
    if (!isMissingRaw(v)) return v;
    if (!isMissingTarget(v)) {
      const m = (rawMarkers[c] ??= { rows: [], values: [] });
      m.rows.push(i);
      m.values.push(v);
    }
    return '';
  }));
  // no decimalComma: typed values are read as the classifier's training file wrote its numbers
  return { columns: [...columns], data, rowCount: rows.length, dialect: { delimiter: ',', hasHeader: true }, raggedRows: 0, truncated: false, warnings: [], rawMarkers };
}

/** A copy of some columns with missing markers turned into '' (for tables read with keepRaw). */
export function normalizedColumns(t: Table, names: string[]): Table {
  const data = names.map((n) => {
    const c = t.columns.indexOf(n);
    return t.data[c].map((v) => (isMissingRaw(v) ? '' : v.trim()));
  });
  return { ...t, columns: [...names], data, rawMarkers: undefined };
}

/** Takes a subset of rows (by index) of a table. */
export function takeRows(t: Table, idx: ArrayLike<number>): Table {
  const data = t.data.map((col) => {
    const out = new Array<string>(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = col[idx[i]];
    return out;
  });
  const rawMarkers = t.rawMarkers?.map((m) => {
    if (!m) return undefined;
    const at = new Map(m.rows.map((r, i) => [r, m.values[i]]));
    const out: RawMarkers = { rows: [], values: [] };
    for (let i = 0; i < idx.length; i++) {
      const v = at.get(idx[i]);
      if (v !== undefined) { out.rows.push(i); out.values.push(v); }
    }
    return out.rows.length ? out : undefined;
  });
  return { ...t, data, rowCount: idx.length, rawMarkers };
}

/**
 * Whether a file's start is a Weka ARFF header: its first line that is neither blank nor a '%' comment is @relation
 * (ARFF files usually open with comment lines, which the header row alone never shows).
 */
export function looksLikeArff(sample: string): boolean {
  let at = 0;
  while (at < sample.length) {
    const nl = sample.indexOf('\n', at);
    const line = sample.slice(at, nl < 0 ? sample.length : nl).trim();
    if (line && !line.startsWith('%')) return /^@relation\b/i.test(line);
    if (nl < 0) break;
    at = nl + 1;
  }
  return false;
}

/** A column name as compared when the exact name is missing: 'Monthly charges', 'monthly_charges' and 'MonthlyCharges' match. */
function looseName(n: string): string {
  return n.normalize('NFKC').toLowerCase().replace(/[\s_\-.]+/g, '');
}

/**
 * For each column the classifier reads (`need`) that the file lacks by exact name, the file's one column whose name
 * differs only in case, spaces, '_', '-' or '.' ('sex' for 'Sex', 'Monthly Charges' for 'monthly_charges'), when
 * exactly one such column exists and the classifier does not read it under its own name. File name -> classifier name.
 */
export function matchRespelledColumns(need: string[], have: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const haveSet = new Set(have), needSet = new Set(need);
  for (const m of need) {
    if (haveSet.has(m)) continue;
    const key = looseName(m);
    if (!key) continue;
    const cands = have.filter((h) => looseName(h) === key && !needSet.has(h));
    if (cands.length === 1 && !out.has(cands[0])) out.set(cands[0], m);
  }
  return out;
}

/** One warning per column matched by matchRespelledColumns. */
export function respelledColumnWarnings(renamed: Map<string, string>, whose = "the classifier's"): string[] {
  return [...renamed].map(([had, is]) => `column "${had}" was read as ${whose} "${is}" (the names differ only in case, spaces or punctuation)`);
}

/** Quotes a value for CSV output when needed. */
export function csvField(v: string, delimiter = ','): string {
  return /["\r\n]/.test(v) || v.includes(delimiter) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// Feedback readers: .txt .md .csv .tsv .json .jsonl files and folders of them, streamed as batches of
// FeedbackItem with bounded memory. Used by the analysis engine, the CLI and the extension.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { FeedbackItem } from '../types';
import { CancelledError, UserError } from '../types';
import { formulaEscapedCsv, unescapeFormulaRow } from '../csvFormula';
import { breathe } from '../yielder';
import { type ColumnInfo, type ColumnRoles, detectRoles, hasTextNameHint, inferColumns, isKnownColumnName, uniqueNames } from './columns';
import { CsvParser, delimiterName, detectDelimiter, parseCsvText, type CsvRow } from './csv';
import { openText, type OpenedText } from './decode';
import { DEFAULT_MAX_JSON_BYTES, joinTextParts, jsonlRecords, loadJsonRecords, recordsToItems, sampleJsonlObjects, type JsonRecord } from './json';
import { textItems } from './text';
import { isPlaceholderReview } from './clean';

export type { ColumnInfo, ColumnKind, ColumnRoles } from './columns';
export { dayFirstReading, describeDateFormat, onlyDayFirst, onlyMonthFirst, type DateFormat } from './dates';
export { describeRatingScale, parseDate, parseRating, ratingSentiment, ratingScale, type RatingScale } from './columns';

export type FeedbackFormat = 'txt' | 'md' | 'csv' | 'tsv' | 'json' | 'jsonl';
export const SUPPORTED_EXTENSIONS: readonly string[] = ['.txt', '.md', '.csv', '.tsv', '.json', '.jsonl'];
const SKIP_DIRS = new Set(['node_modules', '.git', '.product-forge', '.hg', '.svn', '__pycache__']);

export function formatOf(file: string): FeedbackFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.markdown') return 'md';
  if (ext === '.ndjson') return 'jsonl';
  return SUPPORTED_EXTENSIONS.includes(ext) ? (ext.slice(1) as FeedbackFormat) : undefined;
}

/** Why a file cannot be read, and (for a spreadsheet) how to make one that can. */
function unsupported(file: string): string {
  const ext = path.extname(file).toLowerCase();
  const sheet = ['.xlsx', '.xls', '.xlsm', '.ods', '.numbers'].includes(ext) ? ` (a spreadsheet: save or export it as CSV UTF-8 first)` : '';
  return `${file}: unsupported file type "${ext || '(none)'}"; use ${SUPPORTED_EXTENSIONS.join(' ')}${sheet}`;
}

export function isSupportedFile(file: string): boolean {
  return formatOf(file) !== undefined;
}

/** A folder read when its parent folder is: not node_modules, .git, .product-forge nor any other dot-folder. */
export function isReadFolder(name: string): boolean {
  return !name.startsWith('.') && !SKIP_DIRS.has(name);
}

/** A file read when its folder is: a supported type, not hidden (a dot-file). */
export function isReadFileInFolder(name: string): boolean {
  return !name.startsWith('.') && isSupportedFile(name);
}

/**
 * Picks a table's text column(s) once its columns are known (the file is not opened again to read it with others):
 * what it returns is read as `column` is, undefined the detected one. Not called for a file that is no table.
 */
export type ColumnChooser = (t: TableInspection) => string | string[] | undefined;

export interface ReadOptions {
  /**
   * Column (CSV/TSV) or field (JSON/JSONL) holding the feedback text; detected when omitted. Several,
   * comma-separated ("title,review"), are joined into one text per row (a column whose own name has a
   * comma is matched whole first). An array names the columns exactly (as the VS Code picker gives them).
   */
  column?: string | string[] | ColumnChooser;
  signal?: AbortSignal;
  /** Items per batch (default 64). */
  batchSize?: number;
  /** Largest .json file loaded whole (default 200 MB); larger ones must be JSONL. */
  maxJsonBytes?: number;
}

/** What inspectTable() found in a CSV/TSV/JSON/JSONL file. */
export interface TableInspection extends ColumnRoles {
  file: string;
  format: FeedbackFormat;
  /** e.g. "UTF-8", "UTF-16LE (BOM)", "GB18030". */
  encoding: string;
  /** CSV/TSV only. */
  delimiter?: string;
  hasHeader: boolean;
  columns: ColumnInfo[];
  rowsSampled: number;
  /** Rows the header takes when more than one (survey exports: SurveyMonkey 2, Qualtrics 3). */
  headerRows?: number;
  /** CSV/TSV rows before the first data row when not just the header (an Excel "sep=;" line, several header rows). */
  skipRows?: number;
  /** Other names of columns (Qualtrics' ids "Q4" for the question texts the columns are named by): --column takes them too. */
  columnAliases?: Record<string, string>;
  /**
   * CSV/TSV: the file is analysis results or the labels file Product Forge wrote (csvFormula.ts formulaEscapedCsv),
   * whose cells that a spreadsheet would run as formulas carry an added apostrophe, dropped from every cell read.
   */
  formulaEscaped?: boolean;
}

/** Counters filled while a file is read (warnings are final once its batches are exhausted). */
export interface ReadStats {
  rows: number;
  items: number;
  skippedEmpty: number;
  /** Rows whose text is a shop's placeholder for "no review" (此用户没有填写评价, 系统默认好评). */
  skippedPlaceholder?: number;
  raggedRows: number;
  firstRaggedLine?: number;
  badLines: number;
  warnings: string[];
}

export interface FeedbackBatch {
  items: FeedbackItem[];
  /** Bytes of this file consumed so far. */
  bytesDone: number;
}

export interface OpenedFeedbackFile {
  file: string;
  format: FeedbackFormat;
  encoding: string;
  bytesTotal: number;
  /** Tables only. */
  table?: TableInspection;
  /** The column/field the text comes from (tables only; several joined by " + "). */
  textColumn?: string;
  /** Every column/field the text is joined from (tables only). */
  textColumns?: string[];
  stats: ReadStats;
  /** Streams the items; throws UserError when the file has none. Iterate once. */
  batches(): AsyncGenerator<FeedbackBatch>;
}

const TABLE_SAMPLE_ROWS = 500;

/** A cell that reads like a column name (a few words, no sentence), not like a short review. */
function nameLike(c: string): boolean {
  return c.length <= 40 && c.split(/\s+/).length <= 5 && !/[.!?。！？…]$/.test(c);
}

/** The same cells (trailing empty ones not counted): a header row written again further down. */
function sameCells(a: readonly string[], b: readonly string[]): boolean {
  let n = a.length, m = b.length;
  while (n > 0 && a[n - 1] === '') n--;
  while (m > 0 && b[m - 1] === '') m--;
  if (n !== m) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function looksLikeHeader(first: string[], rest: string[][]): boolean {
  const named = first.filter(Boolean);
  if (!named.length) return false;
  // Exports joined together (or paged: the header again every 1,000 rows) repeat the header row further down; those
  // copies say nothing about the rows' values. (Not in one column, where a repeated short review is data.)
  if (named.length > 1) rest = rest.filter((r) => !sameCells(r, first));
  // Cells that are numbers or dates are data, not names.
  if (named.some((c) => /^[-+]?\d+([.,]\d+)?$/.test(c) || /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/.test(c))) return false;
  // Exports have blank names (an index column, empty trailing columns), repeated ones (Jira's "Labels", "Labels") and
  // long ones (a survey's questions): such a row is a header only when a column below a name is typed (numbers, dates).
  const unusual = named.length !== first.length || new Set(named).size !== named.length || named.some((c) => c.length > 60);
  if (!rest.length) return !unusual && first.every((c) => c.length <= 30);
  if (first.length === 1) {
    // One column: only a known column name ("feedback", "review", "评论") or a question is a header; a short first
    // review ("Love it", "Great app") is an item, and so is one that happens to say "at" or "month".
    const h = first[0].trim();
    if (rest.some((r) => r[0] === first[0])) return false;
    if (/[?？]$/.test(h) && h.length <= 120) return !rest.slice(0, 50).some((r) => /[?？]\s*$/.test(r[0] ?? ''));
    return nameLike(h) && h.length <= 30 && isKnownColumnName(h);
  } else if (!unusual && first.some((c) => nameLike(c) && isKnownColumnName(c)) && !rest.some((r) => r.some((v, i) => v === first[i]))) return true;
  // A header cell is short compared with the column's values in at least one column, or a column is numeric below a text header.
  let evidence = 0, typed = 0;
  for (let i = 0; i < first.length; i++) {
    if (!first[i]) continue;
    const vals = rest.map((r) => r[i] ?? '').filter(Boolean);
    if (!vals.length) continue;
    const numeric = vals.filter((v) => /^[-+]?\d+([.,]\d+)?%?$/.test(v)).length / vals.length;
    const dates = vals.filter((v) => /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/.test(v) || /^\d{1,2}[/.]\d{1,2}[/.]\d{4}/.test(v)).length / vals.length;
    if (numeric > 0.8 || dates > 0.8) (evidence += 2), typed++;
    const avg = vals.reduce((a, v) => a + v.length, 0) / vals.length;
    if (avg > first[i].length * 2.5 && avg > 15) evidence += 1;
    if (vals.includes(first[i])) evidence -= 1;
    if (/^[\p{Ll}\p{Lu}_ \u4e00-\u9fff][\p{L}\p{N}_ \-#/.()\u4e00-\u9fff]{0,30}$/u.test(first[i])) evidence += 0.25;
  }
  return unusual ? typed > 0 && evidence >= 2 : evidence >= 1;
}

/** The header rows of a survey export (SurveyMonkey: 2, Qualtrics: 3): the column names they give and how many rows they take. */
function surveyHeader(rows: string[][]): { names: string[]; rows: number; aliases?: Record<string, string> } | undefined {
  if (rows.length < 3) return undefined;
  const [a, b, c] = rows;
  // Qualtrics: the column ids (Q1, Q2_1…), the question texts, then {"ImportId":"QID1"} under every column.
  const filled = c.filter(Boolean);
  if (filled.length && filled.filter((x) => /^\{\s*"ImportId"\s*:/.test(x)).length >= filled.length * 0.8) {
    const names = a.map((id, i) => (b[i] ?? '').trim() || id);
    const aliases: Record<string, string> = {};
    a.forEach((id, i) => id && id !== names[i] && (aliases[id] = names[i]));
    return { names, rows: 3, aliases };
  }
  // SurveyMonkey: the questions (blank above a question's further options), then "Response", "Open-Ended Response" or
  // the answer option under each column.
  // Its first columns are "Respondent ID" and "Collector ID"; without them, "Response" must be most of row 2 (a row of
  // data that merely holds a cell "Response" is no second header row).
  const isResponse = (x: string) => /^(open-ended )?response$/i.test(x.trim());
  const monkeyIds = a.some((x) => /^(respondent|collector) id$/i.test(x.trim()));
  const subs = b.filter((x) => x.trim());
  const mostlyResponses = subs.length >= 2 && subs.filter(isResponse).length >= subs.length * 0.5;
  if (a[0] && b.some(isResponse) && (monkeyIds || mostlyResponses) && a.every((x, i) => x || (b[i] ?? '').trim())) {
    let q = '';
    const names = a.map((x, i) => {
      const sub = (b[i] ?? '').trim();
      if (x) q = x;
      return !sub || isResponse(sub) ? x || q : `${q} - ${sub}`;
    });
    return { names, rows: 2 };
  }
  return undefined;
}

function columnList(cols: ColumnInfo[]): string {
  return cols.map((c) => `${c.name} (${c.kind})`).join(', ');
}

/**
 * The text columns `column` names in a table (as openFeedbackFile reads them: exact, case-insensitive or by an alias;
 * undefined: the detected one); a UserError saying what the table has when it has none of that name.
 */
export function tableTextColumns(t: TableInspection, column: string | string[] | undefined): string[] {
  return resolveColumns(t.file, t, column);
}

/** The text columns of a table: one, several from a comma-separated list, or the listed ones. */
function resolveColumns(source: string, t: TableInspection, column: string | string[] | undefined): string[] {
  if (Array.isArray(column)) {
    if (!column.length) return [resolveColumn(source, t, undefined)];
    return [...new Set(column.map((c) => resolveColumn(source, t, c)))];
  }
  if (column !== undefined && column.includes(',') && !findColumn(t, column)) {
    const parts = column.split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.length > 1) return [...new Set(parts.map((p) => resolveColumn(source, t, p)))];
  }
  return [resolveColumn(source, t, column)];
}

function findColumn(t: TableInspection, column: string): ColumnInfo | undefined {
  const found = t.columns.find((c) => c.name === column) ?? t.columns.find((c) => c.name.toLowerCase() === column.trim().toLowerCase());
  if (found || !t.columnAliases) return found;
  const alias = Object.keys(t.columnAliases).find((a) => a === column || a.toLowerCase() === column.trim().toLowerCase());
  return alias === undefined ? undefined : t.columns.find((c) => c.name === t.columnAliases![alias]);
}

function resolveColumn(source: string, t: TableInspection, column: string | undefined): string {
  const what = t.format === 'json' || t.format === 'jsonl' ? 'field' : 'column';
  if (column !== undefined) {
    const exact = findColumn(t, column);
    if (exact) return exact.name;
    if (/^c?\d+$/.test(column) && !t.hasHeader) {
      const idx = Number(column.replace(/^c/, ''));
      const c = t.columns[idx];
      if (c) return c.name;
    }
    // a wide export's list shortened, and the text-like ones named (the list would bury them)
    const names = t.columns.map((c) => c.name);
    const textLike = t.candidates.slice(0, 5);
    const all = names.length > 40 ? `${names.slice(0, 40).join(', ')}, … (${names.length} in all)` : names.join(', ');
    throw new UserError(`${source} has no ${what} "${column}"; its ${what}s are: ${all || 'none'}${textLike.length ? `; text-like: ${textLike.join(', ')}` : ''}`);
  }
  const only = t.columns.length === 1 ? t.columns[0] : undefined;
  if (!t.textColumn && only && fewShortValues(only)) {
    throw new UserError(
      `${source}: its only ${what}, "${only.name}", holds ${only.distinct} short value${only.distinct === 1 ? '' : 's'} repeated (${only.examples.map((v) => JSON.stringify(v)).join(', ')}${only.distinct > only.examples.length ? ', …' : ''}): labels or categories, not feedback. Analyze Feedback needs a ${what} of free text (what people wrote); --column ${JSON.stringify(only.name)} reads it anyway`,
    );
  }
  if (!t.textColumn) {
    throw new UserError(
      `${source} has no ${what} that looks like feedback text (${what}s: ${columnList(t.columns) || 'none'}); pass --column NAME to choose one`,
    );
  }
  return t.textColumn;
}

/** A column of a few short values, each repeated (labels, yes/no, categories): not feedback text, however worded. */
function fewShortValues(c: ColumnInfo): boolean {
  return c.nonEmpty >= 4 && c.distinct <= 6 && c.distinct * 2 <= c.nonEmpty && c.avgLength <= 12 && c.examples.every(labelLike);
}

/**
 * A value as labels and categories are written: at most three words, no sentence punctuation, and in Chinese at most
 * four characters (好评, 差评, 负面; "价格便宜，质量却很差" is a review, however few characters it takes).
 */
function labelLike(v: string): boolean {
  if (/[,.;:!?，。；：！？、]/.test(v.replace(/^[\s.]+|[\s.]+$/g, ''))) return false;
  if (v.trim().split(/\s+/).length > 3) return false;
  const han = v.match(/\p{Script=Han}/gu)?.length ?? 0;
  return han <= 4;
}

async function inspectOpened(opened: OpenedText, file: string, format: FeedbackFormat, maxJsonBytes: number): Promise<{ t: TableInspection; json?: JsonRecord[] }> {
  const base = { file, format, encoding: opened.encoding.label };
  if (format === 'csv' || format === 'tsv') {
    // Excel's "sep=;" first line names the delimiter; it is no row of the table.
    const sep = /^sep=([^\r\n])[ ]*(?:\r\n|\n|\r)/i.exec(opened.sample);
    const delimiter = sep ? sep[1] : detectDelimiter(opened.sample, format === 'tsv' ? '\t' : ',');
    await breathe(); // each stage parses hundreds of rows: the thread gets a turn between them
    const preamble = sep ? 1 : 0;
    const rows = parseCsvText(opened.sample, delimiter, !opened.sampleIsWhole, TABLE_SAMPLE_ROWS + 3 + preamble).slice(preamble);
    // Product Forge's own results or labels file (analyzed again): their cells are read as the customers wrote them
    const formulaEscaped = rows.length > 0 && formulaEscapedCsv(file, rows[0].cells);
    if (formulaEscaped) for (const r of rows) unescapeFormulaRow(r.cells);
    await breathe();
    const survey = formulaEscaped ? undefined : surveyHeader(rows.map((r) => r.cells));
    const headerRows = survey ? survey.rows : formulaEscaped || (rows.length > 0 && looksLikeHeader(rows[0].cells, rows.slice(1, TABLE_SAMPLE_ROWS + 1).map((r) => r.cells))) ? 1 : 0;
    const hasHeader = headerRows > 0;
    // a header row repeated below (exports joined together) is no data: its names are no values of the columns
    const dataRows = rows.slice(headerRows).filter((r) => headerRows !== 1 || !sameCells(r.cells, rows[0].cells)).slice(0, TABLE_SAMPLE_ROWS);
    const width = Math.max(0, ...dataRows.map((r) => r.cells.length));
    const header = survey ? survey.names : hasHeader ? rows[0].cells : [];
    const names = uniqueNames(Array.from({ length: hasHeader ? header.length : width }, (_, i) => (hasHeader ? header[i] ?? '' : `c${i}`)));
    const data = dataRows.map((r) => r.cells);
    const columns = inferColumns(names, data);
    await breathe();
    const extra = { ...(formulaEscaped ? { formulaEscaped } : {}), ...(headerRows > 1 ? { headerRows } : {}), ...(preamble || headerRows > 1 ? { skipRows: preamble + headerRows } : {}), ...(survey?.aliases && Object.keys(survey.aliases).length ? { columnAliases: survey.aliases } : {}) };
    const roles = detectRoles(columns, data.length);
    // One column of words is the feedback, however short and repeated its texts ("Love it", "Slow sync", "Love it"
    // read as a category): a file of one column has nothing else to read. Not one named as no text ("sentiment", "status").
    const only = columns.length === 1 ? columns[0] : undefined;
    if (only && !roles.textColumn && only.kind === 'category' && (!hasHeader || hasTextNameHint(only.name) || !isKnownColumnName(only.name))) {
      Object.assign(roles, { textColumn: only.name, candidates: [only.name] });
    }
    // ... unless it holds a few short values, repeated: a labels file (positive/negative/neutral, yes/no) is no feedback
    if (only && roles.textColumn === only.name && fewShortValues(only)) Object.assign(roles, { textColumn: undefined, candidates: [] });
    return { t: { ...base, delimiter, hasHeader, columns, rowsSampled: data.length, ...extra, ...roles } };
  }
  let objects: (string | Record<string, string>)[];
  let json: JsonRecord[] | undefined;
  if (format === 'json') {
    json = await loadJsonRecords(opened, file, maxJsonBytes);
    objects = json.slice(0, TABLE_SAMPLE_ROWS).map((r) => r.value);
  } else {
    objects = sampleJsonlObjects(opened.sample, opened.sampleIsWhole, TABLE_SAMPLE_ROWS);
  }
  const names: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) if (typeof o !== 'string') for (const k of Object.keys(o)) if (!seen.has(k)) (seen.add(k), names.push(k));
  const recs = objects.filter((o): o is Record<string, string> => typeof o !== 'string');
  const columns = inferColumns(names, recs.map((o) => names.map((n) => o[n] ?? '')));
  const roles = detectRoles(columns, recs.length);
  return { t: { ...base, hasHeader: true, columns, rowsSampled: objects.length, ...roles }, json };
}

/** inspectTable's refusal of a file that is no table (a .txt read one item per line, a .md). */
export class NotATableError extends UserError {}

/**
 * Columns of a table file with inferred kinds, the detected text column and the candidates, so a UI can
 * offer a quick pick when `ambiguous`. Works for .csv/.tsv/.json/.jsonl, and a .txt that analyze reads as a table
 * (a UTF-16 tab-separated export); any other file is refused as no table.
 */
export async function inspectTable(file: string, opts: { maxJsonBytes?: number } = {}): Promise<TableInspection> {
  const notTable = () => new NotATableError(`${file} is not a table (use a .csv, .tsv, .json or .jsonl file)`);
  const format = formatOf(file);
  if (!format || format === 'md') throw notTable();
  const opened = await openText(file);
  // A .txt is a table only when analyze reads it as one (Excel's "Unicode Text" export: UTF-16, tab-separated).
  const sniffed = sniffFormat(opened.sample, opened.sampleIsWhole, format, opened.encoding.label);
  if (sniffed === 'txt') throw notTable();
  return (await inspectOpened(opened, file, sniffed, opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES)).t;
}

function emptyReason(stats: ReadStats, format: FeedbackFormat, t?: TableInspection, col?: string): string {
  if (stats.rows === 0) {
    if (format === 'csv' || format === 'tsv') return t?.hasHeader ? 'only a header row' : 'no rows';
    if (format === 'json' || format === 'jsonl') return stats.badLines ? `${stats.badLines} unparsable lines` : 'no records';
    return 'no text lines';
  }
  if (col && stats.skippedPlaceholder) return `the ${format === 'json' || format === 'jsonl' ? 'field' : 'column'} "${col}" is empty or a shop's "no review" placeholder in all ${stats.rows} rows`;
  if (col) return `the ${format === 'json' || format === 'jsonl' ? 'field' : 'column'} "${col}" is empty in all ${stats.rows} rows`;
  return 'all lines are empty or Markdown structure';
}

/** The start of a sample that sniffFormat reads. */
const HEAD_CHARS = 256 * 1024;

/**
 * The format of a file whose content says otherwise than its extension: a UTF-16 .txt that is a tab-separated table
 * with a header (Excel's "Unicode Text" export) is read as TSV, a .json holding one JSON object per line (Zendesk's and
 * many tools' "JSON" exports) as JSON Lines. A UTF-8 .txt stays lines of feedback ("1.<tab>Love it", "Jane:<tab>...").
 */
export function sniffFormat(sample: string, sampleIsWhole: boolean, format: FeedbackFormat, encoding = ''): FeedbackFormat {
  if (format !== 'txt' && format !== 'json') return format;
  // 200 filled lines are all it reads: split only the start of the (up to 1 MB) sample.
  const head = sample.length > HEAD_CHARS ? sample.slice(0, HEAD_CHARS) : sample;
  const lines = head.split(/\r\n|\n|\r/);
  if (!sampleIsWhole || head !== sample) lines.pop();
  const filled = lines.filter((l) => l.trim()).slice(0, 200);
  if (format === 'txt' && /^utf-?16/i.test(encoding) && filled.length >= 3) {
    const tabs = filled.map((l) => (l.match(/\t/g) ?? []).length);
    if (tabs[0] >= 1 && tabs.filter((n) => n === tabs[0]).length >= filled.length * 0.9) {
      const rows = parseCsvText(filled.join('\n'), '\t');
      if (rows.length >= 3 && looksLikeHeader(rows[0].cells, rows.slice(1).map((r) => r.cells))) return 'tsv';
    }
  }
  if (format === 'json' && filled.length >= 2) {
    const objectLine = (l: string) => {
      try {
        const v: unknown = JSON.parse(l);
        return !!v && typeof v === 'object' && !Array.isArray(v);
      } catch {
        return false;
      }
    };
    // one object a line, a line that is not valid JSON among them (it is skipped and counted, as in a .jsonl)
    const next = filled.slice(1, 21).filter((l) => objectLine(l.trim())).length;
    if (objectLine(filled[0].replace(/^\uFEFF/, '').trim()) && next >= Math.max(1, (Math.min(filled.length, 21) - 1) / 2)) return 'jsonl';
  }
  return format;
}

/**
 * Opens one supported file: encoding, format and (for tables) columns are detected up front. Given the file already
 * opened by openText (its start read, to look at it first), that is used: the file is not opened again.
 */
export async function openFeedbackFile(input: string | OpenedText, opts: ReadOptions = {}): Promise<OpenedFeedbackFile> {
  const file = typeof input === 'string' ? input : input.file;
  const named = formatOf(file);
  if (!named) throw new UserError(unsupported(file));
  const opened = typeof input === 'string' ? await openText(file) : input;
  const format = sniffFormat(opened.sample, opened.sampleIsWhole, named, opened.encoding.label);
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  const signal = opts.signal;
  const stats: ReadStats = { rows: 0, items: 0, skippedEmpty: 0, raggedRows: 0, badLines: 0, warnings: [] };
  const common = { file, format, encoding: opened.encoding.label, bytesTotal: opened.bytesTotal, stats };
  if (opened.bytesTotal === 0) throw new UserError(`No feedback items found in ${file} (the file is empty)`);
  if (opened.sampleIsWhole && !opened.sample.trim()) throw new UserError(`No feedback items found in ${file} (the file is empty: it holds only spaces and blank lines)`);

  // Rows skipped for an empty text that have another text-like column filled (an App Store review's title without a body).
  const filledElsewhere = new Map<string, number>();
  const noteFilled = (get: (col: string) => string | undefined, others: readonly string[]) => {
    for (const c of others) if (get(c)?.trim()) filledElsewhere.set(c, (filledElsewhere.get(c) ?? 0) + 1);
  };
  const finish = (col?: string, t?: TableInspection, textCols?: readonly string[]) => {
    let hint = '';
    const [other, n] = [...filledElsewhere].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (other && n && textCols?.length) {
      const what = format === 'json' || format === 'jsonl' ? 'field' : 'column';
      const arg = [other, ...textCols].join(',');
      hint = `${n === stats.skippedEmpty ? (n === 1 ? 'it has' : 'all have') : `${n} of them have`} a ${JSON.stringify(other)} ${what}: --column ${/[\s"'$`\\]/.test(arg) ? JSON.stringify(arg) : arg} reads it too`;
    }
    // what the reader said about the file (a Markdown table of counts it did not read) belongs in the refusal
    const said = stats.warnings.map((w) => w.replace(`${file}: `, '')).join('; ');
    if (stats.items === 0) throw new UserError(`No feedback items found in ${file} (${emptyReason(stats, format, t, col)})${hint ? `; ${hint.replace(/^all have/, 'they have')}` : ''}${said ? `; ${said}` : ''}`);
    if (stats.skippedPlaceholder) stats.warnings.push(`${file}: ${stats.skippedPlaceholder} row${stats.skippedPlaceholder === 1 ? ' holds' : 's hold'} a shop's placeholder instead of a review ("此用户没有填写评价", "系统默认好评") and ${stats.skippedPlaceholder === 1 ? 'was' : 'were'} skipped`);
    if (stats.skippedEmpty) stats.warnings.push(`${file}: ${stats.skippedEmpty} row${stats.skippedEmpty === 1 ? '' : 's'} with empty text skipped${hint ? ` (${hint})` : ''}`);
  };

  if (format === 'txt' || format === 'md') {
    return {
      ...common,
      async *batches() {
        for await (const b of textItems(opened, file, { markdown: format === 'md', batchSize, signal, warnings: stats.warnings })) {
          stats.rows += b.items.length;
          // a shop's "no review" line (此用户没有填写评价) is no feedback, in a text file as in a table
          const items = b.items.filter((it) => !isPlaceholderReview(it.text));
          if (items.length < b.items.length) stats.skippedPlaceholder = (stats.skippedPlaceholder ?? 0) + b.items.length - items.length;
          stats.items += items.length;
          if (items.length) yield items.length === b.items.length ? b : { ...b, items };
        }
        finish();
      },
    };
  }

  const { t, json } = await inspectOpened(opened, file, format, opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES);
  if ((format === 'csv' || format === 'tsv') && t.hasHeader && t.rowsSampled === 0) {
    throw new UserError(`No feedback items found in ${file} (only a header row)`);
  }
  const allStrings = t.columns.length === 0;
  const textColumns = allStrings ? undefined : resolveColumns(file, t, typeof opts.column === 'function' ? opts.column(t) : opts.column);
  const textColumn = textColumns?.join(' + ');
  // the other text-like columns: where a row whose text is empty may still say something
  const otherText = t.candidates.filter((c) => !textColumns?.includes(c) && c !== t.ratingColumn && c !== t.dateColumn && t.columns.find((x) => x.name === c)?.kind === 'text');

  if (format === 'json' || format === 'jsonl') {
    return {
      ...common,
      table: t,
      textColumn,
      textColumns,
      async *batches() {
        const emit = function* (records: JsonRecord[], bytesDone: number): Generator<FeedbackBatch> {
          stats.rows += records.length;
          const all = recordsToItems(records, file, textColumns);
          stats.skippedEmpty += records.length - all.length;
          const items = all.filter((it) => !isPlaceholderReview(it.text));
          if (items.length < all.length) stats.skippedPlaceholder = (stats.skippedPlaceholder ?? 0) + all.length - items.length;
          if (items.length < records.length && otherText.length) {
            for (const r of records) {
              const o = r.value;
              if (typeof o !== 'string' && !joinTextParts((textColumns ?? []).map((c) => o[c] ?? ''))) noteFilled((c) => o[c], otherText);
            }
          }
          stats.items += items.length;
          for (let i = 0; i < items.length; i += batchSize) yield { items: items.slice(i, i + batchSize), bytesDone };
        };
        if (json) {
          for (let i = 0; i < json.length; i += batchSize * 16) {
            if (signal?.aborted) throw new CancelledError();
            yield* emit(json.slice(i, i + batchSize * 16), Math.round((opened.bytesTotal * Math.min(json.length, i + batchSize * 16)) / json.length));
          }
        } else {
          const st = { badLines: 0 } as { badLines: number; firstBadLine?: number; firstBadError?: string };
          try {
            for await (const b of jsonlRecords(opened, file, st, signal)) yield* emit(b.records, b.bytesDone);
          } finally {
            stats.badLines = st.badLines;
          }
          if (st.badLines) stats.warnings.push(`${file}: ${st.badLines} line${st.badLines === 1 ? ' is' : 's are'} not valid JSON and ${st.badLines === 1 ? 'was' : 'were'} skipped (first: line ${st.firstBadLine})`);
        }
        finish(textColumn, t, textColumns);
      },
    };
  }

  // CSV / TSV
  const names = t.columns.map((c) => c.name);
  const textIdx = textColumns!.map((c) => names.indexOf(c));
  const isText = new Set(textIdx);
  const otherIdx = otherText.map((c) => names.indexOf(c)).filter((i) => i >= 0);
  // Rows are "ragged" against the header, or (headerless) against the most common row length.
  let width = names.length;
  const skipRows = t.skipRows ?? (t.hasHeader ? 1 : 0);
  // The most common row length in the sample (trailing empty fields, a spreadsheet's `,,`, not counted), and its share.
  const freq = new Map<number, number>();
  let sampled = 0;
  const sampleRows = parseCsvText(opened.sample, t.delimiter!, !opened.sampleIsWhole, 500 + skipRows);
  // The header row as written: a copy of it further down (exports joined together) is skipped, not read as feedback.
  // (A survey's first header row; Product Forge's own results are compared before their apostrophes are dropped.)
  const headerCells = t.hasHeader ? sampleRows[skipRows - (t.headerRows ?? 1)]?.cells : undefined;
  const repeatsHeader = (cells: readonly string[]) => !!headerCells && headerCells.length > 1 && sameCells(cells, headerCells);
  // rows wider than the header, and those whose extra fields are words of prose ("Très bien, j'adore le café")
  let wide = 0, proseBeyond = 0;
  for (const r of sampleRows.slice(skipRows)) {
    if (repeatsHeader(r.cells)) continue;
    let n = r.cells.length;
    while (n > 1 && r.cells[n - 1] === '') n--;
    freq.set(n, (freq.get(n) ?? 0) + 1);
    sampled++;
    if (n > width) {
      wide++;
      if (r.cells.slice(width, n).some((c) => /\p{L}/u.test(c) && /\S\s+\S/.test(c))) proseBeyond++;
    }
  }
  const [usualWidth, usualRows] = [...freq].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0] ?? [width, 0];
  if (!t.hasHeader) width = usualWidth;
  // Nearly every row wider than the header by the same count: columns the header does not name (`id,text` over
  // `1,great,5`), not commas in a text; unless what lies beyond the header is prose, as commas in a text leave it.
  const unnamedColumns = usualWidth > width && usualRows >= 0.8 * sampled && proseBeyond < wide / 2;
  return {
    ...common,
    table: t,
    textColumn,
    textColumns,
    async *batches() {
      let headerPending = skipRows;
      let firstJoinedLine: number | undefined;
      // The text is the last column: a row with more fields has delimiters in its text that were not quoted (a
      // hand-made export: `12,2024-05-01,slow, and it crashes`); they are part of the text, not fields of their own,
      // and the text is taken as written. Not when nearly all rows are that wide (a column the header does not name:
      // `id,text` over `1,great,5`), nor when a field from the text on was quoted (`1,"great, fast",extra`).
      const lastIsText = textIdx.length === 1 && textIdx[0] === width - 1 && !unnamedColumns;
      const parser = new CsvParser(t.delimiter!, file, true, lastIsText ? width : undefined);
      const trailingDelimiters = new RegExp(`[${t.delimiter === '\t' ? '\\t' : t.delimiter!.replace(/[|\\^$.*+?()[\]{}]/g, '\\$&')}\\s]+$`);
      let unquoted = 0;
      let firstUnquotedLine: number | undefined;
      let repeatedHeaders = 0;
      let firstRepeatedHeader: number | undefined;
      let out: FeedbackItem[] = [];
      let bytesDone = 0;
      const take = (rows: CsvRow[]) => {
        for (const r of rows) {
          if (headerPending > 0) {
            headerPending--;
            continue;
          }
          if (repeatsHeader(r.cells)) {
            repeatedHeaders++;
            firstRepeatedHeader ??= r.line;
            continue;
          }
          stats.rows++;
          if (t.formulaEscaped) unescapeFormulaRow(r.cells);
          // trailing empty fields (a spreadsheet's `,,` after the last column) are nothing
          while (r.cells.length > width && r.cells[r.cells.length - 1] === '') r.cells.pop();
          if (lastIsText && r.cells.length > width && r.tail && !r.tail.quoted && !/[\r\n]/.test(r.tail.text)) {
            r.cells.splice(width - 1, r.cells.length, r.tail.text.replace(trailingDelimiters, ''));
            unquoted++;
            if (firstUnquotedLine === undefined) firstUnquotedLine = r.line;
          }
          if (r.cells.length !== width) {
            stats.raggedRows++;
            if (stats.firstRaggedLine === undefined) stats.firstRaggedLine = r.line;
            // a quoted field over several lines in a row of the wrong width: a stray quote joined rows
            if (firstJoinedLine === undefined && r.cells.some((c) => /[\r\n]/.test(c))) firstJoinedLine = r.line;
          }
          const text = joinTextParts(textIdx.map((i) => r.cells[i] ?? ''));
          if (!text) {
            stats.skippedEmpty++;
            if (otherIdx.length) noteFilled((c) => r.cells[names.indexOf(c)], otherText);
            continue;
          }
          if (isPlaceholderReview(text)) {
            stats.skippedPlaceholder = (stats.skippedPlaceholder ?? 0) + 1;
            continue;
          }
          const fields: Record<string, string> = {};
          for (let i = 0; i < r.cells.length; i++) {
            if (isText.has(i)) continue;
            fields[i < names.length ? names[i] : `c${i}`] = r.cells[i];
          }
          out.push({ source: file, line: r.line, text, fields });
          stats.items++;
        }
      };
      for await (const chunk of opened.chunks(signal)) {
        bytesDone = chunk.bytesDone;
        take(parser.push(chunk.text));
        while (out.length >= batchSize) yield { items: out.splice(0, batchSize), bytesDone };
      }
      take(parser.end());
      while (out.length) yield { items: out.splice(0, batchSize), bytesDone: opened.bytesTotal };
      if (firstJoinedLine === undefined && parser.joinedRowsAt !== undefined) {
        stats.warnings.push(`${file}: the row at line ${parser.joinedRowsAt} has a quoted field that runs over several lines and goes on after its closing quote, so an unbalanced double quote there probably joined rows into one (a quote inside a quoted field is written as "")`);
      }
      if (repeatedHeaders) {
        stats.warnings.push(`${file}: ${repeatedHeaders} row${repeatedHeaders === 1 ? ' repeats' : 's repeat'} the header row (first at line ${firstRepeatedHeader}), as when exports are joined together; ${repeatedHeaders === 1 ? 'it was' : 'they were'} skipped, not read as feedback`);
      }
      if (unquoted) {
        stats.warnings.push(`${file}: ${unquoted} row${unquoted === 1 ? ' has' : 's have'} more fields than the ${width} columns (first at line ${firstUnquotedLine}): ${delimiterName(t.delimiter!)}s in the text that were not quoted; the fields after ${JSON.stringify(textColumns![0])} were read as part of its text`);
      }
      if (stats.raggedRows) {
        const joined = firstJoinedLine === undefined ? '' : `; the row at line ${firstJoinedLine} has a quoted field that runs over several lines, so an unbalanced double quote there probably joined rows into one (a quote inside a quoted field is written as "")`;
        stats.warnings.push(`${file}: ${stats.raggedRows} row${stats.raggedRows === 1 ? ' has' : 's have'} a different number of fields than the ${width} columns (first at line ${stats.firstRaggedLine}); they were kept${joined}`);
      }
      void delimiterName;
      finish(textColumn, t, textColumns);
    },
  };
}

/**
 * What Product Forge itself wrote, recognised by how the file begins: analysis results (`analyze --out`, any format),
 * a report, or a predictions CSV (`predict`, the Train view). Such a file found in an analyzed folder is output, not
 * feedback: reading it again would count every item twice. Undefined for anything else.
 */
export async function productForgeOutputKind(file: string): Promise<string | undefined> {
  let head: string;
  try {
    const fh = await fsp.open(file, 'r');
    try {
      // enough for a wide header row (predictions keep every input column)
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    } finally {
      await fh.close();
    }
  } catch {
    return undefined; // opening it reports the problem
  }
  // Whatever the extension (--out results.txt --format csv is allowed), by the first line.
  const firstLine = head.split(/\r?\n/, 1)[0];
  const d = '[,;\t|]';
  if (new RegExp(`^source${d}line${d}text${d}label${d}score${d}negative${d}neutral${d}positive\\b`).test(firstLine)) return 'analysis results';
  // predict: the input's columns (and delimiter) + prediction, confidence (suffixed when the input had them)
  if (new RegExp(`${d}prediction(_\\d+)?${d}confidence(_\\d+)?$`).test(firstLine)) return 'predictions';
  if (/^\{"source":.*?,"line":\d+,"text":/.test(firstLine)) return 'analysis results';
  if (/^\{\n {2}"inputs": \[/.test(head)) return 'analysis results';
  if (/^# [^\n]+\n\s*[^\n]* from \d+ files? \([^\n]*\) analyzed locally with `/.test(head)) return 'an analysis report';
  // generate's documents (src/core/generate/document.ts): the title, then the quoted note on how it was drafted
  if (/^# [^\n]+\n\s*> (\*\*Draft made without a language model\*\*|Drafted by a language model \()/.test(head)) return 'a generated document';
  return undefined;
}

/** The files of a report folder (writeReport): a folder holding all of them is skipped when a folder is analyzed. */
const REPORT_FILES = ['report.md', 'results.csv', 'summary.json'];

/**
 * Expands files and folders (recursively; node_modules, .git, .product-forge, dot-folders and report folders
 * skipped) into the supported files, sorted. Missing paths and unsupported files given explicitly are UserErrors.
 */
export async function listFeedbackFiles(inputs: string[]): Promise<string[]> {
  return (await listFeedbackInputs(inputs)).map((f) => f.file);
}

/**
 * listFeedbackFiles, saying which files were found in a folder (inFolder) rather than named: an unreadable
 * file found in a folder (empty, binary, no text column) is skipped with a warning, a named one is an error.
 */
export async function listFeedbackInputs(inputs: string[], notRead?: string[]): Promise<{ file: string; inFolder: boolean }[]> {
  if (!inputs.length) throw new UserError('no input files or folders given');
  const others: string[] = [];
  const out: string[] = [];
  const named = new Set<string>();
  let inputsRoot = '';
  const walk = async (dir: string) => {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // A report folder Product Forge wrote (--report-dir inside the analyzed folder) is output, not feedback.
    const names = new Set(entries.map((e) => e.name));
    if (dir !== inputsRoot && REPORT_FILES.every((n) => names.has(n))) return;
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (isReadFolder(e.name)) await walk(p);
      } else if (e.isFile() && isReadFileInFolder(e.name)) out.push(p);
      else if (e.isFile() && !e.name.startsWith('.')) others.push(p);
    }
  };
  for (const input of inputs) {
    let st;
    try {
      st = await fsp.stat(input);
    } catch {
      throw new UserError(`${input} does not exist`);
    }
    if (st.isDirectory()) {
      const before = out.length, othersBefore = others.length;
      inputsRoot = input;
      await walk(input);
      if (out.length === before) {
        const sheets = others.slice(othersBefore).filter(isSpreadsheet);
        const why = sheets.length ? `: ${sheets.length === 1 ? 'a spreadsheet' : `${sheets.length} spreadsheets`} (${names(sheets)}) must be saved as CSV UTF-8 first` : '';
        throw new UserError(`No feedback items found in ${input} (no ${SUPPORTED_EXTENSIONS.join(' ')} files in the folder${why})`);
      }
    } else if (!isSupportedFile(input)) {
      throw new UserError(unsupported(input));
    } else {
      out.push(input);
      named.add(path.resolve(input));
    }
  }
  notRead?.push(...others);
  const seen = new Set<string>();
  const files: { file: string; inFolder: boolean }[] = [];
  for (const f of out) {
    const abs = path.resolve(f);
    if (seen.has(abs)) continue;
    seen.add(abs);
    files.push({ file: f, inFolder: !named.has(abs) });
  }
  return files;
}

const SPREADSHEET_EXTENSIONS = ['.xlsx', '.xls', '.xlsm', '.xlsb', '.ods', '.numbers'];
const isSpreadsheet = (f: string) => SPREADSHEET_EXTENSIONS.includes(path.extname(f).toLowerCase());
/** Up to three names, then how many more. */
const names = (files: readonly string[]) => `${files.slice(0, 3).join(', ')}${files.length > 3 ? `, … ${files.length - 3} more` : ''}`;

/**
 * What a folder held that is not read (files of other types, listFeedbackInputs' `notRead`), as one note, or
 * undefined when nothing: spreadsheets by name (their feedback is read once saved as CSV), the others counted.
 */
export function notReadNote(files: readonly string[]): string | undefined {
  if (!files.length) return undefined;
  const sheets = files.filter(isSpreadsheet);
  const rest = files.filter((f) => !isSpreadsheet(f));
  const exts = [...new Set(rest.map((f) => path.extname(f).toLowerCase() || '(none)'))];
  const parts = [
    sheets.length ? `${sheets.length === 1 ? 'a spreadsheet' : `${sheets.length} spreadsheets`} (${names(sheets)}): save ${sheets.length === 1 ? 'it' : 'each'} as CSV UTF-8 to include ${sheets.length === 1 ? 'it' : 'them'}` : '',
    rest.length ? `${rest.length} file${rest.length === 1 ? '' : 's'} of other types (${exts.slice(0, 6).join(' ')}${exts.length > 6 ? ' …' : ''})` : '',
  ].filter(Boolean);
  return `not read: ${parts.join('; ')}; feedback files are ${SUPPORTED_EXTENSIONS.join(' ')}`;
}

/** Why a file found in a folder is not read: Product Forge wrote it (`kind`, productForgeOutputKind's). */
export function outputSkippedNote(file: string, kind: string): string {
  return `skipped ${file}: ${kind} written by Product Forge, not feedback`;
}

/** Why a file found in a folder is not read: it cannot be (`e`: what opening or reading it said). */
export function unreadableSkippedNote(file: string, e: UserError): string {
  const why = e.message.replace(/^No feedback items found in [^(]*\(([^)]*)\)$/, '$1');
  // the file named once: "skipped a.csv, which is an Excel workbook…", not "skipped a.csv: a.csv is an Excel workbook…"
  if (why.startsWith(`${file} `)) return `skipped ${file}, which ${why.slice(file.length + 1)}`;
  return `skipped ${file}: ${why.startsWith(`${file}: `) ? why.slice(file.length + 2) : why}`;
}

/**
 * Opens every listed file (`files`: all of them, skipped ones too): a named file that cannot be read is an
 * error; one found in a folder is skipped, with the reason in `skipped` (an error still when nothing is left).
 */
export async function openFeedbackInputs(
  inputs: string[],
  opts: ReadOptions,
): Promise<{ files: string[]; opened: OpenedFeedbackFile[]; skipped: string[] }> {
  const opened: OpenedFeedbackFile[] = [];
  const skipped: string[] = [];
  let first: UserError | undefined;
  const notRead: string[] = [];
  const listed = await listFeedbackInputs(inputs, notRead);
  const others = notReadNote(notRead);
  if (others) skipped.push(others);
  for (const { file, inFolder } of listed) {
    if (opts.signal?.aborted) throw new CancelledError();
    const output = inFolder ? await productForgeOutputKind(file) : undefined;
    if (output) {
      skipped.push(`${outputSkippedNote(file, output)} (name the file to analyze it anyway)`);
      continue;
    }
    try {
      opened.push(await openFeedbackFile(file, opts));
    } catch (e) {
      if (!inFolder || !(e instanceof UserError)) throw e;
      first ??= e;
      skipped.push(unreadableSkippedNote(file, e));
    }
  }
  if (!opened.length) throw first ?? new UserError(`No feedback found: ${skipped.join('; ')}`);
  return { files: listed.map((f) => f.file), opened, skipped };
}

/** Reads all items of one (small) file into memory. Prefer openFeedbackFile().batches() for large inputs. */
export async function readFeedbackFile(file: string, opts: ReadOptions = {}): Promise<{ items: FeedbackItem[]; file: OpenedFeedbackFile }> {
  const f = await openFeedbackFile(file, opts);
  const items: FeedbackItem[] = [];
  for await (const b of f.batches()) items.push(...b.items);
  return { items, file: f };
}

/**
 * The item whose text is at 1-based `line` of a file (a line of a .txt/.md/.jsonl, a physical line of
 * a CSV/TSV row, including the continuation lines of a quoted multi-line cell, or any line of a JSON
 * array's element up to the next one), read only as far as that line; undefined for a header, blank
 * or skipped line.
 */
export async function feedbackItemAtLine(file: string, line: number, opts: ReadOptions = {}): Promise<FeedbackItem | undefined> {
  return (await feedbackItemsInLines(file, line, line, { ...opts, max: 1 })).items[0];
}

/**
 * The items on 1-based lines `first` to `last` of a file, in file order, as feedbackItemAtLine finds one: those that
 * start there, and first the one that `first` continues (a quoted cell's or a JSON element's later line). Read only as
 * far as `last`; `items` holds the first `max` of them, `count` says how many there are.
 */
export async function feedbackItemsInLines(
  file: string,
  first: number,
  last: number,
  opts: ReadOptions & { max?: number } = {},
): Promise<{ items: FeedbackItem[]; count: number }> {
  const f = await openFeedbackFile(file, opts);
  // A JSON element runs from its line to the next element's (pretty-printed objects span lines).
  const covers = (it: FeedbackItem | undefined, final: boolean): it is FeedbackItem =>
    !!it && (f.format === 'json' ? it.line <= first && (final || it.line < first) : within(it, first) !== undefined);
  const max = opts.max ?? Infinity;
  const items: FeedbackItem[] = [];
  let count = 0;
  const take = (it: FeedbackItem) => {
    if (items.length < max) items.push(it);
    count++;
  };
  let prev: FeedbackItem | undefined;
  let started = false;
  read: for await (const b of f.batches()) {
    for (const it of b.items) {
      if (!started && it.line >= first) {
        started = true;
        if (it.line > first && covers(prev, false)) take(prev!);
      }
      if (it.line > last) break read;
      if (it.line >= first) take(it);
      prev = it;
    }
  }
  if (!started && covers(prev, true)) take(prev);
  return { items, count };
}

/** `item` when `line` falls on one of its continuation lines (its text spans that many lines). */
function within(item: FeedbackItem | undefined, line: number): FeedbackItem | undefined {
  if (!item || line < item.line) return undefined;
  const extra = (item.text.match(/\r\n|\n|\r/g) ?? []).length;
  return line <= item.line + extra ? item : undefined;
}

export { joinTextParts } from './json';
export { delimiterName } from './csv';
export { openText, sniffEncoding, looksBinary } from './decode';

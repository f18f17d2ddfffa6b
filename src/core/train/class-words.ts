// Which words point to each class: for a classifier with text columns, the words (TF-IDF word n-grams) whose removal
// lowers the probability of a held-out row's own class most, on average over the rows of that class. Model-agnostic (the
// rows are predicted again without one word at a time), so it reads a network or a forest as it reads a linear model;
// the word's character n-grams stay, so the figure is what the word feature itself adds.
import type { PreprocessingSpec } from './preprocess';
import { columnWidth } from './preprocess';
import { csrRows, rng, shuffleInPlace, type Csr } from './sparse';
import { predictProba, type Network } from './model';
import { throwIfAborted } from '../types';
import { isFunctionWord } from '../functionWords';

export interface ClassWord {
  /** The word or word pair, as the vectorizer keeps it (lowercased). */
  word: string;
  /** Its text column. */
  column: string;
  /** Mean drop of the class's probability without the word, over the held-out rows of the class that contain it. */
  drop: number;
  /** Those rows. */
  rows: number;
}

export interface ClassWords {
  label: string;
  /** Held-out rows of the class looked at (all of them, or a sample that fits the budget). */
  rows: number;
  words: ClassWord[];
}

export interface ClassWordsOptions {
  seed?: number;
  /** Rows predicted again without one word, at most: held-out rows are taken (shuffled) while their words fit
   *  (default 40,000; a forest: 10,000). Short texts: up to maxRows rows; long reviews: fewer rows, every word of each. */
  budget?: number;
  /** Held-out rows looked at, at most (default 2,000). */
  maxRows?: number;
  /** Words listed per class (default 6). */
  top?: number;
  signal?: AbortSignal;
}

/** Rows of no drop added to each word's mean when ranking (a word seen in 2 rows does not outrank one seen in 50). */
const PRIOR_ROWS = 3;

/**
 * Whether a vocabulary entry (a word, or words joined by single spaces) is left out of the list: a function word
 * (functionWords.ts: "the", "is"; a model trained on a few hundred rows can lean on them by chance), or a pair that
 * starts or ends with one ("is slow", "the update": its meaning is its other word, itself a candidate).
 */
export function isFunctionWords(entry: string): boolean {
  const w = entry.split(' ');
  return isFunctionWord(w[0]) || isFunctionWord(w[w.length - 1]);
}

/** Variants predicted per call: bounds the memory of the variant matrix. */
const VARIANT_BATCH = 4096;

/** The word features of the spec's text columns: feature index -> [column, word]. Empty without text columns. */
export function wordFeatures(spec: PreprocessingSpec): Map<number, [string, string]> {
  const out = new Map<number, [string, string]>();
  let o = 0;
  for (const c of spec.columns) {
    if (c.kind === 'text') {
      let bo = o;
      for (const b of c.blocks) {
        if (b.kind === 'word') b.vocab.forEach((t, j) => out.set(bo + j, [c.name, t]));
        bo += b.vocab.length;
      }
    }
    o += columnWidth(c);
  }
  return out;
}

/**
 * For each class, the words that most raise its probability on the held-out rows X (labels y) of that class: a word
 * found in at least 2 such rows, ranked by its mean drop of the class's probability, shrunk towards 0 for a word seen
 * in few rows (PRIOR_ROWS). Undefined when the features hold no text column. Seeded and cancellable.
 */
export async function classWords(net: Network, spec: PreprocessingSpec, X: Csr, y: Int32Array, labels: string[], opts: ClassWordsOptions = {}): Promise<ClassWords[] | undefined> {
  const words = wordFeatures(spec);
  if (!words.size) return undefined;
  const K = labels.length;
  const maxRows = opts.maxRows ?? 2000;
  let budget = opts.budget ?? ('forest' in net ? 10_000 : 40_000);
  const top = opts.top ?? 6;
  const rows = Int32Array.from({ length: X.rows }, (_, i) => i);
  shuffleInPlace(rows, rng((opts.seed ?? 0) + 11));
  // every word of each row looked at (a cap per row would skew the counts towards its rarest words), as many rows as fit
  const picked: number[] = [];
  const looked = labels.map(() => 0);
  for (const r of rows) {
    if (picked.length >= maxRows) break;
    let n = 0;
    for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) if (words.has(X.indices[p])) n++;
    if (n > budget) break;
    budget -= n;
    picked.push(r);
    looked[y[r]]++;
  }
  // per class: feature -> [summed drop, rows]
  const sums: Map<number, [number, number]>[] = labels.map(() => new Map());
  // Variants: a picked row without one of its words; built and predicted in batches.
  let vRows: number[] = [], vDrop: number[] = [];
  const indptr: number[] = [0], indices: number[] = [], values: number[] = [];
  // each picked row's own probability of its class, in one call
  const baseProba = predictProba(net, csrRows(X, picked));
  const base = new Map<number, number>(picked.map((r, i) => [r, baseProba[i * K + y[r]]]));
  const flush = async () => {
    if (!vRows.length) return;
    throwIfAborted(opts.signal);
    const p = predictProba(net, { rows: vRows.length, cols: X.cols, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: Float32Array.from(values) });
    for (let v = 0; v < vRows.length; v++) {
      const r = vRows[v], k = y[r];
      const drop = base.get(r)! - p[v * K + k];
      const s = sums[k].get(vDrop[v]);
      if (s) (s[0] += drop), s[1]++;
      else sums[k].set(vDrop[v], [drop, 1]);
    }
    vRows = [];
    vDrop = [];
    indptr.length = 1;
    indices.length = 0;
    values.length = 0;
    await new Promise((res) => setImmediate(res));
  };
  for (const r of picked) {
    const a = X.indptr[r], b = X.indptr[r + 1];
    const present: number[] = [];
    for (let p = a; p < b; p++) if (words.has(X.indices[p])) present.push(p);
    if (!present.length) continue;
    for (const drop of present) {
      for (let p = a; p < b; p++) if (p !== drop) (indices.push(X.indices[p]), values.push(X.values[p]));
      indptr.push(indices.length);
      vRows.push(r);
      vDrop.push(X.indices[drop]);
      if (vRows.length >= VARIANT_BATCH) await flush();
    }
  }
  await flush();
  const rank = ([, [s, n]]: [number, [number, number]]) => s / (n + PRIOR_ROWS);
  return labels.map((label, k) => {
    const ranked = [...sums[k]].filter(([, [s, n]]) => n >= 2 && s > 0).sort((p, q) => rank(q) - rank(p) || p[0] - q[0]);
    const listed: ClassWord[] = [];
    for (const [f, [s, n]] of ranked) {
      if (listed.length >= top) break;
      const [column, word] = words.get(f)!;
      if (isFunctionWords(word)) continue;
      // a pair holding a word already listed ("love the" after "love"), or a word of a pair already listed, adds nothing
      if (listed.some((l) => l.column === column && (overlaps(l.word, word) || overlaps(word, l.word)))) continue;
      listed.push({ word, column, drop: s / n, rows: n });
    }
    return { label, rows: looked[k], words: listed };
  });
}

/** Whether `part` is one of the words of `whole` (word n-grams are words joined by single spaces). */
function overlaps(part: string, whole: string): boolean {
  return part !== whole && ` ${whole} `.includes(` ${part} `);
}

/** Lines for a terminal: per class, its words with the mean drop in points and the rows; classes without any say so. */
export function classWordLines(classes: ClassWords[], maxClasses = 20): string[] {
  const out = ["words that point to each class (points of the class's probability lost without the word, mean over the held-out rows of the class looked at that hold it):"];
  const w = Math.max(5, ...classes.slice(0, maxClasses).map((c) => c.label.length));
  for (const c of classes.slice(0, maxClasses)) {
    out.push(`  ${c.label.padEnd(w)}  ${c.words.length ? c.words.map((x) => `${x.word} ${(x.drop * 100).toFixed(1)} (${x.rows} of ${c.rows} rows)`).join(', ') : `(none in 2 or more of its ${c.rows} rows looked at)`}`);
  }
  if (classes.length > maxClasses) out.push(`  (${classes.length - maxClasses} more classes: --json lists them all)`);
  return out;
}

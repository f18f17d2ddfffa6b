// Which input columns the classifier relies on: permutation importance (Breiman 2001; sklearn's
// permutation_importance) on the held-out rows. A column's values are shuffled across the rows (its whole
// block of features moves together: every one-hot, date part, n-gram and embedding value of the column), the
// rows are predicted again, and the fall in accuracy is the column's importance. Repeated with fresh shuffles;
// the mean and the spread are reported. Works the same for every model kind, on the model as it was trained.
import { columnRanges, type PreprocessingSpec } from './preprocess';
import { csrRows, rng, shuffleInPlace, type Csr } from './sparse';
import { lossAndAccuracy, predictProba, type Network } from './model';
import { finishForestRow, leafOf, type Forest } from './forest';
import { throwIfAborted } from '../types';
import { lossText, points } from './importance-format';

export interface ColumnImportance {
  column: string;
  /** Mean fall in accuracy (0-1) when the column is shuffled; near 0 or below: the model does not rely on it. */
  drop: number;
  /** Standard deviation of the fall over the repeats. */
  sd: number;
  /** Mean rise in log loss: also moves when the shuffle shifts the probabilities without flipping decisions. */
  lossRise: number;
}

export interface Importance {
  /** Every feature column, largest fall first. */
  columns: ColumnImportance[];
  /** Held-out rows it was measured on (a sample of them on large sets) and shuffles per column. */
  rows: number;
  repeats: number;
  /** Accuracy and log loss on those rows before any shuffle. */
  baseline: number;
  baselineLoss: number;
  /** Time it took. */
  seconds: number;
}

export interface ImportanceOptions {
  seed?: number;
  /** Shuffles per column (default 5). */
  repeats?: number;
  /** At most this many held-out rows, sampled (default 5,000): the spread of the fall stays well under a point. */
  maxRows?: number;
  signal?: AbortSignal;
}

export const IMPORTANCE_DEFAULTS = { repeats: 5, maxRows: 5000 };
/** Most rows x trees whose leaves ForestShuffles keeps; above, every shuffle is predicted in full. */
const FOREST_CACHE_CELLS = 20_000_000;

function score(net: Network, X: Csr, y: Int32Array, K: number): { loss: number; accuracy: number } {
  return lossAndAccuracy(predictProba(net, X), y, K);
}

/**
 * A forest's probabilities for the rows with one column shuffled, re-walking only the trees that split on that column:
 * every other tree gives each row the leaf it gave it unshuffled (kept once). Boosted trees split on a few features
 * each, so most trees are skipped (hypothyroid's 400 trees: the importance of its 29 columns in a fraction of the time).
 */
export class ForestShuffles {
  private readonly leaf: Int32Array;
  private readonly sums: Float64Array;
  private readonly T: number;
  private readonly K: number;
  constructor(private readonly forest: Forest, X: Csr) {
    const T = (this.T = forest.trees.length), K = (this.K = forest.nClasses);
    this.leaf = new Int32Array(X.rows * T);
    this.sums = new Float64Array(X.rows * K);
    const row = new Float32Array(Math.max(X.cols, forest.nFeatures));
    for (let r = 0; r < X.rows; r++) {
      for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) row[X.indices[p]] += X.values[p];
      for (let t = 0; t < T; t++) {
        const node = leafOf(forest.trees[t], row);
        this.leaf[r * T + t] = node;
        for (let k = 0; k < K; k++) this.sums[r * K + k] += forest.trees[t].value[node * K + k];
      }
      for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) row[X.indices[p]] = 0;
    }
  }

  /** The trees with a split on a feature in `inColumn`. */
  treesOn(inColumn: Uint8Array): number[] {
    const out: number[] = [];
    this.forest.trees.forEach((tr, t) => {
      for (let n = 0; n < tr.feature.length; n++) {
        const f = tr.feature[n];
        if (f >= 0 && inColumn[f]) return void out.push(t);
      }
    });
    return out;
  }

  /** Probabilities of the rows of Xp (the rows of X with a column shuffled), only `trees` walked again. */
  proba(Xp: Csr, trees: number[]): Float64Array {
    const { T, K, forest } = this;
    const out = Float64Array.from(this.sums);
    const row = new Float32Array(Math.max(Xp.cols, forest.nFeatures));
    for (let r = 0; r < Xp.rows; r++) {
      if (trees.length) {
        for (let p = Xp.indptr[r]; p < Xp.indptr[r + 1]; p++) row[Xp.indices[p]] += Xp.values[p];
        for (const t of trees) {
          const tr = forest.trees[t];
          const was = this.leaf[r * T + t], now = leafOf(tr, row);
          if (now !== was) for (let k = 0; k < K; k++) out[r * K + k] += tr.value[now * K + k] - tr.value[was * K + k];
        }
        for (let p = Xp.indptr[r]; p < Xp.indptr[r + 1]; p++) row[Xp.indices[p]] = 0;
      }
      finishForestRow(forest, out, r * K);
    }
    return out;
  }
}

/**
 * X with the features in `inColumn` of row i taken from row perm[i] (the other features stay). Entries of a
 * row keep the column order of the preprocessing (a column's features are one run in every row).
 */
export function permuteColumn(X: Csr, inColumn: Uint8Array, perm: Int32Array): Csr {
  const n = X.rows;
  const indptr = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) if (!inColumn[X.indices[p]]) nnz++;
    const s = perm[i];
    for (let p = X.indptr[s]; p < X.indptr[s + 1]; p++) if (inColumn[X.indices[p]]) nnz++;
    indptr[i + 1] = nnz;
  }
  const indices = new Int32Array(nnz), values = new Float32Array(nnz);
  let q = 0;
  for (let i = 0; i < n; i++) {
    const s = perm[i];
    for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) {
      if (!inColumn[X.indices[p]]) { indices[q] = X.indices[p]; values[q++] = X.values[p]; }
    }
    for (let p = X.indptr[s]; p < X.indptr[s + 1]; p++) {
      if (inColumn[X.indices[p]]) { indices[q] = X.indices[p]; values[q++] = X.values[p]; }
    }
  }
  return { rows: n, cols: X.cols, indptr, indices, values };
}

/**
 * Permutation importance of every input column of `spec` for `net` on the held-out rows X (labels y).
 * Seeded: the same model and rows give the same figures. Yields between columns, so a cancel gets through.
 */
export async function permutationImportance(net: Network, spec: PreprocessingSpec, X: Csr, y: Int32Array, K: number, opts: ImportanceOptions = {}): Promise<Importance> {
  const t0 = performance.now();
  const repeats = opts.repeats ?? IMPORTANCE_DEFAULTS.repeats;
  const maxRows = opts.maxRows ?? IMPORTANCE_DEFAULTS.maxRows;
  const rand = rng((opts.seed ?? 0) + 7);
  let Xs = X, ys = y;
  if (X.rows > maxRows) {
    const all = Int32Array.from({ length: X.rows }, (_, i) => i);
    shuffleInPlace(all, rand);
    const pick = all.slice(0, maxRows).sort();
    Xs = csrRows(X, pick);
    ys = Int32Array.from(pick, (r) => y[r]);
  }
  const base = score(net, Xs, ys, K);
  // the kept leaves take rows x trees x 4 bytes: up to 80 MB (boosting over many classes makes many trees)
  const forest = 'forest' in net && Xs.rows * net.forest.trees.length <= FOREST_CACHE_CELLS ? new ForestShuffles(net.forest, Xs) : undefined;
  const columns: ColumnImportance[] = [];
  const perm = new Int32Array(Xs.rows);
  for (const [column, ranges] of columnRanges(spec)) {
    throwIfAborted(opts.signal);
    const inColumn = new Uint8Array(X.cols);
    for (const [a, b] of ranges) inColumn.fill(1, a, b);
    const drops: number[] = [];
    let lossRise = 0;
    const trees = forest?.treesOn(inColumn);
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < perm.length; i++) perm[i] = i;
      shuffleInPlace(perm, rand);
      const Xp = permuteColumn(Xs, inColumn, perm);
      const s = forest ? lossAndAccuracy(forest.proba(Xp, trees!), ys, K) : score(net, Xp, ys, K);
      drops.push(base.accuracy - s.accuracy);
      lossRise += (s.loss - base.loss) / repeats;
    }
    const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
    const sd = drops.length > 1 ? Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / (drops.length - 1)) : 0;
    columns.push({ column, drop: mean, sd, lossRise });
    await new Promise((res) => setImmediate(res));
  }
  // Largest fall first, as printed (to a tenth of a point); equal ones go to the larger rise in log loss.
  columns.sort((a, b) => Math.round(b.drop * 1000) - Math.round(a.drop * 1000) || b.lossRise - a.lossRise || a.column.localeCompare(b.column));
  return { columns, rows: Xs.rows, repeats, baseline: base.accuracy, baselineLoss: base.loss, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Lines for a terminal: the heading, then each column with its fall and spread, largest first; columns past
 * `limit` are summed up in one line.
 */
export function importanceLines(imp: Importance, limit = 15): string[] {
  const out = [`column importance (accuracy points lost when the column is shuffled; mean ± sd of ${imp.repeats} shuffles of ${imp.rows} held-out rows; ${imp.seconds.toFixed(2)} s):`];
  const shown = imp.columns.slice(0, limit);
  const w = Math.max(6, ...shown.map((c) => c.column.length));
  for (const c of shown) out.push(`  ${c.column.padEnd(w)}  ${points(c.drop).padStart(6)} ± ${points(c.sd).padEnd(4)}  log loss ${lossText(c.lossRise)}`);
  const rest = imp.columns.slice(limit);
  if (rest.length) out.push(`  (${rest.length} more column${rest.length > 1 ? 's' : ''}, each ${points(Math.max(...rest.map((c) => c.drop)))} points or less)`);
  return out;
}

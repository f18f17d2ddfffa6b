// Random forest of CART classification trees (gini), trained on histogram bins of the preprocessed
// features: every feature is cut into at most 255 bins (exact midpoints between distinct values when
// there are few, quantile cuts otherwise), so a split search is one pass over the node's rows plus one
// pass over the bins. Trees grow on bootstrap samples (counts become sample weights), each split looks
// at a random subset of sqrt(D) features, leaves store class fractions, and the forest averages them.
// Splits are stored as "x <= threshold" with float32 thresholds, the same test ONNX's
// TreeEnsembleClassifier (BRANCH_LEQ) does on float32 inputs, so in-process and exported models agree.
import { rng, tick, type Csr } from './sparse';
import { throwIfAborted } from '../types';

export interface Tree {
  /** Split feature per node; -1 for a leaf. */
  feature: Int32Array;
  /** Goes left (true branch) when x[feature] <= threshold. */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** nodes x classes, row-major: class fractions (leaves only; zeros for split nodes). */
  value: Float32Array;
}

export interface Forest {
  nFeatures: number;
  nClasses: number;
  trees: Tree[];
  /** Gradient boosting (boost.ts): leaves hold additive class scores and the probabilities are
   *  softmax(base + the sum over trees). Absent for a random forest, whose leaf fractions are averaged. */
  boost?: { base: Float32Array };
}

export interface ForestOptions {
  /** Number of trees (default 100). */
  nTrees?: number;
  /** Features tried per split (default round(sqrt of the candidate count)), at least 1). */
  maxFeatures?: number;
  /** The columns splits may use (default all): e.g. a table's dense columns and its most frequent words. */
  features?: Int32Array;
  /** Depth cap (default 48; nodes stop splitting at this depth). */
  maxDepth?: number;
  /** Smallest number of distinct rows in a leaf (default 1). */
  minSamplesLeaf?: number;
  /** Histogram bins per feature, 2..255 (default 255). */
  maxBins?: number;
  /** Bootstrap sampling (default true). */
  bootstrap?: boolean;
  seed?: number;
  /** Per-row weights (e.g. balanced class weights), multiplied with the bootstrap counts. */
  sampleWeight?: Float64Array;
  signal?: AbortSignal;
  /** Called after each tree (1-based count). */
  onTree?: (done: number, total: number) => void;
}

/** Upper bound on rows x features for the binned training matrix (one byte per cell). */
export const FOREST_MAX_CELLS = 150_000_000;

/** Whether a forest fits comfortably for this shape (auto skips it otherwise, e.g. on wide text features). */
export function forestIsPractical(rows: number, cols: number): boolean {
  return cols <= 20_000 && rows * cols <= 20_000_000;
}

export interface Binned {
  /** Column-major bins: bins[f * n + i]. */
  bins: Uint8Array;
  /** Per feature: thresholds t[0] < t[1] < ...; bin b holds values in (t[b-1], t[b]]. */
  thresholds: Float32Array[];
}

/** Bins every column of a CSR matrix (implicit zeros included) without densifying it as floats. */
export function binColumns(X: Csr, maxBins: number): Binned {
  const n = X.rows, D = X.cols;
  // Column-wise (CSC) copy of the non-zeros.
  const colCount = new Int32Array(D + 1);
  for (let p = 0; p < X.indptr[n]; p++) colCount[X.indices[p] + 1]++;
  for (let j = 0; j < D; j++) colCount[j + 1] += colCount[j];
  const rowOf = new Int32Array(X.indptr[n]), valOf = new Float32Array(X.indptr[n]);
  const fill = colCount.slice(0, D);
  for (let r = 0; r < n; r++) {
    for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) {
      const j = X.indices[p], q = fill[j]++;
      rowOf[q] = r;
      valOf[q] = X.values[p];
    }
  }
  const bins = new Uint8Array(n * D);
  const thresholds: Float32Array[] = new Array(D);
  const col = new Float32Array(n);
  const seen = new Uint8Array(n);
  const rowsOf = new Int32Array(n);
  for (let j = 0; j < D; j++) {
    const a = colCount[j], b = colCount[j + 1];
    // The column's explicit entries (duplicates within a row summed); every other row is 0.
    let u = 0;
    for (let q = a; q < b; q++) {
      const r = rowOf[q];
      if (!seen[r]) { seen[r] = 1; rowsOf[u++] = r; }
      col[r] += valOf[q];
    }
    const nz = new Float32Array(u);
    for (let i = 0; i < u; i++) nz[i] = col[rowsOf[i]];
    nz.sort();
    let neg = 0;
    while (neg < u && nz[neg] < 0) neg++;
    const sorted = new Float32Array(n);
    sorted.set(nz.subarray(0, neg), 0);
    sorted.set(nz.subarray(neg), neg + (n - u));
    const thr = cutPoints(sorted, maxBins);
    thresholds[j] = thr;
    const base = j * n;
    if (thr.length) {
      const zb = binOf(thr, 0);
      if (zb) bins.fill(zb, base, base + n);
      for (let i = 0; i < u; i++) bins[base + rowsOf[i]] = binOf(thr, col[rowsOf[i]]);
    }
    for (let i = 0; i < u; i++) { col[rowsOf[i]] = 0; seen[rowsOf[i]] = 0; }
  }
  return { bins, thresholds };
}

/** First index b with x <= thr[b] (thr.length when x is above every threshold). */
function binOf(thr: Float32Array, x: number): number {
  let lo = 0, hi = thr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= thr[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Float32 thresholds between distinct sorted values: midpoints, or quantile cuts when there are too many. */
function cutPoints(sorted: Float32Array, maxBins: number): Float32Array {
  const n = sorted.length;
  const uniq: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) uniq.push(sorted[i]);
  const out: number[] = [];
  const push = (lo: number, hi: number) => {
    // A float32 t with lo <= t < hi: the midpoint when it rounds strictly below hi, else lo itself.
    let t = Math.fround((lo + hi) / 2);
    if (!(t >= lo && t < hi)) t = lo;
    if (!out.length || t > out[out.length - 1]) out.push(t);
  };
  if (uniq.length <= maxBins) {
    for (let i = 0; i + 1 < uniq.length; i++) push(uniq[i], uniq[i + 1]);
  } else {
    // Quantile cuts: a boundary after the value at each of maxBins - 1 evenly spaced ranks.
    for (let c = 1; c < maxBins; c++) {
      let i = Math.floor((c * n) / maxBins) - 1;
      if (i < 0) i = 0;
      const v = sorted[i];
      // The next distinct value after v.
      let lo = i;
      while (lo + 1 < n && sorted[lo + 1] === v) lo++;
      if (lo + 1 >= n) break;
      push(v, sorted[lo + 1]);
    }
  }
  return Float32Array.from(out);
}

class NodeStore {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  values: { node: number; v: Float64Array }[] = [];
  add(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    return this.feature.length - 1;
  }
  build(K: number): Tree {
    const n = this.feature.length;
    const value = new Float32Array(n * K);
    for (const { node, v } of this.values) for (let k = 0; k < K; k++) value[node * K + k] = v[k];
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value,
    };
  }
}

/** Fits a random forest on rows of X (sparse input is binned column by column; never densified as floats). */
export async function fitForest(X: Csr, y: Int32Array, K: number, opts: ForestOptions = {}): Promise<Forest> {
  const n = X.rows, D = X.cols;
  if (n * D > FOREST_MAX_CELLS) {
    throw new Error(`a random forest on ${n} rows x ${D} features needs too much memory`);
  }
  const nTrees = opts.nTrees ?? 100;
  const maxBins = Math.max(2, Math.min(255, opts.maxBins ?? 255));
  const cand = opts.features ?? Int32Array.from({ length: D }, (_, j) => j);
  const Dc = cand.length;
  const mtry = Math.max(1, Math.min(Dc, opts.maxFeatures ?? Math.round(Math.sqrt(Dc))));
  const maxDepth = opts.maxDepth ?? 48;
  const minLeaf = Math.max(1, opts.minSamplesLeaf ?? 1);
  const bootstrap = opts.bootstrap ?? true;
  const seed = opts.seed ?? 0;
  const { bins, thresholds } = binColumns(X, maxBins);
  const nBins = Int32Array.from(thresholds, (t) => t.length + 1);

  // Scratch shared by all trees.
  const hist = new Float64Array(256 * K);
  const cnt = new Int32Array(256);
  const tot = new Float64Array(K), leftK = new Float64Array(K);
  const perm = new Int32Array(Dc);
  const counts = new Int32Array(n);
  const idx = new Int32Array(n);
  const w = new Float64Array(n);
  const tmp = new Int32Array(n);
  const trees: Tree[] = [];

  for (let t = 0; t < nTrees; t++) {
    throwIfAborted(opts.signal);
    const rand = rng((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(t + 1, 0x85ebca6b)) >>> 0);
    counts.fill(0);
    if (bootstrap) for (let i = 0; i < n; i++) counts[Math.floor(rand() * n)]++;
    else counts.fill(1);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (!counts[i]) continue;
      const sw = opts.sampleWeight ? opts.sampleWeight[i] : 1;
      if (!(sw > 0)) continue;
      idx[m] = i;
      w[i] = counts[i] * sw;
      m++;
    }
    perm.set(cand);
    const store = new NodeStore();
    const root = store.add();
    // Explicit stack of (node, start, end, depth) over idx[start:end].
    const stack: number[] = m ? [root, 0, m, 0] : [];
    if (!m) store.values.push({ node: root, v: new Float64Array(K).fill(1 / K) });
    while (stack.length) {
      const depth = stack.pop()!, end = stack.pop()!, start = stack.pop()!, node = stack.pop()!;
      tot.fill(0);
      let wsum = 0;
      for (let p = start; p < end; p++) {
        const i = idx[p];
        tot[y[i]] += w[i];
        wsum += w[i];
      }
      let nonzero = 0;
      for (let k = 0; k < K; k++) if (tot[k] > 0) nonzero++;
      const rows = end - start;
      let bestF = -1, bestB = -1, bestScore = -Infinity;
      if (nonzero > 1 && rows >= 2 * minLeaf && depth < maxDepth) {
        let visited = 0, nonConstant = 0;
        for (let j = 0; j < Dc; j++) {
          if (visited >= mtry && nonConstant > 0) break;
          // Draw the next feature without replacement.
          const r = j + Math.floor(rand() * (Dc - j));
          const f = perm[r];
          perm[r] = perm[j];
          perm[j] = f;
          visited++;
          if (nBins[f] < 2) continue;
          const base = f * n;
          let lo = 255, hi = 0;
          for (let p = start; p < end; p++) {
            const i = idx[p], b = bins[base + i];
            hist[b * K + y[i]] += w[i];
            cnt[b]++;
            if (b < lo) lo = b;
            if (b > hi) hi = b;
          }
          if (lo === hi) {
            for (let k = 0; k < K; k++) hist[lo * K + k] = 0;
            cnt[lo] = 0;
            continue;
          }
          nonConstant++;
          leftK.fill(0);
          let wl = 0, nl = 0;
          for (let b = lo; b < hi; b++) {
            if (!cnt[b]) continue;
            const hb = b * K;
            for (let k = 0; k < K; k++) {
              leftK[k] += hist[hb + k];
              wl += hist[hb + k];
            }
            nl += cnt[b];
            if (nl < minLeaf || rows - nl < minLeaf) continue;
            const wr = wsum - wl;
            if (!(wl > 0) || !(wr > 0)) continue;
            let sl = 0, sr = 0;
            for (let k = 0; k < K; k++) {
              const l = leftK[k], rr = tot[k] - l;
              sl += l * l;
              sr += rr * rr;
            }
            const score = sl / wl + sr / wr;
            if (score > bestScore + 1e-12 * wsum) {
              bestScore = score;
              bestF = f;
              bestB = b;
            }
          }
          for (let b = lo; b <= hi; b++) {
            if (!cnt[b]) continue;
            cnt[b] = 0;
            for (let k = 0; k < K; k++) hist[b * K + k] = 0;
          }
        }
      }
      if (bestF < 0) {
        const v = new Float64Array(K);
        for (let k = 0; k < K; k++) v[k] = tot[k] / wsum;
        store.values.push({ node, v });
        continue;
      }
      // Partition idx[start:end]: bins <= bestB go left.
      const base = bestF * n;
      let a = start, z = 0;
      for (let p = start; p < end; p++) {
        const i = idx[p];
        if (bins[base + i] <= bestB) idx[a++] = i;
        else tmp[z++] = i;
      }
      idx.set(tmp.subarray(0, z), a);
      const L = store.add(), R = store.add();
      store.feature[node] = bestF;
      store.threshold[node] = thresholds[bestF][bestB];
      store.left[node] = L;
      store.right[node] = R;
      stack.push(R, a, end, depth + 1, L, start, a, depth + 1);
    }
    trees.push(store.build(K));
    opts.onTree?.(t + 1, nTrees);
    if ((t & 7) === 7) await tick();
  }
  return { nFeatures: D, nClasses: K, trees };
}

/** The leaf a dense row reaches in a tree. */
export function leafOf(tr: Tree, row: Float32Array): number {
  let node = 0;
  while (tr.feature[node] >= 0) node = row[tr.feature[node]] <= tr.threshold[node] ? tr.left[node] : tr.right[node];
  return node;
}

/**
 * A row's class probabilities from its summed leaf values at out[o..o+K): boosting's softmax of base + the sum, a
 * forest's mean over its trees.
 */
export function finishForestRow(forest: Forest, out: Float64Array, o: number): void {
  const K = forest.nClasses, T = forest.trees.length;
  if (forest.boost) {
    // Scores summed in float64 from float32 leaves (the exported model sums float32 leaves in float32).
    let m = -Infinity;
    for (let k = 0; k < K; k++) { out[o + k] += forest.boost.base[k]; if (out[o + k] > m) m = out[o + k]; }
    let s = 0;
    for (let k = 0; k < K; k++) s += (out[o + k] = Math.exp(out[o + k] - m));
    for (let k = 0; k < K; k++) out[o + k] /= s;
  } else if (T) for (let k = 0; k < K; k++) out[o + k] /= T;
}

/** Averaged class probabilities (rows x classes, row-major) for sparse inputs. */
export function forestPredictProba(forest: Forest, X: Csr): Float64Array {
  const K = forest.nClasses, T = forest.trees.length;
  const out = new Float64Array(X.rows * K);
  const row = new Float32Array(Math.max(X.cols, forest.nFeatures));
  for (let r = 0; r < X.rows; r++) {
    const a = X.indptr[r], b = X.indptr[r + 1];
    for (let p = a; p < b; p++) row[X.indices[p]] += X.values[p];
    const o = r * K;
    for (let t = 0; t < T; t++) {
      const tr = forest.trees[t];
      const vb = leafOf(tr, row) * K;
      for (let k = 0; k < K; k++) out[o + k] += tr.value[vb + k];
    }
    finishForestRow(forest, out, o);
    for (let p = a; p < b; p++) row[X.indices[p]] = 0;
  }
  return out;
}

/** Total node count (for settings/metadata). */
export function forestNodeCount(forest: Forest): number {
  let s = 0;
  for (const t of forest.trees) s += t.feature.length;
  return s;
}

// Gradient-boosted trees (kind 'gb'): Newton boosting of shallow regression trees on the softmax
// cross-entropy, the model family that usually leads on tabular data. Each round fits one tree per
// class (one tree in all for two classes) to the gradients and hessians of the current scores; a
// split maximises the Newton gain GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ), a leaf holds -G/(H+λ) times
// the learning rate. Features are the forest's histogram bins (binColumns), so a split search is one
// pass over the node's rows per feature. The result is a Forest whose leaves hold additive class
// scores (boost.base + the sum of the leaves -> softmax), which ONNX's TreeEnsembleClassifier
// evaluates with post_transform SOFTMAX and base_values: in-process and exported models agree.
import { binColumns, FOREST_MAX_CELLS, type Forest, type Tree } from './forest';
import { tick, type Csr } from './sparse';
import { throwIfAborted } from '../types';

export interface BoostOptions {
  /** Boosting rounds (default 100). */
  nRounds?: number;
  /** Shrinkage of every leaf (default 0.1). */
  learningRate?: number;
  /** Depth of each tree (default 3). */
  maxDepth?: number;
  /** L2 penalty on leaf values (default 1). */
  lambda?: number;
  /** Smallest hessian sum in a child (default 1e-3). */
  minChildWeight?: number;
  /** Smallest number of rows in a leaf (default 1). */
  minSamplesLeaf?: number;
  /** The columns splits may use (default all). */
  features?: Int32Array;
  /** Histogram bins per feature, 2..255 (default 255). */
  maxBins?: number;
  /** Columns whose rows outside their most common bin are at most this share of all rows get the sparse
   *  histogram (default 1/8; 0 turns it off; the trees are the same either way). */
  sparseShare?: number;
  /** Per-row weights (e.g. balanced class weights). */
  sampleWeight?: Float64Array;
  signal?: AbortSignal;
  /** Called after each round (1-based count) with the weighted training loss and accuracy of the scores so far. */
  onRound?: (done: number, total: number, train: { loss: number; accuracy: number }) => void;
}

export const BOOST_DEFAULTS = { nRounds: 100, learningRate: 0.1, maxDepth: 3, lambda: 1, minChildWeight: 1e-3, minSamplesLeaf: 1 } as const;

/** Boosting's cost grows with rows x columns x trees per round (the classes; one for two classes). */
export function boostWork(rows: number, cols: number, classes: number): number {
  return rows * cols * (classes === 2 ? 1 : classes);
}

/** Whether boosting is quick enough for auto to try on this shape. Asked for, it runs on any shape that fits memory. */
export function boostIsPractical(rows: number, cols: number, classes: number): boolean {
  return cols <= 20_000 && boostWork(rows, cols, classes) <= 20_000_000;
}

/** Fits gradient-boosted trees on rows of X; returns a Forest with `boost` set (additive leaf scores). */
export async function fitBoosted(X: Csr, y: Int32Array, K: number, opts: BoostOptions = {}): Promise<Forest> {
  const n = X.rows, D = X.cols;
  if (n * D > FOREST_MAX_CELLS) throw new Error(`gradient boosting on ${n} rows x ${D} features needs too much memory`);
  const nRounds = opts.nRounds ?? BOOST_DEFAULTS.nRounds;
  const learningRate = opts.learningRate ?? BOOST_DEFAULTS.learningRate;
  const maxBins = Math.max(2, Math.min(255, opts.maxBins ?? 255));
  const { bins, thresholds } = binColumns(X, maxBins);
  const cand = Int32Array.from(Array.from(opts.features ?? Int32Array.from({ length: D }, (_, j) => j)).filter((f) => thresholds[f].length > 0));
  const sw = opts.sampleWeight;
  // Binary targets: one score per row (the log-odds of class 1); otherwise one per class.
  const binary = K === 2;
  const S = binary ? 1 : K;
  // Initial scores: the weighted class priors.
  const prior = new Float64Array(K);
  let wTot = 0;
  for (let i = 0; i < n; i++) {
    const w = sw ? sw[i] : 1;
    prior[y[i]] += w;
    wTot += w;
  }
  for (let k = 0; k < K; k++) prior[k] = Math.min(1 - 1e-6, Math.max(1e-6, wTot > 0 ? prior[k] / wTot : 1 / K));
  const base0 = new Float64Array(S);
  if (binary) base0[0] = Math.log(prior[1] / prior[0]);
  else for (let k = 0; k < K; k++) base0[k] = Math.log(prior[k]);
  const F = new Float64Array(n * S);
  for (let i = 0; i < n; i++) F.set(base0, i * S);
  const grower = new TreeGrower(bins, thresholds, n, cand, opts.sparseShare ?? 1 / 8, {
    maxDepth: opts.maxDepth ?? BOOST_DEFAULTS.maxDepth,
    lambda: opts.lambda ?? BOOST_DEFAULTS.lambda,
    minChildWeight: opts.minChildWeight ?? BOOST_DEFAULTS.minChildWeight,
    minSamplesLeaf: Math.max(1, opts.minSamplesLeaf ?? BOOST_DEFAULTS.minSamplesLeaf),
    // Multiclass leaves are scaled by (K - 1) / K (Friedman's multinomial Newton step).
    scale: binary ? learningRate : (learningRate * (K - 1)) / K,
  });
  const gAll = new Float64Array(n * S), hAll = new Float64Array(n * S);
  const trees: Tree[] = [];
  for (let round = 0; round < nRounds; round++) {
    throwIfAborted(opts.signal);
    gradients(F, y, K, binary, sw, gAll, hAll);
    for (let k = 0; k < S; k++) {
      const leaf = grower.grow(gAll, hAll, S, k);
      // Each row's score moves by its leaf's value.
      for (let i = 0; i < n; i++) F[i * S + k] += grower.rowValue[i];
      // Leaves as class scores: [-v/2, v/2] for two classes (softmax of that is [1 - σ(v), σ(v)]); v at class k otherwise.
      const nodes = leaf.feature.length;
      const value = new Float32Array(nodes * K);
      for (let nd = 0; nd < nodes; nd++) {
        if (leaf.feature[nd] >= 0) continue;
        if (binary) { value[nd * K] = -leaf.value[nd] / 2; value[nd * K + 1] = leaf.value[nd] / 2; }
        else value[nd * K + k] = leaf.value[nd];
      }
      trees.push({ feature: leaf.feature, threshold: leaf.threshold, left: leaf.left, right: leaf.right, value });
    }
    if (opts.onRound) opts.onRound(round + 1, nRounds, trainingFit(F, y, K, binary, sw));
    if ((round & 7) === 7) await tick();
  }
  const base = new Float32Array(K);
  if (binary) { base[0] = -base0[0] / 2; base[1] = base0[0] / 2; }
  else base.set(base0);
  return { nFeatures: D, nClasses: K, trees, boost: { base } };
}

/** Weighted cross-entropy and accuracy of scores F (rows x S). */
function trainingFit(F: Float64Array, y: Int32Array, K: number, binary: boolean, sw: Float64Array | undefined): { loss: number; accuracy: number } {
  let loss = 0, wsum = 0, correct = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const w = sw ? sw[i] : 1;
    let logp: number, pred: number;
    if (binary) {
      const z = F[i], t = y[i] === 1 ? z : -z;
      // -log σ(t), stable for large |t|.
      logp = t > 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
      pred = z > 0 ? 1 : 0;
    } else {
      const b = i * K;
      let m = -Infinity;
      pred = 0;
      for (let k = 0; k < K; k++) if (F[b + k] > m) { m = F[b + k]; pred = k; }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(F[b + k] - m);
      logp = F[b + y[i]] - m - Math.log(s);
    }
    loss -= w * logp;
    wsum += w;
    if (pred === y[i]) correct++;
  }
  return { loss: wsum ? loss / wsum : 0, accuracy: n ? correct / n : 0 };
}

/** Gradients and hessians of the weighted cross-entropy at scores F (rows x S). */
function gradients(F: Float64Array, y: Int32Array, K: number, binary: boolean, sw: Float64Array | undefined, g: Float64Array, h: Float64Array): void {
  const n = y.length;
  if (binary) {
    for (let i = 0; i < n; i++) {
      const w = sw ? sw[i] : 1;
      const q = 1 / (1 + Math.exp(-F[i]));
      g[i] = w * (q - (y[i] === 1 ? 1 : 0));
      h[i] = w * Math.max(q * (1 - q), 1e-12);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const w = sw ? sw[i] : 1;
    const b = i * K;
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (F[b + k] > m) m = F[b + k];
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(F[b + k] - m);
    for (let k = 0; k < K; k++) {
      const q = Math.exp(F[b + k] - m) / s;
      g[b + k] = w * (q - (y[i] === k ? 1 : 0));
      h[b + k] = w * Math.max(q * (1 - q), 1e-12);
    }
  }
}

interface GrowSettings { maxDepth: number; lambda: number; minChildWeight: number; minSamplesLeaf: number; scale: number }

/**
 * Grows one regression tree on (g, h) by Newton gain, depth first. The hot loops live in small methods
 * called once per tree and per node, so V8 optimises them after a few trees (one long loop inside
 * fitBoosted ran 10x slower on its first fits). Sparse columns (text words, rare one-hot levels): most
 * rows share one bin (the column's mode); for them a node's histogram sums only the other rows (a list
 * per column) and gets the mode bin's share by subtraction from the node's totals, so titanic's 2,000
 * word columns cost their non-zeros instead of rows x columns.
 */
class TreeGrower {
  private readonly modeBin: Int32Array;
  private readonly others: (Int32Array | undefined)[];
  private readonly nodeOf: Int32Array;
  private readonly idx: Int32Array;
  private readonly tmp: Int32Array;
  private readonly g: Float64Array;
  private readonly h: Float64Array;
  private readonly histG = new Float64Array(256);
  private readonly histH = new Float64Array(256);
  private readonly histC = new Int32Array(256);
  /** Leaf value of each row in the last tree grown. */
  readonly rowValue: Float64Array;
  private bestF = -1;
  private bestB = -1;
  private bestGain = 0;

  constructor(
    private readonly bins: Uint8Array,
    private readonly thresholds: Float32Array[],
    private readonly n: number,
    private readonly cand: Int32Array,
    sparseShare: number,
    private readonly s: GrowSettings,
  ) {
    this.modeBin = new Int32Array(thresholds.length).fill(-1);
    this.others = new Array(thresholds.length);
    const cnt = new Int32Array(256);
    for (const f of cand) {
      cnt.fill(0);
      const fb = f * n;
      for (let i = 0; i < n; i++) cnt[bins[fb + i]]++;
      let mb = 0;
      for (let b = 1; b < 256; b++) if (cnt[b] > cnt[mb]) mb = b;
      if (n - cnt[mb] > n * sparseShare || sparseShare <= 0) continue;
      const list = new Int32Array(n - cnt[mb]);
      for (let i = 0, u = 0; i < n; i++) if (bins[fb + i] !== mb) list[u++] = i;
      this.modeBin[f] = mb;
      this.others[f] = list;
    }
    this.nodeOf = new Int32Array(n);
    this.idx = new Int32Array(n);
    this.tmp = new Int32Array(n);
    this.g = new Float64Array(n);
    this.h = new Float64Array(n);
    this.rowValue = new Float64Array(n);
  }

  /** Grows the tree for score column k of (gAll, hAll) (rows x S); fills rowValue. */
  grow(gAll: Float64Array, hAll: Float64Array, S: number, k: number): { feature: Int32Array; threshold: Float32Array; left: Int32Array; right: Int32Array; value: Float64Array } {
    const { n, g, h, idx, tmp, nodeOf, s } = this;
    for (let i = 0; i < n; i++) {
      g[i] = gAll[i * S + k];
      h[i] = hAll[i * S + k];
      idx[i] = i;
      nodeOf[i] = 0;
    }
    const feature: number[] = [-1], threshold: number[] = [0], left: number[] = [-1], right: number[] = [-1], value: number[] = [0];
    const stack: number[] = [0, 0, n, 0];
    while (stack.length) {
      const depth = stack.pop()!, end = stack.pop()!, start = stack.pop()!, node = stack.pop()!;
      let G = 0, H = 0;
      for (let q = start; q < end; q++) {
        const i = idx[q];
        G += g[i];
        H += h[i];
      }
      this.bestF = -1;
      if (depth < s.maxDepth && end - start >= 2 * s.minSamplesLeaf && H >= 2 * s.minChildWeight) this.findSplit(node, start, end, G, H);
      const bestF = this.bestF, bestB = this.bestB;
      if (bestF < 0) {
        const v = (-G / (H + s.lambda)) * s.scale;
        value[node] = v;
        for (let q = start; q < end; q++) this.rowValue[idx[q]] = v;
        continue;
      }
      const fb = bestF * n;
      let a = start, z = 0;
      for (let q = start; q < end; q++) {
        const i = idx[q];
        if (this.bins[fb + i] <= bestB) idx[a++] = i;
        else tmp[z++] = i;
      }
      idx.set(tmp.subarray(0, z), a);
      const L = feature.length, R = L + 1;
      feature.push(-1, -1); threshold.push(0, 0); left.push(-1, -1); right.push(-1, -1); value.push(0, 0);
      for (let q = start; q < a; q++) nodeOf[idx[q]] = L;
      for (let q = a; q < end; q++) nodeOf[idx[q]] = R;
      feature[node] = bestF;
      threshold[node] = this.thresholds[bestF][bestB];
      left[node] = L;
      right[node] = R;
      stack.push(R, a, end, depth + 1, L, start, a, depth + 1);
    }
    return { feature: Int32Array.from(feature), threshold: Float32Array.from(threshold), left: Int32Array.from(left), right: Int32Array.from(right), value: Float64Array.from(value) };
  }

  /** Best split of idx[start:end] over the candidate columns (sets bestF/bestB; bestF -1 when none gains). */
  private findSplit(node: number, start: number, end: number, G: number, H: number): void {
    const parent = (G * G) / (H + this.s.lambda);
    this.bestGain = 1e-12;
    for (let c = 0; c < this.cand.length; c++) {
      const f = this.cand[c];
      if (this.others[f]) this.sparseHistogram(f, node, end - start, G, H);
      else this.denseHistogram(f, start, end);
      this.scan(f, end - start, G, H, parent);
    }
  }

  private lo = 255;
  private hi = 0;

  private denseHistogram(f: number, start: number, end: number): void {
    const { bins, idx, g, h, histG, histH, histC } = this;
    const fb = f * this.n;
    let lo = 255, hi = 0;
    for (let q = start; q < end; q++) {
      const i = idx[q], b = bins[fb + i];
      histG[b] += g[i];
      histH[b] += h[i];
      histC[b]++;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
    this.lo = lo;
    this.hi = hi;
  }

  private sparseHistogram(f: number, node: number, rows: number, G: number, H: number): void {
    const { bins, nodeOf, g, h, histG, histH, histC } = this;
    const list = this.others[f]!, mb = this.modeBin[f], fb = f * this.n;
    let lo = 255, hi = 0, gs = 0, hs = 0, cs = 0;
    for (let q = 0; q < list.length; q++) {
      const i = list[q];
      if (nodeOf[i] !== node) continue;
      const b = bins[fb + i];
      histG[b] += g[i];
      histH[b] += h[i];
      histC[b]++;
      gs += g[i];
      hs += h[i];
      cs++;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
    if (cs < rows) {
      histG[mb] += G - gs;
      histH[mb] += H - hs;
      histC[mb] += rows - cs;
      if (mb < lo) lo = mb;
      if (mb > hi) hi = mb;
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** Scans the histogram of column f for the best cut (and clears it). */
  private scan(f: number, rows: number, G: number, H: number, parent: number): void {
    const { histG, histH, histC } = this;
    const { lambda, minChildWeight, minSamplesLeaf } = this.s;
    const lo = this.lo, hi = this.hi;
    let gl = 0, hl = 0, nl = 0;
    for (let b = lo; b < hi; b++) {
      if (!histC[b]) continue;
      gl += histG[b];
      hl += histH[b];
      nl += histC[b];
      if (nl < minSamplesLeaf || rows - nl < minSamplesLeaf) continue;
      const hr = H - hl;
      if (hl < minChildWeight || hr < minChildWeight) continue;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
      if (gain > this.bestGain) {
        this.bestGain = gain;
        this.bestF = f;
        this.bestB = b;
      }
    }
    for (let b = lo; b <= hi; b++) { histG[b] = 0; histH[b] = 0; histC[b] = 0; }
  }
}

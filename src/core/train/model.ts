// The trained network shared by both model kinds: dense layers (ReLU between them, softmax at the end).
// Logistic regression is the one-layer case. This is what model.onnx encodes (Gemm/Relu/Softmax).
// A random forest ('rf') and gradient-boosted trees ('gb') are the other shape of Network: trees instead of
// layers (TreeEnsembleClassifier).
import type { Csr } from './sparse';
import { forestPredictProba, type Forest } from './forest';

export interface DenseLayer {
  inDim: number;
  outDim: number;
  /** inDim x outDim, row-major (feature j's weights for every output are contiguous). Float32 in a
   *  trained network (as in model.onnx); float64 only while a network is being fitted. */
  W: Float32Array | Float64Array;
  b: Float32Array | Float64Array;
}

export type ModelKind = 'logreg' | 'mlp' | 'rf' | 'gb';

export interface LayeredNetwork {
  kind: 'logreg' | 'mlp';
  layers: DenseLayer[];
}

export interface ForestNetwork {
  /** 'rf': averaged leaf class fractions; 'gb': boosted class scores (forest.boost set). */
  kind: 'rf' | 'gb';
  forest: Forest;
}

export type Network = LayeredNetwork | ForestNetwork;

/** Class probabilities (rows x classes, row-major) for sparse inputs, computed in float64. */
export function predictProba(net: Network, X: Csr): Float64Array {
  if ('forest' in net) return forestPredictProba(net.forest, X);
  const K = net.layers[net.layers.length - 1].outDim;
  const out = new Float64Array(X.rows * K);
  let maxDim = 0;
  for (const l of net.layers) maxDim = Math.max(maxDim, l.outDim, l.inDim);
  let a = new Float64Array(maxDim), z = new Float64Array(maxDim);
  // a row's non-zero inputs: columns and values (a sparse row can hold more entries than inDim only with repeats)
  let widest = maxDim;
  for (let r = 0; r < X.rows; r++) widest = Math.max(widest, X.indptr[r + 1] - X.indptr[r]);
  const nzCol = new Int32Array(widest), nzVal = new Float64Array(widest);
  for (let r = 0; r < X.rows; r++) {
    for (let li = 0; li < net.layers.length; li++) {
      const L = net.layers[li];
      const { W, b, outDim } = L;
      for (let k = 0; k < outDim; k++) z[k] = b[k];
      // The non-zero inputs four per pass over z, added left to right: the sums of one at a time, in their order.
      let m = 0;
      if (li === 0) {
        for (let p = X.indptr[r], e = X.indptr[r + 1]; p < e; p++) { nzCol[m] = X.indices[p]; nzVal[m++] = X.values[p]; }
      } else {
        for (let j = 0; j < L.inDim; j++) if (a[j] !== 0) { nzCol[m] = j; nzVal[m++] = a[j]; }
      }
      let q = 0;
      for (; q + 3 < m; q += 4) {
        const v1 = nzVal[q], b1 = nzCol[q] * outDim, v2 = nzVal[q + 1], b2 = nzCol[q + 1] * outDim;
        const v3 = nzVal[q + 2], b3 = nzCol[q + 2] * outDim, v4 = nzVal[q + 3], b4 = nzCol[q + 3] * outDim;
        for (let k = 0; k < outDim; k++) z[k] = z[k] + v1 * W[b1 + k] + v2 * W[b2 + k] + v3 * W[b3 + k] + v4 * W[b4 + k];
      }
      for (; q < m; q++) {
        const v = nzVal[q], base = nzCol[q] * outDim;
        for (let k = 0; k < outDim; k++) z[k] += v * W[base + k];
      }
      if (li < net.layers.length - 1) for (let k = 0; k < outDim; k++) z[k] = z[k] > 0 ? z[k] : 0;
      const t = a;
      a = z;
      z = t;
    }
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (a[k] > m) m = a[k];
    // each exponential once (kept in out), then divided by their sum
    let s = 0;
    for (let k = 0; k < K; k++) { const e = Math.exp(a[k] - m); out[r * K + k] = e; s += e; }
    for (let k = 0; k < K; k++) out[r * K + k] /= s;
  }
  return out;
}

/** Index of the largest probability in each row. */
export function argmaxRows(p: ArrayLike<number>, K: number): Int32Array {
  const n = p.length / K;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[r * K + k] > p[r * K + best]) best = k;
    out[r] = best;
  }
  return out;
}

/** Mean weighted cross-entropy and accuracy of probabilities against labels. */
export function lossAndAccuracy(p: Float64Array, y: Int32Array, K: number, sampleWeight?: Float64Array): { loss: number; accuracy: number } {
  let loss = 0, wsum = 0, correct = 0;
  for (let r = 0; r < y.length; r++) {
    const w = sampleWeight ? sampleWeight[r] : 1;
    loss -= w * Math.log(Math.max(p[r * K + y[r]], 1e-15));
    wsum += w;
    let best = 0;
    for (let k = 1; k < K; k++) if (p[r * K + k] > p[r * K + best]) best = k;
    if (best === y[r]) correct++;
  }
  return { loss: wsum ? loss / wsum : 0, accuracy: y.length ? correct / y.length : 0 };
}

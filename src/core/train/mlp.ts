// Multi-layer perceptron: sparse input -> [dense ReLU layers with dropout] -> softmax. Minibatch Adam
// with L2 weight decay (sklearn's alpha convention), early stopping on validation loss (best weights
// restored) or, without validation rows, on the training loss (sklearn's tol / n_iter_no_change rule).
// First-layer updates are lazy (only the rows of features present in the batch), so wide TF-IDF inputs
// stay fast. Training runs in float64 (weights, Adam moments, activations) in plain monomorphic loops;
// the returned network holds float32 weights, as model.onnx does.
import { rng, shuffleInPlace, tick, type Csr } from './sparse';
import { lossAndAccuracy, predictProba, type Network } from './model';
import { CancelledError } from '../types';

export interface MlpOptions {
  hidden?: number[];
  dropout?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty (default 1e-4). */
  alpha?: number;
  /** Epochs without validation-loss improvement before stopping (default 10; 0 = never stop early). */
  patience?: number;
  /** Smallest loss decrease that counts as an improvement (default 1e-4, as sklearn's tol). */
  tol?: number;
  seed?: number;
  sampleWeight?: Float64Array;
  signal?: AbortSignal;
  onEpoch?: (epoch: number, m: { trainLoss: number; trainAccuracy: number; valLoss: number | null; valAccuracy: number | null }) => void | Promise<void>;
}

export interface MlpFit {
  network: Network;
  epochs: number;
  bestEpoch: number;
  bestValLoss: number | null;
}

/** Default MLP settings (shared with the trainer's metadata). */
export const MLP_DEFAULTS = { hidden: [64], dropout: 0, epochs: 200, batchSize: 200, learningRate: 1e-3, alpha: 1e-4, patience: 10 } as const;

/** One dense layer's training state: weights (din x dout, row-major), bias, gradients and Adam moments. */
interface LayerState {
  din: number;
  dout: number;
  w: Float64Array;
  b: Float64Array;
  gw: Float64Array;
  gb: Float64Array;
  mw: Float64Array;
  vw: Float64Array;
  mb: Float64Array;
  vb: Float64Array;
}

function layerState(din: number, dout: number, rand: () => number): LayerState {
  const bound = Math.sqrt(6 / (din + dout));
  const w = new Float64Array(din * dout), b = new Float64Array(dout);
  for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * bound;
  for (let i = 0; i < dout; i++) b[i] = (rand() * 2 - 1) * bound;
  return { din, dout, w, b, gw: new Float64Array(w.length), gb: new Float64Array(dout), mw: new Float64Array(w.length), vw: new Float64Array(w.length), mb: new Float64Array(dout), vb: new Float64Array(dout) };
}

/** z[r] = b + sum over the row's non-zeros x_j * W[j] for the batch rows order[start..start+nb). */
function forwardSparse(X: Csr, order: Int32Array, start: number, nb: number, L: LayerState, z: Float64Array, touched: Uint8Array, touchedList: Int32Array, nTouched: number): number {
  const dout = L.dout, w = L.w, b = L.b;
  const indptr = X.indptr, indices = X.indices, values = X.values;
  for (let r = 0; r < nb; r++) {
    const zo = r * dout;
    for (let k = 0; k < dout; k++) z[zo + k] = b[k];
    const row = order[start + r];
    for (let p = indptr[row], e = indptr[row + 1]; p < e; p++) {
      const v = values[p], j = indices[p], base = j * dout;
      if (touched[j] === 0) { touched[j] = 1; touchedList[nTouched++] = j; }
      for (let k = 0; k < dout; k++) z[zo + k] += v * w[base + k];
    }
  }
  return nTouched;
}

/** z[r] = b + a[r] W for dense activations a (nb x din): the row's non-zero activations (ReLU leaves about half
 *  at 0) four at a time, so each output is read and written once per four weight rows. */
function forwardDense(a: Float64Array, nb: number, L: LayerState, z: Float64Array, nz: Int32Array): void {
  const din = L.din, dout = L.dout, w = L.w, b = L.b;
  for (let r = 0; r < nb; r++) {
    const zo = r * dout, ao = r * din;
    for (let k = 0; k < dout; k++) z[zo + k] = b[k];
    let m = 0;
    for (let j = 0; j < din; j++) if (a[ao + j] !== 0) nz[m++] = j;
    let q = 0;
    for (; q + 3 < m; q += 4) {
      const j1 = nz[q], j2 = nz[q + 1], j3 = nz[q + 2], j4 = nz[q + 3];
      const v1 = a[ao + j1], v2 = a[ao + j2], v3 = a[ao + j3], v4 = a[ao + j4];
      const b1 = j1 * dout, b2 = j2 * dout, b3 = j3 * dout, b4 = j4 * dout;
      for (let k = 0; k < dout; k++) z[zo + k] += v1 * w[b1 + k] + v2 * w[b2 + k] + v3 * w[b3 + k] + v4 * w[b4 + k];
    }
    for (; q < m; q++) {
      const j = nz[q], v = a[ao + j], base = j * dout;
      for (let k = 0; k < dout; k++) z[zo + k] += v * w[base + k];
    }
  }
}

/** ReLU with inverted dropout; the mask (0 or 1/keep) is kept for the backward pass. */
function reluDropout(z: Float64Array, a: Float64Array, mask: Float64Array, n: number, dropout: number, rand: () => number): void {
  if (dropout > 0) {
    const keep = 1 - dropout, scale = 1 / keep;
    for (let i = 0; i < n; i++) {
      const m = rand() < keep ? scale : 0;
      mask[i] = m;
      a[i] = z[i] > 0 ? z[i] * m : 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      mask[i] = 1;
      a[i] = z[i] > 0 ? z[i] : 0;
    }
  }
}

/** Softmax + weighted cross-entropy of the output layer; writes dz = w (p - onehot) / sum(w). */
function softmaxLoss(z: Float64Array, a: Float64Array, dz: Float64Array, y: Int32Array, order: Int32Array, start: number, nb: number, K: number, sw: Float64Array | undefined, acc: { lossSum: number; wSum: number; correct: number }): void {
  let bw = 0;
  for (let r = 0; r < nb; r++) bw += sw ? sw[order[start + r]] : 1;
  if (!(bw > 0)) bw = 1;
  for (let r = 0; r < nb; r++) {
    const o = r * K, row = order[start + r], yr = y[row];
    const w = sw ? sw[row] : 1;
    let m = -Infinity, arg = 0;
    for (let k = 0; k < K; k++) if (z[o + k] > m) { m = z[o + k]; arg = k; }
    if (arg === yr) acc.correct++;
    let s = 0;
    for (let k = 0; k < K; k++) { const e = Math.exp(z[o + k] - m); a[o + k] = e; s += e; }
    const inv = 1 / s;
    for (let k = 0; k < K; k++) a[o + k] *= inv;
    acc.lossSum -= w * Math.log(Math.max(a[o + yr], 1e-15));
    acc.wSum += w;
    const c = w / bw;
    for (let k = 0; k < K; k++) dz[o + k] = c * a[o + k];
    dz[o + yr] -= c;
  }
}

/** Gradients of a dense layer from its input activations and dz; dprev = (dz W^T) through ReLU/dropout. An input
 *  that is 0 (ReLU or dropout) gets no weight gradient and passes none back; the active ones go two at a time so
 *  they share each read of dz. */
function backwardDense(aPrev: Float64Array, nb: number, L: LayerState, dz: Float64Array, dprev: Float64Array, nz: Int32Array, maskPrev: Float64Array): void {
  const din = L.din, dout = L.dout, w = L.w, gw = L.gw, gb = L.gb;
  for (let r = 0; r < nb; r++) {
    const o = r * dout, ao = r * din;
    for (let k = 0; k < dout; k++) gb[k] += dz[o + k];
    let m = 0;
    for (let j = 0; j < din; j++) {
      if (aPrev[ao + j] !== 0) nz[m++] = j;
      else dprev[ao + j] = 0;
    }
    let q = 0;
    for (; q + 1 < m; q += 2) {
      const j1 = nz[q], j2 = nz[q + 1];
      const v1 = aPrev[ao + j1], v2 = aPrev[ao + j2];
      const b1 = j1 * dout, b2 = j2 * dout;
      let s1 = 0, s2 = 0;
      for (let k = 0; k < dout; k++) {
        const d = dz[o + k];
        gw[b1 + k] += v1 * d;
        gw[b2 + k] += v2 * d;
        s1 += d * w[b1 + k];
        s2 += d * w[b2 + k];
      }
      // An active input had a positive pre-activation: the ReLU passes the gradient, scaled by its dropout mask.
      dprev[ao + j1] = s1 * maskPrev[ao + j1];
      dprev[ao + j2] = s2 * maskPrev[ao + j2];
    }
    for (; q < m; q++) {
      const j = nz[q], v = aPrev[ao + j], base = j * dout;
      let s = 0;
      for (let k = 0; k < dout; k++) {
        const d = dz[o + k];
        gw[base + k] += v * d;
        s += d * w[base + k];
      }
      dprev[ao + j] = s * maskPrev[ao + j];
    }
  }
}

/** First-layer gradients from the sparse batch rows. */
function backwardSparse(X: Csr, order: Int32Array, start: number, nb: number, L: LayerState, dz: Float64Array): void {
  const dout = L.dout, gw = L.gw, gb = L.gb;
  const indptr = X.indptr, indices = X.indices, values = X.values;
  for (let r = 0; r < nb; r++) {
    const o = r * dout;
    for (let k = 0; k < dout; k++) gb[k] += dz[o + k];
    const row = order[start + r];
    for (let p = indptr[row], e = indptr[row + 1]; p < e; p++) {
      const v = values[p], base = indices[p] * dout;
      for (let k = 0; k < dout; k++) gw[base + k] += v * dz[o + k];
    }
  }
}

/** Adam step (with L2 decay added to the gradient) on w[from..to); clears the gradient. */
function adamRange(w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, from: number, to: number, decay: number, stepSize: number, eps: number): void {
  for (let i = from; i < to; i++) {
    const gi = g[i] + decay * w[i];
    const mi = 0.9 * m[i] + 0.1 * gi;
    const vi = 0.999 * v[i] + 0.001 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
    g[i] = 0;
  }
}

export async function fitMlp(X: Csr, y: Int32Array, K: number, Xval: Csr | null, yval: Int32Array | null, opts: MlpOptions = {}): Promise<MlpFit> {
  const hidden = (opts.hidden ?? MLP_DEFAULTS.hidden).filter((h) => h > 0);
  const dropout = Math.min(Math.max(opts.dropout ?? MLP_DEFAULTS.dropout, 0), 0.9);
  const epochs = opts.epochs ?? MLP_DEFAULTS.epochs;
  const B = Math.max(1, Math.min(opts.batchSize ?? MLP_DEFAULTS.batchSize, X.rows));
  const lr = opts.learningRate ?? MLP_DEFAULTS.learningRate;
  const alpha = opts.alpha ?? MLP_DEFAULTS.alpha;
  const patience = opts.patience ?? MLP_DEFAULTS.patience;
  const tol = opts.tol ?? 1e-4;
  const sw = opts.sampleWeight;
  const rand = rng(opts.seed ?? 0);
  const dims = [X.cols, ...hidden, K];
  const nL = dims.length - 1;
  const layers: LayerState[] = [];
  for (let l = 0; l < nL; l++) layers.push(layerState(dims[l], dims[l + 1], rand));
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  let t = 0;
  // Per layer, for one batch: Z (pre-activation), A (post-ReLU/dropout or softmax), dZ, dropout mask.
  const Z = dims.slice(1).map((d) => new Float64Array(B * d));
  const A = dims.slice(1).map((d) => new Float64Array(B * d));
  const dZ = dims.slice(1).map((d) => new Float64Array(B * d));
  const mask = dims.slice(1).map((d) => new Float64Array(B * d));
  const nzScratch = new Int32Array(Math.max(1, ...dims));
  const touched = new Uint8Array(X.cols);
  const touchedList = new Int32Array(X.cols);
  const order = Int32Array.from({ length: X.rows }, (_, i) => i);
  const snapshot = () => ({ W: layers.map((p) => Float32Array.from(p.w)), b: layers.map((p) => Float32Array.from(p.b)) });
  const network = (s: { W: Float32Array[]; b: Float32Array[] }): Network => ({
    kind: 'mlp',
    layers: s.W.map((w, l) => ({ inDim: dims[l], outDim: dims[l + 1], W: w, b: s.b[l] })),
  });
  let best = snapshot();
  let bestLoss = Infinity, bestEpoch = 0, bad = 0, epoch = 0, diverged = false;

  // One minibatch: forward, backward, Adam step (synchronous, out of the async loop, so V8 optimises it).
  const runBatch = (start: number, nb: number, acc: { lossSum: number; wSum: number; correct: number }): void => {
    let nTouched = forwardSparse(X, order, start, nb, layers[0], Z[0], touched, touchedList, 0);
    for (let l = 0; l < nL; l++) {
      if (l > 0) forwardDense(A[l - 1], nb, layers[l], Z[l], nzScratch);
      if (l < nL - 1) reluDropout(Z[l], A[l], mask[l], nb * dims[l + 1], dropout, rand);
      else softmaxLoss(Z[l], A[l], dZ[l], y, order, start, nb, K, sw, acc);
    }
    for (let l = nL - 1; l >= 1; l--) backwardDense(A[l - 1], nb, layers[l], dZ[l], dZ[l - 1], nzScratch, mask[l - 1]);
    backwardSparse(X, order, start, nb, layers[0], dZ[0]);
    // Adam with bias correction folded into the step size; L2: alpha * w / batch size, as sklearn.
    t++;
    const stepSize = (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
    const decay = alpha / nb;
    for (let l = 0; l < nL; l++) {
      const p = layers[l], dout = p.dout;
      if (l === 0) {
        for (let q = 0; q < nTouched; q++) {
          const j = touchedList[q];
          adamRange(p.w, p.gw, p.mw, p.vw, j * dout, (j + 1) * dout, decay, stepSize, eps);
          touched[j] = 0;
        }
        nTouched = 0;
      } else adamRange(p.w, p.gw, p.mw, p.vw, 0, p.w.length, decay, stepSize, eps);
      adamRange(p.b, p.gb, p.mb, p.vb, 0, dout, 0, stepSize, eps);
    }
  };

  const live: Network = { kind: 'mlp', layers: layers.map((p) => ({ inDim: p.din, outDim: p.dout, W: p.w, b: p.b })) };
  for (epoch = 1; epoch <= epochs; epoch++) {
    shuffleInPlace(order, rand);
    const acc = { lossSum: 0, wSum: 0, correct: 0 };
    for (let start = 0, n = 0; start < X.rows; start += B, n++) {
      if (opts.signal?.aborted) throw new CancelledError();
      runBatch(start, Math.min(B, X.rows - start), acc);
      if ((n & 15) === 15) await tick();
    }
    const trainLoss = acc.wSum ? acc.lossSum / acc.wSum : 0;
    const trainAccuracy = X.rows ? acc.correct / X.rows : 0;
    let valLoss: number | null = null, valAccuracy: number | null = null;
    if (Xval && yval && Xval.rows) {
      // Evaluated on the float64 training weights (predictProba only reads them).
      const r = lossAndAccuracy(predictProba(live, Xval), yval, K);
      valLoss = r.loss;
      valAccuracy = r.accuracy;
    }
    await opts.onEpoch?.(epoch, { trainLoss, trainAccuracy, valLoss, valAccuracy });
    if (!opts.onEpoch && (epoch & 7) === 0) await tick();
    if (!isFinite(trainLoss)) { diverged = true; break; }
    const monitored = valLoss ?? trainLoss;
    if (monitored < bestLoss - tol) {
      bestLoss = monitored;
      bestEpoch = epoch;
      best = snapshot();
      bad = 0;
    } else if (patience > 0 && ++bad >= patience) break;
  }
  if (!Xval && !diverged && bestEpoch < Math.min(epoch, epochs)) {
    // Without validation rows the last weights are kept (as sklearn does), not the best-loss snapshot.
    best = snapshot();
  }
  return { network: network(best), epochs: Math.min(epoch, epochs), bestEpoch, bestValLoss: Xval ? bestLoss : null };
}

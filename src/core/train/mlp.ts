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
  /** Also stop once the monitored loss has risen this many epochs in a row, before `patience` runs out (default 0 =
   *  off): a steady rise is overfitting under way (Prechelt's "UP" criterion); the best weights are kept either way. */
  rises?: number;
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

/** The first layer (sparse: sparseGradAdam) keeps no weight-gradient matrix. */
function layerState(din: number, dout: number, rand: () => number, sparse = false): LayerState {
  const bound = Math.sqrt(6 / (din + dout));
  const w = new Float64Array(din * dout), b = new Float64Array(dout);
  for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * bound;
  for (let i = 0; i < dout; i++) b[i] = (rand() * 2 - 1) * bound;
  return { din, dout, w, b, gw: new Float64Array(sparse ? 0 : w.length), gb: new Float64Array(dout), mw: new Float64Array(w.length), vw: new Float64Array(w.length), mb: new Float64Array(dout), vb: new Float64Array(dout) };
}

/** z[r] = b + sum over the row's non-zeros x_j * W[j] for the batch rows order[start..start+nb); four non-zeros per
 *  pass over z, added left to right (the same sums, in the same order, as one at a time). */
function forwardSparse(X: Csr, order: Int32Array, start: number, nb: number, L: LayerState, z: Float64Array, touched: Int32Array, touchedList: Int32Array, nTouched: number): number {
  const dout = L.dout, w = L.w, b = L.b;
  const indptr = X.indptr, indices = X.indices, values = X.values;
  for (let r = 0; r < nb; r++) {
    const zo = r * dout;
    for (let k = 0; k < dout; k++) z[zo + k] = b[k];
    const row = order[start + r];
    const a = indptr[row], e = indptr[row + 1];
    for (let p = a; p < e; p++) {
      const j = indices[p];
      if (touched[j] === 0) { touchedList[nTouched] = j; touched[j] = ++nTouched; }
    }
    let p = a;
    for (; p + 3 < e; p += 4) {
      const v1 = values[p], b1 = indices[p] * dout, v2 = values[p + 1], b2 = indices[p + 1] * dout;
      const v3 = values[p + 2], b3 = indices[p + 2] * dout, v4 = values[p + 3], b4 = indices[p + 3] * dout;
      for (let k = 0; k < dout; k++) z[zo + k] = z[zo + k] + v1 * w[b1 + k] + v2 * w[b2 + k] + v3 * w[b3 + k] + v4 * w[b4 + k];
    }
    for (; p < e; p++) {
      const v = values[p], base = indices[p] * dout;
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

/** Gradients of a dense layer from its input activations and dz; dprev = (dz W^T) through ReLU/dropout.
 *  The weight gradient is the batch's A^T dZ, two inputs by four outputs at a time summed over the rows in registers
 *  (six reads for eight products; each sum runs over the rows in order, as row by row updates would, and an input
 *  that is 0 adds exactly 0); then dprev the same way, two rows by four inputs (an input that ReLU or dropout left
 *  at 0 passes no gradient back). banking77's 64 x 77 output layer: about 15% of the network's fit before. */
function backwardDense(aPrev: Float64Array, nb: number, L: LayerState, dz: Float64Array, dprev: Float64Array, maskPrev: Float64Array): void {
  const din = L.din, dout = L.dout, w = L.w, gw = L.gw, gb = L.gb;
  for (let r = 0; r < nb; r++) {
    const o = r * dout;
    for (let k = 0; k < dout; k++) gb[k] += dz[o + k];
  }
  let j = 0;
  for (; j + 1 < din; j += 2) {
    const g0 = j * dout, g1 = g0 + dout;
    let k = 0;
    for (; k + 3 < dout; k += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      for (let r = 0, ao = j, o = k; r < nb; r++, ao += din, o += dout) {
        const a0 = aPrev[ao], a1 = aPrev[ao + 1];
        const d0 = dz[o], d1 = dz[o + 1], d2 = dz[o + 2], d3 = dz[o + 3];
        c00 += a0 * d0; c01 += a0 * d1; c02 += a0 * d2; c03 += a0 * d3;
        c10 += a1 * d0; c11 += a1 * d1; c12 += a1 * d2; c13 += a1 * d3;
      }
      gw[g0 + k] += c00; gw[g0 + k + 1] += c01; gw[g0 + k + 2] += c02; gw[g0 + k + 3] += c03;
      gw[g1 + k] += c10; gw[g1 + k + 1] += c11; gw[g1 + k + 2] += c12; gw[g1 + k + 3] += c13;
    }
    for (; k < dout; k++) {
      let c0 = 0, c1 = 0;
      for (let r = 0, ao = j, o = k; r < nb; r++, ao += din, o += dout) { const d = dz[o]; c0 += aPrev[ao] * d; c1 += aPrev[ao + 1] * d; }
      gw[g0 + k] += c0; gw[g1 + k] += c1;
    }
  }
  for (; j < din; j++) {
    const g0 = j * dout;
    for (let k = 0; k < dout; k++) {
      let c = 0;
      for (let r = 0, ao = j, o = k; r < nb; r++, ao += din, o += dout) c += aPrev[ao] * dz[o];
      gw[g0 + k] += c;
    }
  }
  // dprev: two rows by four inputs at a time over every input (six reads for eight products), then an input that is 0
  // (ReLU or dropout) passes nothing back; each sum runs over the outputs in order, as one at a time
  let r = 0;
  for (; r + 1 < nb; r += 2) {
    const o0 = r * dout, o1 = o0 + dout, a0 = r * din, a1 = a0 + din;
    let i = 0;
    for (; i + 3 < din; i += 4) {
      const b1 = i * dout, b2 = b1 + dout, b3 = b2 + dout, b4 = b3 + dout;
      let s01 = 0, s02 = 0, s03 = 0, s04 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0;
      for (let k = 0; k < dout; k++) {
        const d0 = dz[o0 + k], d1 = dz[o1 + k];
        const w1 = w[b1 + k], w2 = w[b2 + k], w3 = w[b3 + k], w4 = w[b4 + k];
        s01 += d0 * w1; s02 += d0 * w2; s03 += d0 * w3; s04 += d0 * w4;
        s11 += d1 * w1; s12 += d1 * w2; s13 += d1 * w3; s14 += d1 * w4;
      }
      dprev[a0 + i] = aPrev[a0 + i] !== 0 ? s01 * maskPrev[a0 + i] : 0;
      dprev[a0 + i + 1] = aPrev[a0 + i + 1] !== 0 ? s02 * maskPrev[a0 + i + 1] : 0;
      dprev[a0 + i + 2] = aPrev[a0 + i + 2] !== 0 ? s03 * maskPrev[a0 + i + 2] : 0;
      dprev[a0 + i + 3] = aPrev[a0 + i + 3] !== 0 ? s04 * maskPrev[a0 + i + 3] : 0;
      dprev[a1 + i] = aPrev[a1 + i] !== 0 ? s11 * maskPrev[a1 + i] : 0;
      dprev[a1 + i + 1] = aPrev[a1 + i + 1] !== 0 ? s12 * maskPrev[a1 + i + 1] : 0;
      dprev[a1 + i + 2] = aPrev[a1 + i + 2] !== 0 ? s13 * maskPrev[a1 + i + 2] : 0;
      dprev[a1 + i + 3] = aPrev[a1 + i + 3] !== 0 ? s14 * maskPrev[a1 + i + 3] : 0;
    }
    for (; i < din; i++) {
      const base = i * dout;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < dout; k++) { const wk = w[base + k]; s0 += dz[o0 + k] * wk; s1 += dz[o1 + k] * wk; }
      dprev[a0 + i] = aPrev[a0 + i] !== 0 ? s0 * maskPrev[a0 + i] : 0;
      dprev[a1 + i] = aPrev[a1 + i] !== 0 ? s1 * maskPrev[a1 + i] : 0;
    }
  }
  for (; r < nb; r++) {
    const o = r * dout, ao = r * din;
    for (let i = 0; i < din; i++) {
      if (aPrev[ao + i] === 0) { dprev[ao + i] = 0; continue; }
      const base = i * dout;
      let s = 0;
      for (let k = 0; k < dout; k++) s += dz[o + k] * w[base + k];
      dprev[ao + i] = s * maskPrev[ao + i];
    }
  }
}

/**
 * Adam step (with L2 decay added to the gradient) on w[from..to); clears the gradient. The gradient of w[i] is
 * g[i - gShift] (a scratch row holds one slice of a layer's gradient: gShift = from).
 */
function adamRange(w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, from: number, to: number, decay: number, stepSize: number, eps: number, gShift = 0): void {
  for (let i = from; i < to; i++) {
    const gi = g[i - gShift] + decay * w[i];
    const mi = 0.9 * m[i] + 0.1 * gi;
    const vi = 0.999 * v[i] + 0.001 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
    g[i - gShift] = 0;
  }
}

/** Where each touched first-layer feature occurs in the batch: its occurrences (dz offset, value), in row order. */
interface Occurrences {
  start: Int32Array;
  pos: Int32Array;
  val: Float64Array;
}

/**
 * The first layer's gradients and its lazy Adam step, feature by feature: each feature the batch touched (touchedList,
 * touched[j] = its slot + 1) gets its gradient row summed in a small scratch row from its occurrences, in row order
 * (the additions, in the order, of accumulating row by row into a full gradient matrix), then its Adam step (L2 decay
 * added to the gradient). No din x dout gradient matrix (4.5 MB on banking77: 8,700 features x 64) is written, read
 * back and cleared; the scratch row stays in cache. Clears `touched`.
 */
function sparseGradAdam(X: Csr, order: Int32Array, start: number, nb: number, L: LayerState, dz: Float64Array, touched: Int32Array, touchedList: Int32Array, nTouched: number, occ: Occurrences, g: Float64Array, decay: number, stepSize: number, eps: number): void {
  const dout = L.dout, gb = L.gb, w = L.w, m = L.mw, v = L.vw;
  const indptr = X.indptr, indices = X.indices, values = X.values;
  // counts per slot (slot q counted at q + 1), then their running sums: the end of each slot's list
  const st = occ.start;
  st.fill(0, 0, nTouched + 2);
  let total = 0;
  for (let r = 0; r < nb; r++) {
    const o = r * dout;
    for (let k = 0; k < dout; k++) gb[k] += dz[o + k];
    const row = order[start + r];
    for (let p = indptr[row], e = indptr[row + 1]; p < e; p++) st[touched[indices[p]]]++;
    total += indptr[row + 1] - indptr[row];
  }
  for (let q = 0; q < nTouched; q++) st[q + 1] += st[q];
  if (occ.pos.length < total) {
    occ.pos = new Int32Array(total * 2);
    occ.val = new Float64Array(total * 2);
  }
  const pos = occ.pos, val = occ.val;
  // fill from the end of each slot backwards, rows last to first: each slot's list ends up in row order
  for (let r = nb - 1; r >= 0; r--) {
    const row = order[start + r], o = r * dout;
    for (let p = indptr[row + 1] - 1; p >= indptr[row]; p--) {
      const c = --st[touched[indices[p]]];
      pos[c] = o;
      val[c] = values[p];
    }
  }
  // each slot's end moved back to its start: slot q runs from st[q + 1] to st[q + 2] (the total for the last)
  st[nTouched + 1] = total;
  for (let q = 0; q < nTouched; q++) {
    const j = touchedList[q];
    touched[j] = 0;
    for (let k = 0; k < dout; k++) g[k] = 0;
    let c = st[q + 1];
    const e = st[q + 2];
    // four occurrences per pass over g, added left to right (the same sums, in the same order, as one at a time)
    for (; c + 3 < e; c += 4) {
      const o1 = pos[c], v1 = val[c], o2 = pos[c + 1], v2 = val[c + 1], o3 = pos[c + 2], v3 = val[c + 2], o4 = pos[c + 3], v4 = val[c + 3];
      for (let k = 0; k < dout; k++) g[k] = g[k] + v1 * dz[o1 + k] + v2 * dz[o2 + k] + v3 * dz[o3 + k] + v4 * dz[o4 + k];
    }
    for (; c < e; c++) {
      const o = pos[c], vv = val[c];
      for (let k = 0; k < dout; k++) g[k] += vv * dz[o + k];
    }
    adamRange(w, g, m, v, j * dout, j * dout + dout, decay, stepSize, eps, j * dout);
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
  const maxRises = opts.rises ?? 0;
  const sw = opts.sampleWeight;
  const rand = rng(opts.seed ?? 0);
  const dims = [X.cols, ...hidden, K];
  const nL = dims.length - 1;
  const layers: LayerState[] = [];
  for (let l = 0; l < nL; l++) layers.push(layerState(dims[l], dims[l + 1], rand, l === 0));
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  let t = 0;
  // Per layer, for one batch: Z (pre-activation), A (post-ReLU/dropout or softmax), dZ, dropout mask.
  const Z = dims.slice(1).map((d) => new Float64Array(B * d));
  const A = dims.slice(1).map((d) => new Float64Array(B * d));
  const dZ = dims.slice(1).map((d) => new Float64Array(B * d));
  const mask = dims.slice(1).map((d) => new Float64Array(B * d));
  const nzScratch = new Int32Array(Math.max(1, ...dims));
  const touched = new Int32Array(X.cols);
  const touchedList = new Int32Array(X.cols);
  const occ: Occurrences = { start: new Int32Array(X.cols + 2), pos: new Int32Array(1024), val: new Float64Array(1024) };
  const gRow = new Float64Array(dims[1]);
  const order = Int32Array.from({ length: X.rows }, (_, i) => i);
  const snapshot = () => ({ W: layers.map((p) => Float32Array.from(p.w)), b: layers.map((p) => Float32Array.from(p.b)) });
  const network = (s: { W: Float32Array[]; b: Float32Array[] }): Network => ({
    kind: 'mlp',
    layers: s.W.map((w, l) => ({ inDim: dims[l], outDim: dims[l + 1], W: w, b: s.b[l] })),
  });
  let best = snapshot();
  let bestLoss = Infinity, bestEpoch = 0, bad = 0, epoch = 0, diverged = false, rises = 0, lastLoss = Infinity;

  // One minibatch: forward, backward, Adam step (synchronous, out of the async loop, so V8 optimises it).
  const runBatch = (start: number, nb: number, acc: { lossSum: number; wSum: number; correct: number }): void => {
    const nTouched = forwardSparse(X, order, start, nb, layers[0], Z[0], touched, touchedList, 0);
    for (let l = 0; l < nL; l++) {
      if (l > 0) forwardDense(A[l - 1], nb, layers[l], Z[l], nzScratch);
      if (l < nL - 1) reluDropout(Z[l], A[l], mask[l], nb * dims[l + 1], dropout, rand);
      else softmaxLoss(Z[l], A[l], dZ[l], y, order, start, nb, K, sw, acc);
    }
    for (let l = nL - 1; l >= 1; l--) backwardDense(A[l - 1], nb, layers[l], dZ[l], dZ[l - 1], mask[l - 1]);
    // Adam with bias correction folded into the step size; L2: alpha * w / batch size, as sklearn.
    t++;
    const stepSize = (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
    const decay = alpha / nb;
    for (let l = 0; l < nL; l++) {
      const p = layers[l], dout = p.dout;
      if (l === 0) sparseGradAdam(X, order, start, nb, p, dZ[0], touched, touchedList, nTouched, occ, gRow, decay, stepSize, eps);
      else adamRange(p.w, p.gw, p.mw, p.vw, 0, p.w.length, decay, stepSize, eps);
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
    rises = monitored > lastLoss ? rises + 1 : 0;
    lastLoss = monitored;
    if (monitored < bestLoss - tol) {
      bestLoss = monitored;
      bestEpoch = epoch;
      best = snapshot();
      bad = 0;
    } else if ((patience > 0 && ++bad >= patience) || (maxRises > 0 && rises >= maxRises)) break;
  }
  if (!Xval && !diverged && bestEpoch < Math.min(epoch, epochs)) {
    // Without validation rows the last weights are kept (as sklearn does), not the best-loss snapshot.
    best = snapshot();
  }
  return { network: network(best), epochs: Math.min(epoch, epochs), bestEpoch, bestValLoss: Xval ? bestLoss : null };
}

// Multi-layer perceptron: sparse input -> [dense ReLU layers with dropout] -> softmax. Minibatch Adam
// with L2 weight decay (sklearn's alpha convention), early stopping on validation loss (best weights
// restored). First-layer updates are lazy (only the rows of features present in the batch), so wide
// TF-IDF inputs stay fast.
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

interface Param {
  w: Float32Array;
  m: Float32Array;
  v: Float32Array;
  g: Float32Array;
}

function param(n: number): Param {
  return { w: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n), g: new Float32Array(n) };
}

export async function fitMlp(X: Csr, y: Int32Array, K: number, Xval: Csr | null, yval: Int32Array | null, opts: MlpOptions = {}): Promise<MlpFit> {
  const hidden = (opts.hidden ?? [64]).filter((h) => h > 0);
  const dropout = Math.min(Math.max(opts.dropout ?? 0.1, 0), 0.9);
  const epochs = opts.epochs ?? 200;
  const B = Math.max(1, Math.min(opts.batchSize ?? 200, X.rows));
  const lr = opts.learningRate ?? 1e-3;
  const alpha = opts.alpha ?? 1e-4;
  const patience = opts.patience ?? 10;
  const rand = rng(opts.seed ?? 0);
  const dims = [X.cols, ...hidden, K];
  const L = dims.length - 1;
  const W: Param[] = [], Bs: Param[] = [];
  for (let l = 0; l < L; l++) {
    const bound = Math.sqrt(6 / (dims[l] + dims[l + 1]));
    const w = param(dims[l] * dims[l + 1]);
    for (let i = 0; i < w.w.length; i++) w.w[i] = (rand() * 2 - 1) * bound;
    const b = param(dims[l + 1]);
    for (let i = 0; i < b.w.length; i++) b.w[i] = (rand() * 2 - 1) * bound;
    W.push(w);
    Bs.push(b);
  }
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  let t = 0;
  // Activations per layer for one batch: Z (pre-activation) and A (post-ReLU/dropout).
  const Z = dims.slice(1).map((d) => new Float64Array(B * d));
  const A = dims.slice(1).map((d) => new Float64Array(B * d));
  const mask = hidden.map((d) => new Float32Array(B * d));
  const dZ = dims.slice(1).map((d) => new Float64Array(B * d));
  const touched = new Uint8Array(X.cols);
  const touchedList: number[] = [];
  const keep = 1 - dropout;
  const order = Array.from({ length: X.rows }, (_, i) => i);
  const snapshot = () => ({ W: W.map((p) => Float32Array.from(p.w)), b: Bs.map((p) => Float32Array.from(p.w)) });
  const network = (s: { W: Float32Array[]; b: Float32Array[] }): Network => ({
    kind: 'mlp',
    layers: s.W.map((w, l) => ({ inDim: dims[l], outDim: dims[l + 1], W: w, b: s.b[l] })),
  });
  let best = snapshot();
  let bestLoss = Infinity, bestEpoch = 0, bad = 0, epoch = 0;

  const adam = (p: Param, i: number, c1: number, c2: number) => {
    const g = p.g[i];
    p.m[i] = beta1 * p.m[i] + (1 - beta1) * g;
    p.v[i] = beta2 * p.v[i] + (1 - beta2) * g * g;
    p.w[i] -= (lr * (p.m[i] / c1)) / (Math.sqrt(p.v[i] / c2) + eps);
    p.g[i] = 0;
  };

  // One minibatch: forward, backward, Adam step. Kept synchronous (and out of the async loop) so V8 optimises it.
  const runBatch = (start: number, nb: number, acc: { lossSum: number; wSum: number; correct: number }): void => {
    // Forward.
    for (let l = 0; l < L; l++) {
      const din = dims[l], dout = dims[l + 1], w = W[l].w, b = Bs[l].w, z = Z[l];
      for (let r = 0; r < nb; r++) {
        const zo = r * dout;
        for (let k = 0; k < dout; k++) z[zo + k] = b[k];
        if (l === 0) {
          const row = order[start + r];
          for (let p = X.indptr[row]; p < X.indptr[row + 1]; p++) {
            const v = X.values[p], j = X.indices[p], base = j * dout;
            if (!touched[j]) { touched[j] = 1; touchedList.push(j); }
            for (let k = 0; k < dout; k++) z[zo + k] += v * w[base + k];
          }
        } else {
          const a = A[l - 1], ao = r * din;
          for (let j = 0; j < din; j++) {
            const v = a[ao + j];
            if (v === 0) continue;
            const base = j * dout;
            for (let k = 0; k < dout; k++) z[zo + k] += v * w[base + k];
          }
        }
      }
      const a = A[l];
      if (l < L - 1) {
        const mk = mask[l];
        for (let i = 0; i < nb * dout; i++) {
          const m = dropout > 0 ? (rand() < keep ? 1 / keep : 0) : 1;
          mk[i] = m;
          a[i] = z[i] > 0 ? z[i] * m : 0;
        }
      } else {
        // Softmax + loss; dZ = w * (p - onehot) / sum(w).
        let bw = 0;
        for (let r = 0; r < nb; r++) bw += opts.sampleWeight ? opts.sampleWeight[order[start + r]] : 1;
        const dz = dZ[l];
        for (let r = 0; r < nb; r++) {
          const o = r * dout, row = order[start + r], yr = y[row];
          const sw = opts.sampleWeight ? opts.sampleWeight[row] : 1;
          let m = -Infinity, arg = 0;
          for (let k = 0; k < dout; k++) if (z[o + k] > m) { m = z[o + k]; arg = k; }
          if (arg === yr) acc.correct++;
          let s = 0;
          for (let k = 0; k < dout; k++) { a[o + k] = Math.exp(z[o + k] - m); s += a[o + k]; }
          for (let k = 0; k < dout; k++) a[o + k] /= s;
          acc.lossSum -= sw * Math.log(Math.max(a[o + yr], 1e-15));
          acc.wSum += sw;
          for (let k = 0; k < dout; k++) dz[o + k] = (sw * (a[o + k] - (k === yr ? 1 : 0))) / bw;
        }
      }
    }
    // Backward.
    for (let l = L - 1; l >= 0; l--) {
      const din = dims[l], dout = dims[l + 1], dz = dZ[l], gw = W[l].g, gb = Bs[l].g, w = W[l].w;
      for (let r = 0; r < nb; r++) {
        const o = r * dout;
        for (let k = 0; k < dout; k++) gb[k] += dz[o + k];
        if (l === 0) {
          const row = order[start + r];
          for (let p = X.indptr[row]; p < X.indptr[row + 1]; p++) {
            const v = X.values[p], base = X.indices[p] * dout;
            for (let k = 0; k < dout; k++) gw[base + k] += v * dz[o + k];
          }
        } else {
          const a = A[l - 1], ao = r * din;
          for (let j = 0; j < din; j++) {
            const v = a[ao + j];
            if (v === 0) continue;
            const base = j * dout;
            for (let k = 0; k < dout; k++) gw[base + k] += v * dz[o + k];
          }
        }
      }
      if (l > 0) {
        // dA_{l-1} = dZ_l W_l^T, then through dropout mask and ReLU.
        const dprev = dZ[l - 1], zprev = Z[l - 1], mk = mask[l - 1];
        for (let r = 0; r < nb; r++) {
          const o = r * dout, po = r * din;
          for (let j = 0; j < din; j++) {
            if (zprev[po + j] <= 0 || mk[po + j] === 0) { dprev[po + j] = 0; continue; }
            let s = 0;
            const base = j * dout;
            for (let k = 0; k < dout; k++) s += dz[o + k] * w[base + k];
            dprev[po + j] = s * mk[po + j];
          }
        }
      }
    }
    // Adam step (+ L2: alpha * w / batch size, as sklearn).
    t++;
    const c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
    const decay = alpha / nb;
    for (let l = 0; l < L; l++) {
      const p = W[l], dout = dims[l + 1];
      if (l === 0) {
        for (const j of touchedList) {
          const base = j * dout;
          for (let k = 0; k < dout; k++) {
            p.g[base + k] += decay * p.w[base + k];
            adam(p, base + k, c1, c2);
          }
          touched[j] = 0;
        }
        touchedList.length = 0;
      } else {
        for (let i = 0; i < p.w.length; i++) {
          p.g[i] += decay * p.w[i];
          adam(p, i, c1, c2);
        }
      }
      const pb = Bs[l];
      for (let i = 0; i < pb.w.length; i++) adam(pb, i, c1, c2);
    }
  };

  for (epoch = 1; epoch <= epochs; epoch++) {
    shuffleInPlace(order, rand);
    const acc = { lossSum: 0, wSum: 0, correct: 0 };
    for (let start = 0; start < X.rows; start += B) {
      if (opts.signal?.aborted) throw new CancelledError();
      runBatch(start, Math.min(B, X.rows - start), acc);
      if (((start / B) & 15) === 15) await tick();
    }
    const lossSum = acc.lossSum, wSum = acc.wSum, correct = acc.correct;
    const trainLoss = wSum ? lossSum / wSum : 0;
    const trainAccuracy = X.rows ? correct / X.rows : 0;
    let valLoss: number | null = null, valAccuracy: number | null = null;
    if (Xval && yval && Xval.rows) {
      const p = predictProba(network({ W: W.map((x) => x.w), b: Bs.map((x) => x.w) }), Xval);
      const r = lossAndAccuracy(p, yval, K);
      valLoss = r.loss;
      valAccuracy = r.accuracy;
    }
    await opts.onEpoch?.(epoch, { trainLoss, trainAccuracy, valLoss, valAccuracy });
    await tick();
    const monitored = valLoss ?? trainLoss;
    if (monitored < bestLoss - 1e-4) {
      bestLoss = monitored;
      bestEpoch = epoch;
      best = snapshot();
      bad = 0;
    } else if (patience > 0 && ++bad >= patience) break;
    if (!isFinite(trainLoss)) break;
  }
  return { network: network(best), epochs: Math.min(epoch, epochs), bestEpoch, bestValLoss: Xval ? bestLoss : null };
}

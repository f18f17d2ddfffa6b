// Multinomial logistic regression with L2 penalty, fitted by full-batch L-BFGS on sparse features.
// Objective (as sklearn's LogisticRegression, divided by the total sample weight S):
//   (1/S) * sum_i w_i * CE(softmax(x_i W + b), y_i) + (1 / (2 C S)) * ||W||^2     (bias not penalised)
import type { Csr } from './sparse';
import { tick } from './sparse';
import type { Network } from './model';
import { CancelledError } from '../types';

export interface LogRegOptions {
  /** Inverse regularisation strength (sklearn's C; default 1). */
  C?: number;
  maxIter?: number;
  /** Stop when the largest gradient entry is below this (default 1e-5). */
  tol?: number;
  sampleWeight?: Float64Array;
  /** Warm start: parameters [W (D x K row-major), b (K)]. */
  init?: Float64Array;
  signal?: AbortSignal;
  /** Called after every L-BFGS iteration with the current parameters and training loss/accuracy. */
  onIteration?: (iter: number, params: Float64Array, loss: number, accuracy: number) => void | Promise<void>;
}

export interface LogRegFit {
  params: Float64Array;
  iterations: number;
  loss: number;
  converged: boolean;
}

/** Objective value and gradient (written into `grad`) at `theta`; also the training accuracy. */
export function logregObjective(X: Csr, y: Int32Array, K: number, theta: Float64Array, grad: Float64Array, C: number, sw?: Float64Array): { loss: number; accuracy: number } {
  const D = X.cols;
  const bOff = D * K;
  grad.fill(0);
  const z = new Float64Array(K);
  let loss = 0, S = 0, correct = 0;
  for (let r = 0; r < X.rows; r++) {
    for (let k = 0; k < K; k++) z[k] = theta[bOff + k];
    const a = X.indptr[r], e = X.indptr[r + 1];
    for (let p = a; p < e; p++) {
      const v = X.values[p], base = X.indices[p] * K;
      for (let k = 0; k < K; k++) z[k] += v * theta[base + k];
    }
    let m = -Infinity, best = 0;
    for (let k = 0; k < K; k++) if (z[k] > m) { m = z[k]; best = k; }
    if (best === y[r]) correct++;
    let s = 0;
    for (let k = 0; k < K; k++) { z[k] = Math.exp(z[k] - m); s += z[k]; }
    const w = sw ? sw[r] : 1;
    S += w;
    loss += w * (Math.log(s) + m - (Math.log(z[y[r]]) + m));
    for (let k = 0; k < K; k++) z[k] = (w * z[k]) / s;
    z[y[r]] -= w;
    for (let k = 0; k < K; k++) grad[bOff + k] += z[k];
    for (let p = a; p < e; p++) {
      const v = X.values[p], base = X.indices[p] * K;
      for (let k = 0; k < K; k++) grad[base + k] += v * z[k];
    }
  }
  const lam = 1 / C;
  let reg = 0;
  for (let i = 0; i < bOff; i++) {
    reg += theta[i] * theta[i];
    grad[i] += lam * theta[i];
  }
  const inv = S > 0 ? 1 / S : 1;
  for (let i = 0; i < grad.length; i++) grad[i] *= inv;
  return { loss: (loss + 0.5 * lam * reg) * inv, accuracy: X.rows ? correct / X.rows : 0 };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Fits multinomial logistic regression; y holds class indices 0..K-1. */
export async function fitLogReg(X: Csr, y: Int32Array, K: number, opts: LogRegOptions = {}): Promise<LogRegFit> {
  const C = opts.C ?? 1;
  const maxIter = opts.maxIter ?? 300;
  const tol = opts.tol ?? 1e-5;
  const n = X.cols * K + K;
  const x = opts.init ? Float64Array.from(opts.init) : new Float64Array(n);
  let g = new Float64Array(n);
  let { loss: f, accuracy: acc } = logregObjective(X, y, K, x, g, C, opts.sampleWeight);
  const M = 10;
  const S: Float64Array[] = [], Y: Float64Array[] = [], RHO: number[] = [];
  const d = new Float64Array(n), xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const alpha = new Float64Array(M);
  let iter = 0, converged = false, stall = 0;
  const ginf = (v: Float64Array) => { let m = 0; for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i])); return m; };
  if (ginf(g) < tol) converged = true;
  while (!converged && iter < maxIter) {
    if (opts.signal?.aborted) throw new CancelledError();
    iter++;
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = RHO[j] * dot(S[j], d);
      const yj = Y[j], a = alpha[j];
      for (let i = 0; i < n; i++) d[i] -= a * yj[i];
    }
    if (S.length) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < S.length; j++) {
      const b = RHO[j] * dot(Y[j], d), sj = S[j], c = alpha[j] - b;
      for (let i = 0; i < n; i++) d[i] += c * sj[i];
    }
    let gd = dot(g, d);
    if (!(gd < 0)) {
      S.length = 0; Y.length = 0; RHO.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      gd = dot(g, d);
    }
    let step = S.length ? 1 : Math.min(1, 1 / Math.sqrt(-gd));
    let fNew = 0, accNew = 0, ok = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      const r = logregObjective(X, y, K, xNew, gNew, C, opts.sampleWeight);
      fNew = r.loss;
      accNew = r.accuracy;
      if (fNew <= f + 1e-4 * step * gd) { ok = true; break; }
      step *= ls === 0 && S.length ? 0.1 : 0.5;
    }
    if (!ok) { converged = true; break; }
    const s = new Float64Array(n), yv = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; yv[i] = gNew[i] - g[i]; }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (S.length === M) { S.shift(); Y.shift(); RHO.shift(); }
      S.push(s); Y.push(yv); RHO.push(1 / sy);
    }
    x.set(xNew);
    const tmp = g; g = gNew; gNew = tmp;
    const fPrev = f;
    f = fNew;
    acc = accNew;
    if (opts.onIteration) await opts.onIteration(iter, x, f, acc);
    else if (iter % 5 === 0) await tick();
    if (ginf(g) < tol) converged = true;
    if ((fPrev - f) / Math.max(Math.abs(f), 1) < 1e-10) { if (++stall >= 3) converged = true; } else stall = 0;
  }
  return { params: x, iterations: iter, loss: f, converged };
}

/** Converts fitted parameters to the one-layer network. */
export function logregNetwork(params: Float64Array, D: number, K: number): Network {
  return { kind: 'logreg', layers: [{ inDim: D, outDim: K, W: Float32Array.from(params.subarray(0, D * K)), b: Float32Array.from(params.subarray(D * K)) }] };
}

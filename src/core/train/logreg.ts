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
  /** Stop when the largest gradient entry is below this (default 1e-4, sklearn's tol on the same mean-scaled objective). */
  tol?: number;
  sampleWeight?: Float64Array;
  /** L-BFGS curvature pairs kept (default 5, fewer when the parameters would need over 256 MB). On banking77 (8,800
   *  features x 77 classes) 10 pairs took 28 + 14 iterations with the refit and 5 took 28 + 11, each cheaper: the two-loop
   *  recursion reads every pair twice per iteration, as much memory traffic as the objective there (4.2-5.3 s -> 3.1-3.4 s). */
  history?: number;
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
  const indptr = X.indptr, indices = X.indices, values = X.values;
  let S = 0;
  if (sw) for (let r = 0; r < X.rows; r++) S += sw[r];
  else S = X.rows;
  const inv = S > 0 ? 1 / S : 1;
  const lam = 1 / C;
  // The gradient starts as the (scaled) L2 term; each row then adds its own part, already scaled by 1/S.
  let reg = 0;
  for (let i = 0; i < bOff; i++) {
    const t = theta[i];
    reg += t * t;
    grad[i] = lam * inv * t;
  }
  for (let k = 0; k < K; k++) grad[bOff + k] = 0;
  const z = new Float64Array(K);
  let loss = 0, correct = 0;
  for (let r = 0; r < X.rows; r++) {
    for (let k = 0; k < K; k++) z[k] = theta[bOff + k];
    const a = indptr[r], e = indptr[r + 1];
    // Scores: four non-zeros per pass over the K classes (fewer reads and writes of z).
    let p = a;
    for (; p + 3 < e; p += 4) {
      const v1 = values[p], b1 = indices[p] * K, v2 = values[p + 1], b2 = indices[p + 1] * K;
      const v3 = values[p + 2], b3 = indices[p + 2] * K, v4 = values[p + 3], b4 = indices[p + 3] * K;
      for (let k = 0; k < K; k++) z[k] += v1 * theta[b1 + k] + v2 * theta[b2 + k] + v3 * theta[b3 + k] + v4 * theta[b4 + k];
    }
    for (; p < e; p++) {
      const v = values[p], b = indices[p] * K;
      for (let k = 0; k < K; k++) z[k] += v * theta[b + k];
    }
    let m = -Infinity, best = 0;
    for (let k = 0; k < K; k++) if (z[k] > m) { m = z[k]; best = k; }
    const yr = y[r];
    if (best === yr) correct++;
    const zy = z[yr];
    let s = 0;
    for (let k = 0; k < K; k++) { const ex = Math.exp(z[k] - m); z[k] = ex; s += ex; }
    const w = sw ? sw[r] : 1;
    loss += w * (Math.log(s) + m - zy);
    // z becomes this row's residual w * (softmax - onehot) / S.
    const c = (w * inv) / s;
    for (let k = 0; k < K; k++) z[k] *= c;
    z[yr] -= w * inv;
    for (let k = 0; k < K; k++) grad[bOff + k] += z[k];
    let q = a;
    for (; q + 1 < e; q += 2) {
      const v1 = values[q], b1 = indices[q] * K, v2 = values[q + 1], b2 = indices[q + 1] * K;
      for (let k = 0; k < K; k++) { const zk = z[k]; grad[b1 + k] += v1 * zk; grad[b2 + k] += v2 * zk; }
    }
    for (; q < e; q++) {
      const v = values[q], b = indices[q] * K;
      for (let k = 0; k < K; k++) grad[b + k] += v * z[k];
    }
  }
  return { loss: (loss + 0.5 * lam * reg) * inv, accuracy: X.rows ? correct / X.rows : 0 };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** d = -g; returns rho * <s, d> (the first alpha of the two-loop recursion) when s is given. */
function negateInto(d: Float64Array, g: Float64Array, s: Float64Array | null, rho: number): number {
  let acc = 0;
  if (s) for (let i = 0; i < d.length; i++) { const v = -g[i]; d[i] = v; acc += s[i] * v; }
  else for (let i = 0; i < d.length; i++) d[i] = -g[i];
  return rho * acc;
}

/** d -= a * y, then d *= scale; returns <next, d> (0 without next): one pass for an update and the next dot. */
function axpyDot(d: Float64Array, a: number, y: Float64Array, scale: number, next: Float64Array | null): number {
  let acc = 0;
  if (next) for (let i = 0; i < d.length; i++) { const v = (d[i] - a * y[i]) * scale; d[i] = v; acc += next[i] * v; }
  else for (let i = 0; i < d.length; i++) d[i] = (d[i] - a * y[i]) * scale;
  return acc;
}

/** d += c * s; returns <next, d> (0 without next). */
function addDot(d: Float64Array, c: number, s: Float64Array, next: Float64Array | null): number {
  let acc = 0;
  if (next) for (let i = 0; i < d.length; i++) { const v = d[i] + c * s[i]; d[i] = v; acc += next[i] * v; }
  else for (let i = 0; i < d.length; i++) d[i] += c * s[i];
  return acc;
}

/** Fits multinomial logistic regression; y holds class indices 0..K-1. */
export async function fitLogReg(X: Csr, y: Int32Array, K: number, opts: LogRegOptions = {}): Promise<LogRegFit> {
  const C = opts.C ?? 1;
  const maxIter = opts.maxIter ?? 300;
  const tol = opts.tol ?? 1e-4;
  const n = X.cols * K + K;
  let x = opts.init ? Float64Array.from(opts.init) : new Float64Array(n);
  let g = new Float64Array(n);
  let { loss: f, accuracy: acc } = logregObjective(X, y, K, x, g, C, opts.sampleWeight);
  // L-BFGS with the last M curvature pairs in preallocated ring buffers (slot of pair j: (head + j) % M,
  // j = 0 oldest); the two-loop recursion fuses each update with the next dot product.
  const M = Math.max(2, Math.min(opts.history ?? 5, Math.floor(MAX_HISTORY_VALUES / (2 * n))));
  const S: Float64Array[] = [], Y: Float64Array[] = [];
  const RHO = new Float64Array(M), alpha = new Float64Array(M);
  let head = 0, count = 0, gamma = 1;
  const slot = (j: number) => (head + j) % M;
  const d = new Float64Array(n);
  let xNew = new Float64Array(n), gNew = new Float64Array(n);
  let iter = 0, converged = false, stall = 0;
  const ginf = (v: Float64Array) => { let m = 0; for (let i = 0; i < v.length; i++) { const a = Math.abs(v[i]); if (a > m) m = a; } return m; };
  if (ginf(g) < tol) converged = true;
  while (!converged && iter < maxIter) {
    if (opts.signal?.aborted) throw new CancelledError();
    iter++;
    // Two-loop recursion: d = -H g.
    if (count) {
      let j = count - 1;
      alpha[j] = negateInto(d, g, S[slot(j)], RHO[slot(j)]);
      for (; j >= 0; j--) {
        const nextS = j > 0 ? S[slot(j - 1)] : null;
        const dt = axpyDot(d, alpha[j], Y[slot(j)], j > 0 ? 1 : gamma, j > 0 ? nextS : Y[slot(0)]);
        if (j > 0) alpha[j - 1] = RHO[slot(j - 1)] * dt;
        else alpha[0] -= RHO[slot(0)] * dt; // alpha_0 - b_0, b_0 = rho_0 <y_0, d>
      }
      for (j = 0; j < count; j++) {
        const nextY = j + 1 < count ? Y[slot(j + 1)] : null;
        const dt = addDot(d, alpha[j], S[slot(j)], nextY);
        if (nextY) alpha[j + 1] -= RHO[slot(j + 1)] * dt;
      }
    } else negateInto(d, g, null, 0);
    let gd = dot(g, d);
    if (!(gd < 0)) {
      count = 0; head = 0;
      negateInto(d, g, null, 0);
      gd = dot(g, d);
    }
    let step = count ? 1 : Math.min(1, 1 / Math.sqrt(-gd));
    let fNew = 0, accNew = 0, ok = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      const r = logregObjective(X, y, K, xNew, gNew, C, opts.sampleWeight);
      fNew = r.loss;
      accNew = r.accuracy;
      if (fNew <= f + 1e-4 * step * gd) { ok = true; break; }
      step *= ls === 0 && count ? 0.1 : 0.5;
    }
    if (!ok) { converged = true; break; }
    // New pair s = xNew - x, y = gNew - g, written into the next ring slot.
    const k = count < M ? slot(count) : head;
    if (!S[k]) { S[k] = new Float64Array(n); Y[k] = new Float64Array(n); }
    const sk = S[k], yk = Y[k];
    let sy = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      const a = xNew[i] - x[i], b = gNew[i] - g[i];
      sk[i] = a; yk[i] = b;
      sy += a * b; yy += b * b;
    }
    if (sy > 1e-12) {
      RHO[k] = 1 / sy;
      gamma = sy / yy;
      if (count < M) count++;
      else head = (head + 1) % M;
    } else if (count === M) {
      // The rejected pair overwrote the oldest one: drop it from the history.
      head = (head + 1) % M;
      count--;
    }
    let t = x; x = xNew; xNew = t;
    t = g; g = gNew; gNew = t;
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

/** L-BFGS history (s and y vectors) is capped at this many float64 values (256 MB): 5 pairs up to 3.3M parameters, fewer above. */
const MAX_HISTORY_VALUES = 2 ** 25;

/** Converts fitted parameters to the one-layer network. */
export function logregNetwork(params: Float64Array, D: number, K: number): Network {
  return { kind: 'logreg', layers: [{ inDim: D, outDim: K, W: Float32Array.from(params.subarray(0, D * K)), b: Float32Array.from(params.subarray(D * K)) }] };
}

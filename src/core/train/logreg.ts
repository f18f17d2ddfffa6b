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
   *  recursion reads every pair twice per iteration, as much memory traffic as the objective there (4.2-5.3 s -> 3.1-3.4 s;
   *  those counts were before the diagonal preconditioner, logregPreconditioner). */
  history?: number;
  /** Diagonal preconditioning of L-BFGS by the features' scales (logregPreconditioner; default true). */
  precondition?: boolean;
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
  let reg0 = 0, reg1 = 0, i0 = 0;
  const li = lam * inv;
  for (; i0 + 1 < bOff; i0 += 2) {
    const t0 = theta[i0], t1 = theta[i0 + 1];
    reg0 += t0 * t0; reg1 += t1 * t1;
    grad[i0] = li * t0; grad[i0 + 1] = li * t1;
  }
  for (; i0 < bOff; i0++) { const t = theta[i0]; reg0 += t * t; grad[i0] = li * t; }
  const reg = reg0 + reg1;
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
    for (; q + 3 < e; q += 4) {
      const v1 = values[q], b1 = indices[q] * K, v2 = values[q + 1], b2 = indices[q + 1] * K;
      const v3 = values[q + 2], b3 = indices[q + 2] * K, v4 = values[q + 3], b4 = indices[q + 3] * K;
      for (let k = 0; k < K; k++) { const zk = z[k]; grad[b1 + k] += v1 * zk; grad[b2 + k] += v2 * zk; grad[b3 + k] += v3 * zk; grad[b4 + k] += v4 * zk; }
    }
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

// The vector passes of L-BFGS sum their dot products in four interleaved partial sums: one running sum makes every
// addition wait for the previous one (about 2 ns an element, the whole cost of a pass over cached data), four let the
// additions overlap (banking77's 680,000 parameters: a pass in about half the time).

function dot(a: Float64Array, b: Float64Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  const n = a.length;
  for (; i + 3 < n; i += 4) { s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]; }
  for (; i < n; i++) s0 += a[i] * b[i];
  return s0 + s1 + (s2 + s3);
}

/** d = -g; returns rho * <s, d> (the first alpha of the two-loop recursion) when s is given. */
function negateInto(d: Float64Array, g: Float64Array, s: Float64Array | null, rho: number): number {
  if (!s) {
    for (let i = 0; i < d.length; i++) d[i] = -g[i];
    return 0;
  }
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, i = 0;
  const n = d.length;
  for (; i + 3 < n; i += 4) {
    const v0 = -g[i], v1 = -g[i + 1], v2 = -g[i + 2], v3 = -g[i + 3];
    d[i] = v0; d[i + 1] = v1; d[i + 2] = v2; d[i + 3] = v3;
    a0 += s[i] * v0; a1 += s[i + 1] * v1; a2 += s[i + 2] * v2; a3 += s[i + 3] * v3;
  }
  for (; i < n; i++) { const v = -g[i]; d[i] = v; a0 += s[i] * v; }
  return rho * (a0 + a1 + (a2 + a3));
}

/** d -= a * y, then d *= scale; returns <next, d> (0 without next): one pass for an update and the next dot. */
function axpyDot(d: Float64Array, a: number, y: Float64Array, scale: number, next: Float64Array | null): number {
  if (!next) {
    for (let i = 0; i < d.length; i++) d[i] = (d[i] - a * y[i]) * scale;
    return 0;
  }
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, i = 0;
  const n = d.length;
  for (; i + 3 < n; i += 4) {
    const v0 = (d[i] - a * y[i]) * scale, v1 = (d[i + 1] - a * y[i + 1]) * scale;
    const v2 = (d[i + 2] - a * y[i + 2]) * scale, v3 = (d[i + 3] - a * y[i + 3]) * scale;
    d[i] = v0; d[i + 1] = v1; d[i + 2] = v2; d[i + 3] = v3;
    a0 += next[i] * v0; a1 += next[i + 1] * v1; a2 += next[i + 2] * v2; a3 += next[i + 3] * v3;
  }
  for (; i < n; i++) { const v = (d[i] - a * y[i]) * scale; d[i] = v; a0 += next[i] * v; }
  return a0 + a1 + (a2 + a3);
}

/** As axpyDot, scaled by gamma * P (P: one value per feature and one for the biases, over K classes each): the
 *  step from the recursion's first loop to its second, through the initial matrix H0 = gamma * diag(P). */
function axpyPreDot(d: Float64Array, a: number, y: Float64Array, gamma: number, P: Float64Array, K: number, next: Float64Array): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (let j = 0, i = 0; j < P.length; j++) {
    const sj = gamma * P[j], e = i + K;
    for (; i + 3 < e; i += 4) {
      const v0 = (d[i] - a * y[i]) * sj, v1 = (d[i + 1] - a * y[i + 1]) * sj;
      const v2 = (d[i + 2] - a * y[i + 2]) * sj, v3 = (d[i + 3] - a * y[i + 3]) * sj;
      d[i] = v0; d[i + 1] = v1; d[i + 2] = v2; d[i + 3] = v3;
      a0 += next[i] * v0; a1 += next[i + 1] * v1; a2 += next[i + 2] * v2; a3 += next[i + 3] * v3;
    }
    for (; i < e; i++) { const v = (d[i] - a * y[i]) * sj; d[i] = v; a0 += next[i] * v; }
  }
  return a0 + a1 + (a2 + a3);
}

/** d = -P g (P as in axpyPreDot): the preconditioned steepest-descent direction. */
function negatePre(d: Float64Array, g: Float64Array, P: Float64Array, K: number): void {
  for (let j = 0, i = 0; j < P.length; j++) {
    const pj = P[j];
    for (let k = 0; k < K; k++, i++) d[i] = -pj * g[i];
  }
}

/**
 * The diagonal preconditioner of L-BFGS, one value per feature (then one for the biases): the square root of the
 * inverse of the objective's Hessian diagonal at uniform class probabilities p = 1/K, (c * sum_i w_i x_ij^2 + 1/C) / S
 * with c = p (1 - p), times c so that a standardized dense feature (sum of squares S) and the biases get about 1 (the
 * plain L-BFGS of before). TF-IDF and one-hot columns differ in scale by orders of magnitude (a word in 2 rows
 * against one in 2,000): L-BFGS with a scalar initial matrix needs many iterations to learn that, and with this
 * one it starts from it. The square root, not the full inverse: features that move together (a word's character
 * n-grams) share their curvature, which the diagonal counts once per feature; the full inverse took reuters-grain
 * from 19 iterations to 28. Iterations to tol 1e-4 on bench:train's splits, plain -> preconditioned: banking77 (8,700
 * word features, 77 classes) 37 -> 14, titanic 50 -> 24, reuters-grain 19 -> 15, reuters-corn 18 -> 13, mushroom
 * 26 -> 23, segment 81 -> 78, german 96 -> 93, soybean 116 -> 116, hypothyroid 162 -> 175, car 56 -> 65.
 */
export function logregPreconditioner(X: Csr, K: number, C: number, sw?: Float64Array): Float64Array {
  const D = X.cols;
  const sq = new Float64Array(D);
  let S = 0;
  for (let r = 0; r < X.rows; r++) {
    const w = sw ? sw[r] : 1;
    S += w;
    for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) sq[X.indices[p]] += w * X.values[p] * X.values[p];
  }
  if (!(S > 0)) S = 1;
  const c = (1 / K) * (1 - 1 / K);
  const P = new Float64Array(D + 1);
  for (let j = 0; j < D; j++) P[j] = Math.sqrt((c * S) / (c * sq[j] + 1 / C));
  P[D] = 1;
  return P;
}

/** d += c * s; returns <next, d> (0 without next). */
function addDot(d: Float64Array, c: number, s: Float64Array, next: Float64Array | null): number {
  if (!next) {
    for (let i = 0; i < d.length; i++) d[i] += c * s[i];
    return 0;
  }
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, i = 0;
  const n = d.length;
  for (; i + 3 < n; i += 4) {
    const v0 = d[i] + c * s[i], v1 = d[i + 1] + c * s[i + 1], v2 = d[i + 2] + c * s[i + 2], v3 = d[i + 3] + c * s[i + 3];
    d[i] = v0; d[i + 1] = v1; d[i + 2] = v2; d[i + 3] = v3;
    a0 += next[i] * v0; a1 += next[i + 1] * v1; a2 += next[i + 2] * v2; a3 += next[i + 3] * v3;
  }
  for (; i < n; i++) { const v = d[i] + c * s[i]; d[i] = v; a0 += next[i] * v; }
  return a0 + a1 + (a2 + a3);
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
  const P = opts.precondition === false ? new Float64Array(X.cols + 1).fill(1) : logregPreconditioner(X, K, C, opts.sampleWeight);
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
        const dt = j > 0 ? axpyDot(d, alpha[j], Y[slot(j)], 1, nextS) : axpyPreDot(d, alpha[0], Y[slot(0)], gamma, P, K, Y[slot(0)]);
        if (j > 0) alpha[j - 1] = RHO[slot(j - 1)] * dt;
        else alpha[0] -= RHO[slot(0)] * dt; // alpha_0 - b_0, b_0 = rho_0 <y_0, d>
      }
      for (j = 0; j < count; j++) {
        const nextY = j + 1 < count ? Y[slot(j + 1)] : null;
        const dt = addDot(d, alpha[j], S[slot(j)], nextY);
        if (nextY) alpha[j + 1] -= RHO[slot(j + 1)] * dt;
      }
    } else negatePre(d, g, P, K);
    let gd = dot(g, d);
    if (!(gd < 0)) {
      count = 0; head = 0;
      negatePre(d, g, P, K);
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
    // gamma scales H0 = diag(P) to the curvature seen along the new pair: <s, y> / <y, P y>.
    let sy0 = 0, sy1 = 0, yPy = 0;
    for (let j = 0, i = 0; j < P.length; j++) {
      let yy0 = 0, yy1 = 0;
      const e = i + K;
      for (; i + 1 < e; i += 2) {
        const a0 = xNew[i] - x[i], b0 = gNew[i] - g[i], a1 = xNew[i + 1] - x[i + 1], b1 = gNew[i + 1] - g[i + 1];
        sk[i] = a0; yk[i] = b0; sk[i + 1] = a1; yk[i + 1] = b1;
        sy0 += a0 * b0; yy0 += b0 * b0; sy1 += a1 * b1; yy1 += b1 * b1;
      }
      if (i < e) {
        const a0 = xNew[i] - x[i], b0 = gNew[i] - g[i];
        sk[i] = a0; yk[i] = b0;
        sy0 += a0 * b0; yy0 += b0 * b0;
        i++;
      }
      yPy += P[j] * (yy0 + yy1);
    }
    const sy = sy0 + sy1;
    if (sy > 1e-12) {
      RHO[k] = 1 / sy;
      gamma = sy / yPy;
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

// Compressed sparse row matrices, a seeded random generator and small typed-array helpers.
import { mulberry32 } from '../random';

/** Rows x cols sparse matrix in CSR layout. */
export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Appends rows to a CSR matrix; arrays grow geometrically. */
export class CsrBuilder {
  private indptr: number[] = [0];
  private indices = new Int32Array(1024);
  private values = new Float32Array(1024);
  private nnz = 0;
  constructor(readonly cols: number) {}
  push(index: number, value: number): void {
    if (value === 0) return;
    if (this.nnz === this.indices.length) {
      const ni = new Int32Array(this.indices.length * 2);
      ni.set(this.indices);
      this.indices = ni;
      const nv = new Float32Array(this.values.length * 2);
      nv.set(this.values);
      this.values = nv;
    }
    this.indices[this.nnz] = index;
    this.values[this.nnz++] = value;
  }
  endRow(): void {
    this.indptr.push(this.nnz);
  }
  get rowCount(): number {
    return this.indptr.length - 1;
  }
  build(): Csr {
    return {
      rows: this.indptr.length - 1,
      cols: this.cols,
      indptr: Int32Array.from(this.indptr),
      indices: this.indices.slice(0, this.nnz),
      values: this.values.slice(0, this.nnz),
    };
  }
}

/** The rows `idx` of a CSR matrix. */
/** a[idx[0]], a[idx[1]], ... as an Int32Array (labels or row numbers of a subset of rows). */
export function pickInt32(a: ArrayLike<number>, idx: ArrayLike<number>): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
}

export function csrRows(m: Csr, idx: ArrayLike<number>): Csr {
  let nnz = 0;
  for (let i = 0; i < idx.length; i++) nnz += m.indptr[idx[i] + 1] - m.indptr[idx[i]];
  const indptr = new Int32Array(idx.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < idx.length; i++) {
    const a = m.indptr[idx[i]], b = m.indptr[idx[i] + 1];
    indices.set(m.indices.subarray(a, b), p);
    values.set(m.values.subarray(a, b), p);
    p += b - a;
    indptr[i + 1] = p;
  }
  return { rows: idx.length, cols: m.cols, indptr, indices, values };
}

/** Dense row-major Float32 copy of rows [from, to) (for ONNX input). */
export function csrToDense(m: Csr, from = 0, to = m.rows): Float32Array {
  const out = new Float32Array((to - from) * m.cols);
  for (let r = from; r < to; r++) {
    const base = (r - from) * m.cols;
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) out[base + m.indices[p]] += m.values[p];
  }
  return out;
}

/** mulberry32 (src/core/random.ts) on the seed mixed with the golden-ratio constant. Returns floats in [0, 1). */
export function rng(seed: number): () => number {
  return mulberry32(seed ^ 0x9e3779b9);
}

export function shuffleInPlace<T>(a: T[] | Int32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Standard normal via Box-Muller. */
export function gaussian(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** In-place softmax of z[off..off+k); returns log-sum-exp. */
export function softmaxInPlace(z: Float64Array, off: number, k: number): number {
  let m = -Infinity;
  for (let i = 0; i < k; i++) if (z[off + i] > m) m = z[off + i];
  let s = 0;
  for (let i = 0; i < k; i++) {
    const e = Math.exp(z[off + i] - m);
    z[off + i] = e;
    s += e;
  }
  for (let i = 0; i < k; i++) z[off + i] /= s;
  return m + Math.log(s);
}

/** Yields to the event loop (lets cancel messages and timers through during long fits). */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

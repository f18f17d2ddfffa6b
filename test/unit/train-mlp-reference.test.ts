// The MLP's fast loops (first-layer gradients summed per feature, the dense layers' weight gradients as one batch
// product, several inputs per pass) and predictProba's against a plain row-by-row implementation of the same
// arithmetic: the weights must come out bit for bit the same, so a speed-up cannot change a trained network.
import assert from 'node:assert/strict';
import { fitMlp } from '../../src/core/train/mlp';
import { predictProba, type Network } from '../../src/core/train/model';
import { CsrBuilder, gaussian, rng, shuffleInPlace, type Csr } from '../../src/core/train/sparse';

interface RefLayer { din: number; dout: number; w: Float64Array; b: Float64Array; gw: Float64Array; gb: Float64Array; mw: Float64Array; vw: Float64Array; mb: Float64Array; vb: Float64Array }

/** Sequential forward pass of one row (every stored input of the first layer, the non-zero ones after), softmax. */
function refProba(layers: { din: number; dout: number; w: ArrayLike<number>; b: ArrayLike<number> }[], X: Csr, r: number): number[] {
  let inputs: [number, number][] = [];
  for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) inputs.push([X.indices[p], X.values[p]]);
  let z: number[] = [];
  layers.forEach((L, l) => {
    z = Array.from({ length: L.dout }, (_, k) => L.b[k]);
    for (const [j, v] of inputs) for (let k = 0; k < L.dout; k++) z[k] += v * L.w[j * L.dout + k];
    if (l < layers.length - 1) inputs = z.map((x, j): [number, number] => [j, x > 0 ? x : 0]).filter(([, x]) => x !== 0);
  });
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** fitMlp written out row by row: each gradient accumulated one row and one input at a time. */
function referenceMlp(X: Csr, y: Int32Array, K: number, Xval: Csr, yval: Int32Array, o: { hidden: number[]; epochs: number; batchSize: number; learningRate: number; alpha: number; patience: number; dropout: number; seed: number }): { W: Float32Array[]; epochs: number; bestEpoch: number; losses: number[][] } {
  const rand = rng(o.seed);
  const dims = [X.cols, ...o.hidden, K];
  const layers: RefLayer[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const din = dims[l], dout = dims[l + 1], bound = Math.sqrt(6 / (din + dout));
    const w = new Float64Array(din * dout), b = new Float64Array(dout);
    for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * bound;
    for (let i = 0; i < dout; i++) b[i] = (rand() * 2 - 1) * bound;
    layers.push({ din, dout, w, b, gw: new Float64Array(w.length), gb: new Float64Array(dout), mw: new Float64Array(w.length), vw: new Float64Array(w.length), mb: new Float64Array(dout), vb: new Float64Array(dout) });
  }
  const nL = layers.length;
  const order = Array.from({ length: X.rows }, (_, i) => i);
  const adam = (w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, i: number, decay: number, step: number) => {
    const gi = g[i] + decay * w[i];
    m[i] = 0.9 * m[i] + 0.1 * gi;
    v[i] = 0.999 * v[i] + 0.001 * gi * gi;
    w[i] -= (step * m[i]) / (Math.sqrt(v[i]) + 1e-8);
    g[i] = 0;
  };
  let t = 0, best = layers.map((L) => Float32Array.from(L.w)), bestLoss = Infinity, bestEpoch = 0, bad = 0, epoch = 1;
  const losses: number[][] = [];
  for (; epoch <= o.epochs; epoch++) {
    shuffleInPlace(order, rand);
    let trainLoss = 0;
    for (let start = 0; start < X.rows; start += o.batchSize) {
      const rows = order.slice(start, start + o.batchSize), nb = rows.length;
      // forward: per layer, per row; the dense layers sum their non-zero inputs in groups of four (fitMlp's order)
      const acts: number[][][] = [], masks: number[][][] = [], zs: number[][][] = [];
      for (let l = 0; l < nL; l++) {
        const L = layers[l];
        const z = rows.map((row, r) => {
          const out = Array.from(L.b);
          if (l === 0) {
            for (let p = X.indptr[row]; p < X.indptr[row + 1]; p++) for (let k = 0; k < L.dout; k++) out[k] += X.values[p] * L.w[X.indices[p] * L.dout + k];
          } else {
            const nz = acts[l - 1][r].map((v, j): [number, number] => [j, v]).filter(([, v]) => v !== 0);
            let q = 0;
            for (; q + 3 < nz.length; q += 4) {
              for (let k = 0; k < L.dout; k++) out[k] += nz[q][1] * L.w[nz[q][0] * L.dout + k] + nz[q + 1][1] * L.w[nz[q + 1][0] * L.dout + k] + nz[q + 2][1] * L.w[nz[q + 2][0] * L.dout + k] + nz[q + 3][1] * L.w[nz[q + 3][0] * L.dout + k];
            }
            for (; q < nz.length; q++) for (let k = 0; k < L.dout; k++) out[k] += nz[q][1] * L.w[nz[q][0] * L.dout + k];
          }
          return out;
        });
        zs.push(z);
        if (l < nL - 1) {
          const keep = 1 - o.dropout;
          const mk = z.map((zr) => zr.map(() => (o.dropout > 0 ? (rand() < keep ? 1 / keep : 0) : 1)));
          masks.push(mk);
          acts.push(z.map((zr, r) => zr.map((x, k) => (x > 0 ? x * mk[r][k] : 0))));
        }
      }
      // softmax and cross-entropy gradient (dz = (p - onehot) / nb)
      let dz = zs[nL - 1].map((zr, r) => {
        const m = Math.max(...zr);
        const e = zr.map((x) => Math.exp(x - m));
        const inv = 1 / e.reduce((a, b) => a + b, 0);
        trainLoss -= Math.log(Math.max(e[y[rows[r]]] * inv, 1e-15));
        const d = e.map((x) => (1 / nb) * (x * inv));
        d[y[rows[r]]] -= 1 / nb;
        return d;
      });
      // backward, one row and one input at a time
      for (let l = nL - 1; l >= 0; l--) {
        const L = layers[l];
        const prev: number[][] = [];
        rows.forEach((row, r) => {
          for (let k = 0; k < L.dout; k++) L.gb[k] += dz[r][k];
          if (l === 0) {
            for (let p = X.indptr[row]; p < X.indptr[row + 1]; p++) for (let k = 0; k < L.dout; k++) L.gw[X.indices[p] * L.dout + k] += X.values[p] * dz[r][k];
            return;
          }
          const a = acts[l - 1][r];
          prev.push(a.map((v, j) => {
            if (v === 0) return 0;
            let s = 0;
            for (let k = 0; k < L.dout; k++) { L.gw[j * L.dout + k] += v * dz[r][k]; s += dz[r][k] * L.w[j * L.dout + k]; }
            return s * masks[l - 1][r][j];
          }));
        });
        dz = prev;
      }
      t++;
      const step = (o.learningRate * Math.sqrt(1 - Math.pow(0.999, t))) / (1 - Math.pow(0.9, t));
      // the first layer's update is lazy: only the rows of the features the batch holds
      const inBatch = new Set<number>();
      for (const row of rows) for (let p = X.indptr[row]; p < X.indptr[row + 1]; p++) inBatch.add(X.indices[p]);
      layers.forEach((L, l) => {
        for (let i = 0; i < L.w.length; i++) if (l > 0 || inBatch.has(Math.floor(i / L.dout))) adam(L.w, L.gw, L.mw, L.vw, i, o.alpha / nb, step);
        for (let i = 0; i < L.dout; i++) adam(L.b, L.gb, L.mb, L.vb, i, 0, step);
      });
    }
    let loss = 0;
    for (let r = 0; r < Xval.rows; r++) loss -= Math.log(Math.max(refProba(layers, Xval, r)[yval[r]], 1e-15));
    loss /= Xval.rows;
    losses.push([trainLoss / X.rows, loss]);
    if (loss < bestLoss - 1e-4) { bestLoss = loss; bestEpoch = epoch; best = layers.map((L) => Float32Array.from(L.w)); bad = 0; }
    else if (++bad >= o.patience) break;
  }
  return { W: best, epochs: Math.min(epoch, o.epochs), bestEpoch, losses };
}

/** Sparse rows of 0 to 12 non-zeros over `cols` columns, class-dependent, K classes. */
function sparseData(n: number, cols: number, K: number, seed: number): { X: Csr; y: Int32Array } {
  const rand = rng(seed);
  const b = new CsrBuilder(cols);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    y[r] = Math.floor(rand() * K);
    const js = new Set<number>();
    const m = Math.floor(rand() * 13);
    while (js.size < m) js.add(rand() < 0.5 ? (y[r] * 7 + Math.floor(rand() * 7)) % cols : Math.floor(rand() * cols));
    for (const j of [...js].sort((p, q) => p - q)) b.push(j, 0.2 + rand() + 0.3 * gaussian(rand));
    b.endRow();
  }
  return { X: b.build(), y };
}

describe('train: the MLP and predictProba against row-by-row arithmetic', () => {
  it('fitMlp gives the weights of a row-by-row implementation bit for bit (two hidden layers, dropout, early stopping)', async () => {
    const K = 5;
    const tr = sparseData(260, 45, K, 1), va = sparseData(60, 45, K, 2);
    const o = { hidden: [13, 7], epochs: 12, batchSize: 32, learningRate: 0.01, alpha: 1e-3, patience: 3, dropout: 0.2, seed: 4 };
    const losses: number[][] = [];
    const fit = await fitMlp(tr.X, tr.y, K, va.X, va.y, { ...o, onEpoch: (_, m) => void losses.push([m.trainLoss, m.valLoss!]) });
    const ref = referenceMlp(tr.X, tr.y, K, va.X, va.y, o);
    // every epoch's training and validation loss, to the last bit (float64: the float32 weights could hide a difference)
    assert.equal(losses.length, ref.losses.length);
    losses.forEach(([a, b], e) => assert.ok(a === ref.losses[e][0] && b === ref.losses[e][1], `epoch ${e + 1}: ${a}, ${b} vs ${ref.losses[e]}`));
    assert.equal(fit.epochs, ref.epochs);
    assert.equal(fit.bestEpoch, ref.bestEpoch);
    assert.ok(fit.network.kind === 'mlp');
    fit.network.layers.forEach((L, l) => {
      assert.equal(L.W.length, ref.W[l].length);
      for (let i = 0; i < L.W.length; i++) assert.ok(L.W[i] === ref.W[l][i], `layer ${l} weight ${i}: ${L.W[i]} vs ${ref.W[l][i]}`);
    });
  });

  it('predictProba equals a sequential forward pass bit for bit (rows of 0 to 12 inputs, a hidden layer with zeros)', () => {
    const K = 4;
    const { X } = sparseData(80, 30, K, 5);
    const rand = rng(6);
    const mk = (n: number) => Float32Array.from({ length: n }, () => gaussian(rand));
    const layers = [{ inDim: 30, outDim: 9, W: mk(270), b: mk(9) }, { inDim: 9, outDim: K, W: mk(9 * K), b: mk(K) }];
    const net: Network = { kind: 'mlp', layers };
    const p = predictProba(net, X);
    for (let r = 0; r < X.rows; r++) {
      const want = refProba(layers.map((L) => ({ din: L.inDim, dout: L.outDim, w: L.W, b: L.b })), X, r);
      for (let k = 0; k < K; k++) assert.ok(p[r * K + k] === want[k], `row ${r} class ${k}: ${p[r * K + k]} vs ${want[k]}`);
    }
  });
});

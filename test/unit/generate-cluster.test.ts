// Generate's segmentation (cluster.ts): the silhouette by cluster sums is the pairwise definition, and a large
// segmentation yields to the event loop (Generate runs it on the extension host).
import assert from 'node:assert/strict';
import { itemVectors, segment, silhouette, sphericalKMeans, type SparseVec } from '../../src/core/generate/cluster';
import { mulberry32 } from '../../src/core/random';

/** The textbook silhouette: every pair's cosine distance. */
function pairwiseSilhouette(vectors: SparseVec[], labels: number[], k: number): number {
  const dot = (a: SparseVec, b: SparseVec) => {
    let s = 0;
    for (const [i, x] of a) s += x * (b.get(i) ?? 0);
    return s;
  };
  let total = 0;
  for (let i = 0; i < vectors.length; i++) {
    const sum = new Array(k).fill(0), cnt = new Array(k).fill(0);
    for (let j = 0; j < vectors.length; j++) {
      if (i === j) continue;
      sum[labels[j]] += 1 - dot(vectors[i], vectors[j]);
      cnt[labels[j]]++;
    }
    const own = labels[i];
    if (!cnt[own]) continue;
    const a = sum[own] / cnt[own];
    const b = Math.min(...sum.map((s, c) => (c !== own && cnt[c] ? s / cnt[c] : Infinity)));
    if (!Number.isFinite(b)) continue;
    total += Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
  }
  return total / vectors.length;
}

const WORDS = 'sync export login crash slow price support battery screen notes reminder search update widget offline'.split(' ');
function texts(n: number, seed: number): string[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => (i % 17 === 0 ? '!!!' : Array.from({ length: 2 + Math.floor(r() * 4) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ')));
}

describe('generate: segmentation', () => {
  it('the silhouette by cluster sums equals the pairwise one (singletons and empty vectors included)', async () => {
    for (const [n, k] of [[12, 2], [60, 4], [200, 6]] as const) {
      const t = texts(n, n);
      const { vectors, dims } = itemVectors(t, t.map(() => ({})), []);
      const { labels } = await sphericalKMeans(vectors, dims, k, 7);
      const withSingleton = labels.slice();
      withSingleton[0] = k - 1 === withSingleton[0] ? 0 : withSingleton[0];
      for (const l of [labels, withSingleton]) assert.ok(Math.abs(silhouette(vectors, l, k) - pairwiseSilhouette(vectors, l, k)) < 1e-12, `n ${n}, k ${k}`);
    }
  });

  it('segments 3,000 items without holding the thread for long', async () => {
    const t = texts(3000, 3);
    const { vectors, dims } = itemVectors(t, t.map(() => ({})), []);
    let ticks = 0;
    const stop = setInterval(() => ticks++, 1);
    const seg = await segment(vectors, dims, 'auto', 42);
    clearInterval(stop);
    assert.ok(seg.k >= 1 && seg.labels.length === 3000);
    assert.ok(ticks > 5, `the timer ran ${ticks} times while segmenting: the work is sliced`);
  });
});

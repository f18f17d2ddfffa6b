// Segments items by what they talk about (TF-IDF) and by categorical attributes (one-hot), with
// spherical k-means (cosine), k chosen in [minK, maxK] by mean silhouette. Deterministic: k-means++
// seeding from a fixed-seed PRNG, several restarts, best inertia kept.
import { yielder, type Tick } from '../yielder';
import { rng, words } from './text';

export type SparseVec = Map<number, number>;

export interface TfIdf {
  vocab: string[];
  /** Inverse document frequency per vocab index. */
  idf: number[];
  /** Document frequency per vocab index. */
  df: number[];
  vectors: SparseVec[];
}

/**
 * L2-normalised TF-IDF vectors (sublinear tf) over word tokens (`words`, or the given tokens of each text); terms seen in
 * < minDf docs dropped.
 */
export function tfidf(texts: string[], minDf = texts.length >= 20 ? 2 : 1, tokens?: string[][]): TfIdf {
  const docs = tokens ?? texts.map((t) => words(t));
  const dfMap = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d)) dfMap.set(w, (dfMap.get(w) ?? 0) + 1);
  const vocab = [...dfMap.keys()].filter((w) => dfMap.get(w)! >= minDf).sort();
  const index = new Map(vocab.map((w, i) => [w, i]));
  const n = texts.length;
  const df = vocab.map((w) => dfMap.get(w)!);
  const idf = df.map((f) => Math.log((1 + n) / (1 + f)) + 1);
  const vectors = docs.map((d) => {
    const tf = new Map<number, number>();
    for (const w of d) {
      const i = index.get(w);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const v: SparseVec = new Map();
    for (const [i, c] of tf) v.set(i, (1 + Math.log(c)) * idf[i]);
    return normalize(v);
  });
  return { vocab, idf, df, vectors };
}

export function normalize(v: SparseVec): SparseVec {
  let s = 0;
  for (const x of v.values()) s += x * x;
  const n = Math.sqrt(s);
  if (n === 0) return v;
  const out: SparseVec = new Map();
  for (const [i, x] of v) out.set(i, x / n);
  return out;
}

function dot(a: SparseVec, b: Float64Array): number {
  let s = 0;
  for (const [i, x] of a) s += x * b[i];
  return s;
}

function dotSparse(a: SparseVec, b: SparseVec): number {
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [i, x] of small) {
    const y = big.get(i);
    if (y !== undefined) s += x * y;
  }
  return s;
}

/** Item vectors: TF-IDF of the text (or of the given tokens) plus one-hot attribute values (weighted), re-normalised. */
export function itemVectors(texts: string[], attrs: Record<string, string>[], attributeNames: string[], attributeWeight = 0.5, tokens?: string[][]): { vectors: SparseVec[]; dims: number; tf: TfIdf } {
  const tf = tfidf(texts, undefined, tokens);
  const offset = tf.vocab.length;
  const valueIndex = new Map<string, number>();
  for (const a of attrs) for (const k of attributeNames) if (a[k]) {
    const key = `${k}=${a[k]}`;
    if (!valueIndex.has(key)) valueIndex.set(key, offset + valueIndex.size);
  }
  const w = attributeNames.length ? attributeWeight / Math.sqrt(attributeNames.length) : 0;
  const vectors = tf.vectors.map((v, i) => {
    const out: SparseVec = new Map(v);
    for (const k of attributeNames) {
      const idx = valueIndex.get(`${k}=${attrs[i][k]}`);
      if (idx !== undefined) out.set(idx, w);
    }
    return normalize(out);
  });
  return { vectors, dims: offset + valueIndex.size, tf };
}

export interface KMeansResult {
  k: number;
  labels: number[];
  centroids: Float64Array[];
  inertia: number;
}

/** Spherical k-means (maximises cosine similarity to unit centroids); yields to the event loop (`tick`) as it goes. */
export async function sphericalKMeans(vectors: SparseVec[], dims: number, k: number, seed = 42, restarts = 4, maxIter = 50, tick: Tick = yielder()): Promise<KMeansResult> {
  const n = vectors.length;
  const rand = rng(seed + k * 7919);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    // k-means++ seeding with cosine distance.
    const centers: Float64Array[] = [];
    const first = Math.floor(rand() * n);
    centers.push(dense(vectors[first], dims));
    const dist = new Float64Array(n).fill(Infinity);
    while (centers.length < k) {
      const c = centers[centers.length - 1];
      let total = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.max(0, 1 - dot(vectors[i], c));
        if (d < dist[i]) dist[i] = d;
        total += dist[i] * dist[i];
      }
      let pick = 0;
      if (total > 0) {
        let x = rand() * total;
        for (let i = 0; i < n; i++) {
          x -= dist[i] * dist[i];
          if (x <= 0) {
            pick = i;
            break;
          }
        }
      } else pick = Math.floor(rand() * n);
      centers.push(dense(vectors[pick], dims));
    }
    const labels = new Array<number>(n).fill(-1);
    let inertia = 0;
    for (let it = 0; it < maxIter; it++) {
      const y = tick();
      if (y) await y;
      let changed = false;
      inertia = 0;
      for (let i = 0; i < n; i++) {
        let bi = 0;
        let bs = -Infinity;
        for (let c = 0; c < k; c++) {
          const s = dot(vectors[i], centers[c]);
          if (s > bs + 1e-12) {
            bs = s;
            bi = c;
          }
        }
        inertia += 1 - bs;
        if (labels[i] !== bi) {
          labels[i] = bi;
          changed = true;
        }
      }
      // Recompute unit centroids; an empty cluster takes the point farthest from its centroid.
      const sums: Float64Array<ArrayBuffer>[] = Array.from({ length: k }, () => new Float64Array(dims));
      const counts = new Array<number>(k).fill(0);
      for (let i = 0; i < n; i++) {
        counts[labels[i]]++;
        for (const [j, x] of vectors[i]) sums[labels[i]][j] += x;
      }
      for (let c = 0; c < k; c++) {
        if (counts[c] === 0) {
          let far = 0;
          let fs = Infinity;
          for (let i = 0; i < n; i++) {
            const s = dot(vectors[i], centers[labels[i]]);
            if (counts[labels[i]] > 1 && s < fs) {
              fs = s;
              far = i;
            }
          }
          counts[labels[far]]--;
          labels[far] = c;
          counts[c] = 1;
          sums[c] = dense(vectors[far], dims);
          changed = true;
        }
        let norm = 0;
        for (let j = 0; j < dims; j++) norm += sums[c][j] * sums[c][j];
        norm = Math.sqrt(norm) || 1;
        for (let j = 0; j < dims; j++) sums[c][j] /= norm;
        centers[c] = sums[c];
      }
      if (!changed) break;
    }
    if (!best || inertia < best.inertia - 1e-9) best = { k, labels: labels.slice(), centroids: centers, inertia };
  }
  return best!;
}

function dense(v: SparseVec, dims: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(dims);
  for (const [i, x] of v) out[i] = x;
  return out;
}

/**
 * Mean silhouette with cosine distance (items in singleton clusters count 0), exact over every item: the distances
 * from an item to a cluster's members sum to (members) - item · (sum of the members' vectors), so each item needs one
 * dot product per cluster instead of one per other item (5,000 items: ~0.5 s on a 1,500-item sample before, now all).
 */
export function silhouette(vectors: SparseVec[], labels: number[], k: number, dims = dimsOf(vectors)): number {
  const n = vectors.length;
  if (k < 2 || n <= k) return -1;
  const sums = Array.from({ length: k }, () => new Float64Array(dims));
  const cnt = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    cnt[labels[i]]++;
    for (const [j, x] of vectors[i]) sums[labels[i]][j] += x;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    if (cnt[own] <= 1) continue;
    const self = dotSparse(vectors[i], vectors[i]);
    const a = (cnt[own] - 1 - (dot(vectors[i], sums[own]) - self)) / (cnt[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c] > 0) b = Math.min(b, (cnt[c] - dot(vectors[i], sums[c])) / cnt[c]);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / n;
}

/** One more than the largest index any vector uses. */
function dimsOf(vectors: SparseVec[]): number {
  let d = 0;
  for (const v of vectors) for (const j of v.keys()) if (j >= d) d = j + 1;
  return d;
}

export interface Segmentation extends KMeansResult {
  silhouette: number;
  /** Silhouette of every k tried (auto mode). */
  tried: { k: number; silhouette: number }[];
}

/**
 * Clusters items; `k` fixed, or chosen in [2, min(6, n-1)] by silhouette when `k` is 'auto'.
 * Fewer than 4 items (or all identical) give one segment. Yields to the event loop as it goes (`tick`): Generate runs
 * it on the extension host.
 */
export async function segment(vectors: SparseVec[], dims: number, k: number | 'auto', seed = 42, tick: Tick = yielder()): Promise<Segmentation> {
  const n = vectors.length;
  const one = (): Segmentation => ({ k: 1, labels: new Array(n).fill(0), centroids: [], inertia: 0, silhouette: 0, tried: [] });
  if (n === 0) return one();
  if (k !== 'auto') {
    const kk = Math.max(1, Math.min(Math.floor(k), n));
    if (kk === 1) return one();
    const r = await sphericalKMeans(vectors, dims, kk, seed, undefined, undefined, tick);
    return { ...r, silhouette: silhouette(vectors, r.labels, kk, dims), tried: [] };
  }
  if (n < 4) return one();
  let best: Segmentation | undefined;
  const tried: { k: number; silhouette: number }[] = [];
  for (let kk = 2; kk <= Math.min(6, n - 1); kk++) {
    const r = await sphericalKMeans(vectors, dims, kk, seed, undefined, undefined, tick);
    const s = silhouette(vectors, r.labels, kk, dims);
    tried.push({ k: kk, silhouette: s });
    if (!best || s > best.silhouette + 1e-9) best = { ...r, silhouette: s, tried };
  }
  if (!best || best.silhouette <= 0) return { ...one(), tried };
  return { ...best, tried };
}

/** Top terms of a group of items by summed TF-IDF weight. */
export function topTerms(tf: TfIdf, members: number[], count = 5): string[] {
  const score = new Map<number, number>();
  for (const m of members) for (const [i, x] of tf.vectors[m]) score.set(i, (score.get(i) ?? 0) + x);
  return [...score]
    .sort((a, b) => b[1] - a[1] || (tf.vocab[a[0]] < tf.vocab[b[0]] ? -1 : 1))
    .slice(0, count)
    .map(([i]) => tf.vocab[i]);
}

// Text embeddings as classifier features: a local sentence-embedding model (src/runtime/embedder.ts runs
// it through transformers.js) turns each text cell into one vector. The engine only sees this interface:
// texts in, vectors out. Identical texts are embedded once; the vectors of a table are looked up by
// text when the preprocessing builds the feature rows (Preprocessor.transform).
import { CancelledError, throwIfAborted, UserError } from '../types';
import type { Table } from './csv';
import type { PreprocessingSpec } from './preprocess';

export interface TextEmbedder {
  /** The model's id, recorded in the saved preprocessing. */
  readonly modelId: string;
  /** sha256 of the model's ONNX file: prediction checks it is the same model. */
  readonly sha256: string;
  /** Vector length. */
  readonly dims: number;
  /** One vector per text (mean-pooled and L2-normalised by the runtime's embedder). */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** How text columns become features: TF-IDF n-grams (default), embeddings from a local model, or both. */
export type TextFeatures = 'tfidf' | 'embeddings' | 'both';
export const TEXT_FEATURES: readonly TextFeatures[] = ['tfidf', 'embeddings', 'both'];

/** Vectors per embedded column: column -> text -> vector. */
export type EmbeddedTexts = Map<string, Map<string, Float32Array>>;

/** Most distinct texts embedded for one training or prediction batch (memory: texts x dims floats). */
export const MAX_EMBEDDED_TEXTS = 200_000;
/** Texts per call to the embedder (sorted by length, so a batch pads little). */
export const EMBED_BATCH = 32;

/** The embedding columns of a preprocessing spec. */
export function embeddingColumns(spec: PreprocessingSpec): { name: string; model: string; sha256: string; dims: number }[] {
  const out = [];
  for (const c of spec.columns) if (c.kind === 'embedding') out.push({ name: c.name, model: c.model, sha256: c.sha256, dims: c.dims });
  return out;
}

/** Vectors already computed with one embedding model (text -> vector), kept between trainings by the caller. */
export type EmbeddingCache = Map<string, Float32Array>;
/** Most texts an EmbeddingCache keeps (beyond, it starts over): 100k x 384 floats is about 150 MB. */
export const MAX_CACHED_TEXTS = 100_000;

/**
 * Embeds the distinct non-empty texts of the spec's embedding columns in the given rows of the tables.
 * `embedder` must be the model the spec was fitted with (same sha256). Texts in `cache` (vectors of the
 * same model from an earlier run) are not embedded again; new vectors are added to it. Progress counts
 * the texts to embed.
 */
export async function embedColumns(
  spec: PreprocessingSpec,
  parts: { table: Table; rows?: ArrayLike<number> }[],
  embedder: TextEmbedder | undefined,
  opts: {
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
    cache?: EmbeddingCache;
    /** Filled in: texts run through the model, and texts whose vector came from `cache`. */
    stats?: { embedded: number; cached: number };
  } = {},
): Promise<EmbeddedTexts> {
  const cols = embeddingColumns(spec);
  const out: EmbeddedTexts = new Map();
  if (!cols.length) return out;
  if (!embedder) throw new UserError(`this classifier reads ${cols.map((c) => `'${c.name}'`).join(', ')} through the text embedding model ${cols[0].model}, which is not loaded`);
  for (const c of cols) {
    if (c.sha256 !== embedder.sha256) {
      throw new UserError(`'${c.name}' was embedded with ${c.model} (model sha256 ${c.sha256.slice(0, 12)}…) but the embedding model found is ${embedder.modelId} (${embedder.sha256.slice(0, 12)}…): use the same model the classifier was trained with`);
    }
  }
  const todo: { col: string; text: string }[] = [];
  for (const c of cols) {
    const known = opts.cache;
    const seen = new Map<string, Float32Array>();
    out.set(c.name, seen);
    for (const { table, rows } of parts) {
      const j = table.columns.indexOf(c.name);
      if (j < 0) throw new UserError(`the file lacks the text column '${c.name}' the classifier needs`);
      const data = table.data[j];
      const n = rows ? rows.length : table.rowCount;
      for (let i = 0; i < n; i++) {
        const text = data[rows ? rows[i] : i] ?? '';
        if (!text.trim() || seen.has(text)) continue;
        const v = known?.get(text);
        if (v) seen.set(text, v);
        else {
          seen.set(text, EMPTY);
          todo.push({ col: c.name, text });
        }
      }
    }
  }
  if (todo.length > MAX_EMBEDDED_TEXTS) {
    throw new UserError(`${todo.length.toLocaleString('en-US')} distinct texts to embed; at most ${MAX_EMBEDDED_TEXTS.toLocaleString('en-US')} are embedded at once: use TF-IDF text features or a sample of the rows`);
  }
  // In length order, so each batch holds texts of similar length (little padding).
  const order = todo.map((_, i) => i).sort((a, b) => todo[a].text.length - todo[b].text.length);
  const cache = opts.cache;
  if (cache && cache.size + todo.length > MAX_CACHED_TEXTS) cache.clear();
  opts.onProgress?.(0, todo.length);
  for (let s = 0; s < order.length; s += EMBED_BATCH) {
    throwIfAborted(opts.signal);
    const batch = order.slice(s, s + EMBED_BATCH).map((i) => todo[i]);
    const vecs = await embedder.embed(batch.map((b) => b.text), opts.signal);
    if (opts.signal?.aborted) throw new CancelledError();
    if (vecs.length !== batch.length) throw new Error(`the embedder returned ${vecs.length} vectors for ${batch.length} texts`);
    batch.forEach((b, k) => {
      if (vecs[k].length !== embedder.dims) throw new Error(`the embedder returned a ${vecs[k].length}-value vector; expected ${embedder.dims}`);
      out.get(b.col)!.set(b.text, vecs[k]);
      cache?.set(b.text, vecs[k]);
    });
    opts.onProgress?.(Math.min(order.length, s + EMBED_BATCH), todo.length);
  }
  if (opts.stats) {
    opts.stats.embedded = todo.length;
    opts.stats.cached = [...out.values()].reduce((a, m) => a + m.size, 0) - todo.length;
  }
  return out;
}

const EMPTY = new Float32Array(0);

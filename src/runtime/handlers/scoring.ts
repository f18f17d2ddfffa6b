// The text-classification fast path shared by 'classify' and 'explain': tokenize each text once,
// split texts longer than the model's budget into overlapping windows, run each distinct window once
// (explain's variants of a long text share most windows), sort windows by length, run batches padded
// only to their own longest window, softmax, and average window probabilities per text (weighted by
// window length). Cancellation is checked between batches.
import { CancelledError, SENTIMENT_LABELS, sentimentLabelOf, type SentimentScores } from '../../core/types';
import { RuntimeUserError } from '../errors';
import { transformers } from '../transformers';
import { InferenceThreadStopped, type Logits } from '../inference-client';
import type { LoadedModel } from './context';

export const DEFAULT_BATCH_SIZE = 64;
/** Batches queued per inference thread while a request runs. */
const AHEAD_PER_THREAD = 2;
/** Padded tokens per batch are capped at batchSize * this, so batches of long windows get smaller. */
const TOKENS_PER_ITEM = 128;

interface Specials {
  prefix: number[];
  suffix: number[];
  padId: number;
  needsTokenTypes: boolean;
}
const specialsCache = new WeakMap<object, Specials>();

/** The special tokens the tokenizer wraps one sequence in (e.g. [CLS] … [SEP]), found by probing. */
function specialsOf(m: LoadedModel): Specials {
  const hit = specialsCache.get(m.model);
  if (hit) return hit;
  const tok = m.tokenizer;
  const probe = 'hello';
  const bare: number[] = tok.encode(probe, { add_special_tokens: false });
  const full: number[] = tok.encode(probe, { add_special_tokens: true });
  let start = -1;
  for (let i = 0; i + bare.length <= full.length && start < 0; i++) {
    if (bare.every((id, j) => full[i + j] === id)) start = i;
  }
  const prefix = start >= 0 ? full.slice(0, start) : [];
  const suffix = start >= 0 ? full.slice(start + bare.length) : [];
  const inputNames: string[] = m.model?.sessions?.model?.inputNames ?? [];
  const s: Specials = {
    prefix,
    suffix,
    padId: typeof tok.pad_token_id === 'number' ? tok.pad_token_id : 0,
    needsTokenTypes: inputNames.includes('token_type_ids'),
  };
  specialsCache.set(m.model, s);
  return s;
}

/** Windows [start, end) over n content tokens with at most `budget` tokens each, overlapping by about a quarter. */
export function windowSpans(n: number, budget: number): Array<[number, number]> {
  if (budget < 1) throw new Error('window budget must be positive');
  if (n <= budget) return [[0, n]];
  const overlap = Math.floor(budget / 4);
  const stride = Math.max(1, budget - overlap);
  const spans: Array<[number, number]> = [];
  for (let start = 0; ; start += stride) {
    const end = Math.min(n, start + budget);
    spans.push([start, end]);
    if (end >= n) break;
  }
  return spans;
}

/** One model input: content tokens ids[start, end) of a text, wrapped in the special tokens (width in all). */
interface Segment {
  text: number;
  ids: number[];
  start: number;
  end: number;
  width: number;
  weight: number;
}

/**
 * For each window, the first window with the same token ids padded to the same width (itself when it is the first): a
 * request runs each distinct window once. Explaining a long text asks for the text without each word in turn, and every
 * window before the removed word is the whole text's own. (The padded width is part of the key because a window's
 * logits can differ in the last bits with its padding: one distinct window per width keeps every score what it was.)
 * Keyed by a hash of the ids, checked id by id; the map lives for this request only.
 */
export function firstSameWindow(segments: ReadonlyArray<Pick<Segment, 'ids' | 'start' | 'end'>>, pads: ArrayLike<number>): Int32Array {
  const first = new Int32Array(segments.length);
  const byHash = new Map<number, number[]>();
  const same = (x: number, y: number): boolean => {
    const a = segments[x], b = segments[y];
    const n = a.end - a.start;
    if (n !== b.end - b.start || pads[x] !== pads[y]) return false;
    for (let i = 0; i < n; i++) if (a.ids[a.start + i] !== b.ids[b.start + i]) return false;
    return true;
  };
  for (let s = 0; s < segments.length; s++) {
    const { ids, start, end } = segments[s];
    // FNV-1a over the padded width and the ids
    let h = Math.imul(0x811c9dc5 ^ pads[s], 0x01000193);
    for (let i = start; i < end; i++) h = Math.imul(h ^ ids[i], 0x01000193);
    const seen = byHash.get(h);
    const hit = seen?.find((c) => same(c, s));
    if (hit !== undefined) {
      first[s] = hit;
      continue;
    }
    first[s] = s;
    if (seen) seen.push(s);
    else byHash.set(h, [s]);
  }
  return first;
}

export interface ScoreOptions {
  batchSize?: number;
  signal?: AbortSignal;
  /** Texts whose every window is scored so far (monotonic), called after each batch. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * One ONNX session at a time: concurrent requests (the analysis engine keeps a second classify request
 * queued so the worker never waits for the host) tokenize outside the lock, then run their batches in
 * arrival order instead of interleaving and oversubscribing the CPU.
 */
let sessionQueue: Promise<void> = Promise.resolve();
async function acquireSession(signal?: AbortSignal): Promise<() => void> {
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const before = sessionQueue;
  sessionQueue = before.then(() => mine);
  await before;
  if (signal?.aborted) {
    release();
    throw new CancelledError();
  }
  return release;
}

/** Probabilities per text (one row per text, one column per model label). */
export async function scoreTexts(m: LoadedModel, texts: string[], opts: ScoreOptions = {}): Promise<Float64Array[]> {
  if (m.score) return m.score(texts, { signal: opts.signal, onProgress: opts.onProgress });
  if (m.task !== 'text-classification' || !m.labels || !m.maxLength) {
    throw new RuntimeUserError(`Model ${m.modelId} was loaded for ${m.task}, not text-classification.`, 'bad-request');
  }
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH_SIZE));
  const tokenBudget = batchSize * TOKENS_PER_ITEM;
  const sp = specialsOf(m);
  const budget = m.maxLength - sp.prefix.length - sp.suffix.length;
  if (budget < 1) throw new RuntimeUserError(`maxLength ${m.maxLength} of ${m.modelId} leaves no room for text.`, 'bad-request');
  const nLabels = m.labels.length;

  const segments: Segment[] = [];
  const extra = sp.prefix.length + sp.suffix.length;
  const remaining = new Int32Array(texts.length);
  for (let t = 0; t < texts.length; t++) {
    if (t % 256 === 0 && opts.signal?.aborted) throw new CancelledError();
    const text = texts[t];
    if (typeof text !== 'string') throw new RuntimeUserError(`Text ${t + 1} is not a string.`, 'bad-request');
    const ids: number[] = text ? m.encode(text) : [];
    if (ids.length <= budget) {
      segments.push({ text: t, ids, start: 0, end: ids.length, width: ids.length + extra, weight: Math.max(1, ids.length) });
      remaining[t]++;
      continue;
    }
    for (const [a, b] of windowSpans(ids.length, budget)) {
      segments.push({ text: t, ids, start: a, end: b, width: b - a + extra, weight: Math.max(1, b - a) });
      remaining[t]++;
    }
  }
  // Every window in the order its probabilities are added up per text; the distinct ones (`first`) are run, and a
  // repeated window takes its first's logits, so the sums are those of running each window.
  const order = segments.map((_, i) => i).sort((a, b) => segments[a].width - segments[b].width || a - b);
  // Batch boundaries over the length-sorted windows. Sorted ascending: a batch's last window is its longest, and every
  // window of the batch is padded to it.
  const pads = new Int32Array(segments.length);
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    while (j < order.length && j - i < batchSize && (j - i + 1) * segments[order[j]].ids.length <= tokenBudget) j++;
    for (let k = i; k < j; k++) pads[order[k]] = segments[order[j - 1]].width;
    i = j;
  }
  const first = firstSameWindow(segments, pads);
  const runs = order.filter((s) => first[s] === s);
  // the windows a run stands for, as a chain from the run itself: s, nextSame[s], …, -1
  const nextSame = new Int32Array(segments.length).fill(-1);
  const lastSame = new Int32Array(segments.length);
  for (let s = 0; s < segments.length; s++) {
    const c = first[s];
    if (c !== s) nextSame[lastSame[c]] = s;
    lastSame[c] = s;
  }
  const runLogits = new Float64Array(segments.length * nLabels);

  const { Tensor } = await transformers();
  const probs = texts.map(() => new Float64Array(nLabels));
  const weights = new Float64Array(texts.length);
  // The distinct windows in batches of one padded width.
  const bounds: Array<[number, number]> = [];
  for (let i = 0; i < runs.length; ) {
    let j = i + 1;
    while (j < runs.length && pads[runs[j]] === pads[runs[i]] && j - i < batchSize && (j - i + 1) * segments[runs[j]].ids.length <= tokenBudget) j++;
    bounds.push([i, j]);
    i = j;
  }
  const build = (b: number) => {
    const [i, j] = bounds[b];
    const n = j - i;
    const width = pads[runs[i]];
    const inputIds = new BigInt64Array(n * width);
    const mask = new BigInt64Array(n * width);
    if (sp.padId !== 0) inputIds.fill(BigInt(sp.padId));
    for (let r = 0; r < n; r++) {
      const seg = segments[runs[i + r]];
      let off = r * width;
      mask.fill(1n, off, off + seg.width);
      for (let c = 0; c < sp.prefix.length; c++) inputIds[off++] = BigInt(sp.prefix[c]);
      for (let c = seg.start; c < seg.end; c++) inputIds[off++] = BigInt(seg.ids[c]);
      for (let c = 0; c < sp.suffix.length; c++) inputIds[off++] = BigInt(sp.suffix[c]);
    }
    return { inputIds, mask, dims: [n, width] };
  };
  const launch = (b: number): Promise<Logits> => {
    const x = build(b);
    const pool = m.inference;
    return runBatch(m, sp, x.inputIds, x.mask, x.dims, Tensor).catch((err) => {
      if (!(err instanceof InferenceThreadStopped)) throw err;
      // An inference thread died with this batch: run it again on the threads left, or on this
      // thread when none is (same session options, same results).
      if (pool && pool.stopped && m.inference === pool) m.inference = undefined;
      const y = build(b);
      return runBatch(m, sp, y.inputIds, y.mask, y.dims, Tensor);
    });
  };

  let done = 0;
  const releaseLock = await acquireSession(opts.signal);
  let released = false;
  const release = () => {
    if (!released) (released = true), releaseLock();
  };
  // AHEAD_PER_THREAD batches queued per inference thread, so none waits for this thread.
  const inflight: Array<Promise<Logits> | undefined> = new Array(bounds.length);
  let launched = 0;
  try {
    for (let b = 0; b < bounds.length; b++) {
      if (opts.signal?.aborted) throw new CancelledError();
      const ahead = m.inference ? m.inference.size * AHEAD_PER_THREAD : 2;
      while (launched < bounds.length && launched < b + ahead) {
        const p = launch(launched);
        p.catch(() => undefined); // awaited in order below
        inflight[launched++] = p;
      }
      // Every batch is queued on the inference threads: the next request's batches may queue behind them
      // now (the threads run them in order), so the threads never idle between two requests.
      if (launched === bounds.length && m.inference) release();
      const logits = await inflight[b]!;
      inflight[b] = undefined;
      const [i, j] = bounds[b];
      const n = j - i;
      if (logits.dims.length !== 2 || logits.dims[0] !== n || logits.dims[1] !== nLabels) {
        throw new RuntimeUserError(
          `Model ${m.modelId} returned logits of shape [${logits.dims.join(', ')}] but config.json lists ${nLabels} labels.`,
          'model-corrupt',
        );
      }
      const data = logits.data;
      for (let r = 0; r < n; r++) {
        const run = runs[i + r];
        for (let c = 0; c < nLabels; c++) runLogits[run * nLabels + c] = data[r * nLabels + c];
        for (let s = run; s >= 0; s = nextSame[s]) if (--remaining[segments[s].text] === 0) done++;
      }
      opts.onProgress?.(done, texts.length);
      // Let a cancel message in between batches (the inference thread's replies already yield).
      if (!m.inference) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    // Batches still running finish on their own; wait so the next request's batches queue behind them.
    await Promise.allSettled(inflight.filter(Boolean) as Promise<Logits>[]);
    release();
  }
  // softmax of each window's logits, added to its text's with the window's weight
  for (const s of order) {
    const seg = segments[s];
    const off = first[s] * nLabels;
    let max = -Infinity;
    for (let c = 0; c < nLabels; c++) max = Math.max(max, runLogits[off + c]);
    let sum = 0;
    for (let c = 0; c < nLabels; c++) sum += Math.exp(runLogits[off + c] - max);
    const acc = probs[seg.text];
    const w = seg.weight / sum;
    for (let c = 0; c < nLabels; c++) acc[c] += Math.exp(runLogits[off + c] - max) * w;
    weights[seg.text] += seg.weight;
  }
  for (let t = 0; t < texts.length; t++) {
    const w = weights[t];
    for (let c = 0; c < nLabels; c++) probs[t][c] /= w;
  }
  return probs;
}

interface OrtSession {
  inputNames: string[];
  outputNames: string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;
}
type OrtTensorCtor = new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;

/** onnxruntime-node's Tensor class, from the same module instance transformers.js uses. */
let ortTensor: OrtTensorCtor | null | undefined;
function ortTensorCtor(): OrtTensorCtor | null {
  if (ortTensor !== undefined) return ortTensor;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ortTensor = (require('onnxruntime-node') as { Tensor: OrtTensorCtor }).Tensor;
  } catch {
    ortTensor = null;
  }
  return ortTensor;
}

/**
 * Runs one padded batch. Fast path: the model's own ONNX Runtime session, fed directly (what
 * transformers.js' forward would do, minus its per-call input wrapping); otherwise the forward.
 */
async function runBatch(
  m: LoadedModel,
  sp: Specials,
  inputIds: BigInt64Array,
  mask: BigInt64Array,
  dims: number[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Tensor: any,
): Promise<Logits> {
  if (m.inference && !m.inference.stopped) return m.inference.run(inputIds, mask, dims, sp.needsTokenTypes);
  const session = m.model?.sessions?.model as OrtSession | undefined;
  const OrtTensor = ortTensorCtor();
  const known = ['input_ids', 'attention_mask', 'token_type_ids'];
  if (
    session &&
    OrtTensor &&
    typeof session.run === 'function' &&
    session.outputNames?.includes('logits') &&
    session.inputNames?.every((name) => known.includes(name))
  ) {
    const feeds: Record<string, unknown> = {
      input_ids: new OrtTensor('int64', inputIds, dims),
      attention_mask: new OrtTensor('int64', mask, dims),
    };
    if (sp.needsTokenTypes) feeds.token_type_ids = new OrtTensor('int64', new BigInt64Array(inputIds.length), dims);
    const out = await session.run(feeds);
    return out.logits;
  }
  const feeds: Record<string, unknown> = {
    input_ids: new Tensor('int64', inputIds, dims),
    attention_mask: new Tensor('int64', mask, dims),
  };
  if (sp.needsTokenTypes) feeds.token_type_ids = new Tensor('int64', new BigInt64Array(inputIds.length), dims);
  const out = await m.model(feeds);
  return out.logits;
}

/** Column of each sentiment label in the model's outputs (-1 when the model has no such label, e.g. no neutral). */
export function sentimentColumns(m: LoadedModel): Record<(typeof SENTIMENT_LABELS)[number], number> {
  const cols = { negative: -1, neutral: -1, positive: -1 };
  (m.labels ?? []).forEach((l, i) => {
    const s = sentimentLabelOf(l);
    if (s && cols[s] < 0) cols[s] = i;
  });
  if (cols.negative < 0 || cols.positive < 0) {
    throw new RuntimeUserError(
      `Model ${m.modelId} has labels ${JSON.stringify(m.labels)}; sentiment analysis needs negative, positive (and optionally neutral) in config.json id2label.`,
      'bad-request',
    );
  }
  return cols;
}

export function toSentimentScores(row: Float64Array, cols: Record<(typeof SENTIMENT_LABELS)[number], number>): SentimentScores {
  const s = { negative: 0, neutral: 0, positive: 0 };
  let sum = 0;
  for (const l of SENTIMENT_LABELS) if (cols[l] >= 0) sum += row[cols[l]];
  for (const l of SENTIMENT_LABELS) s[l] = cols[l] >= 0 && sum > 0 ? row[cols[l]] / sum : 0;
  return s;
}

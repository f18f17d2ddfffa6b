// 'load' and 'unload': read a local Hugging Face model folder with transformers.js, pick the device
// (./device), keep the model in ctx.models.
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileStamp } from '../../core/fsutil';
import { loadClassifier } from '../../core/train/artifact';
import { tableFromRecords } from '../../core/train/csv';
import { OnnxClassifier } from '../../core/train/predict';
import { describeSentimentUse, sentimentUse, toSentimentRows } from '../../core/train/sentiment';
import { CancelledError, SENTIMENT_LABELS, throwIfAborted, UserError } from '../../core/types';
import { oneLine, realProbes, selectDevice, type DeviceProbes } from '../device';
import { RuntimeUserError } from '../errors';
import type { LoadParams, LoadResult } from '../protocol';
import { transformers } from '../transformers';
import { DTYPE_SUFFIX } from '../../core/models/hub';
import { createFastWordPiece } from '../fast-wordpiece';
import { InferencePool, inferenceThreadScript } from '../inference-client';
import type { LoadedEmbedder } from '../embedder';
import type { HandlerContext, LoadedModel } from './context';

/** Injected by tests; the real onnxruntime-node probes otherwise. */
let probesOverride: DeviceProbes | undefined;
export function setDeviceProbesForTest(p: DeviceProbes | undefined): void {
  probesOverride = p;
}

const inFlight = new Map<string, Promise<LoadResult>>();

export function load(params: LoadParams, ctx: HandlerContext): Promise<LoadResult> {
  validate(params);
  const key = JSON.stringify([params.modelId, params.modelDir, params.task, params.device, params.dtype ?? '', params.maxLength ?? 0, params.threads ?? 0, params.format ?? '']);
  const running = inFlight.get(key);
  if (running) return running;
  const p = doLoad(params, ctx).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

export async function unload(params: { modelId: string; force?: boolean }, ctx: HandlerContext): Promise<{ unloaded: boolean }> {
  const m = ctx.models.get(params?.modelId);
  if (!m) return { unloaded: false };
  ctx.models.delete(params.modelId);
  await disposeModel(m, ctx, params.force === true);
  return { unloaded: true };
}

/** Releases asked for while a request held the model (they wait for it), and releases under way. */
const waitingReleases = new Set<() => Promise<void>>();
const runningReleases = new Set<Promise<void>>();

/**
 * Before the worker exits: every release still waiting for a holder is done now (the worker's jobs are cancelled
 * already), and every release under way has finished. A model unloaded while an analysis held it (the CLI unloads
 * on Ctrl+C while the job winds down) is no longer in the worker's model map, so this is how shutdown finds it; exiting
 * with its ONNX sessions half-released aborts the process ("terminate called after throwing … Napi::Error").
 */
export async function settleReleases(): Promise<void> {
  for (const release of [...waitingReleases]) await release().catch(() => undefined);
  await Promise.allSettled([...runningReleases]);
}

/**
 * A model's release deferred while requests use it: `hold()` (an analysis job, a classify / explain / generate
 * request) keeps it; `release()` (an unload, or a reload replacing it) frees it at once when nothing holds it,
 * else when the last holder lets go, so a setting changed during an analysis does not take the model from under it.
 */
export function deferredRelease(releaseNow: () => Promise<void>, onError: (err: unknown) => void, what = 'the model'): {
  hold: () => () => void;
  release: (force?: boolean) => Promise<void>;
} {
  let active = 0;
  let released = false;
  let wanted = false;
  const doRelease = (): Promise<void> => {
    waitingReleases.delete(doRelease);
    if (released) return Promise.resolve();
    released = true;
    const p = releaseNow();
    runningReleases.add(p);
    void p.catch(() => undefined).finally(() => runningReleases.delete(p));
    return p;
  };
  return {
    hold: () => {
      if (released) throw new RuntimeUserError(`${what} was unloaded; run the command again.`, 'not-loaded');
      active++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        if (--active === 0 && wanted) void doRelease().catch(onError);
      };
    },
    release: async (force = false) => {
      wanted = true;
      if (!active || force) await doRelease();
      else waitingReleases.add(doRelease);
    },
  };
}

function validate(params: LoadParams): void {
  if (!params || typeof params.modelId !== 'string' || !params.modelId) {
    throw new RuntimeUserError('load needs a modelId.', 'bad-request');
  }
  if (typeof params.modelDir !== 'string' || !path.isAbsolute(params.modelDir)) {
    throw new RuntimeUserError(`load needs the absolute path of the model folder (got "${params.modelDir}").`, 'bad-request');
  }
  if (params.task !== 'text-classification' && params.task !== 'text-generation' && params.task !== 'feature-extraction') {
    throw new RuntimeUserError(`Unsupported task "${params.task}": use text-classification, text-generation or feature-extraction.`, 'bad-request');
  }
  if (!['auto', 'cpu', 'gpu'].includes(params.device)) {
    throw new RuntimeUserError(`Unknown device setting "${params.device}": use auto, cpu or gpu.`, 'bad-request');
  }
  if (params.maxLength !== undefined && (!Number.isInteger(params.maxLength) || params.maxLength < 8)) {
    throw new RuntimeUserError(`maxLength must be an integer of at least 8 (got ${params.maxLength}).`, 'bad-request');
  }
  if (params.threads !== undefined && (!Number.isInteger(params.threads) || params.threads < 1 || params.threads > 64)) {
    throw new RuntimeUserError(`threads must be an integer from 1 to 64 (got ${params.threads}).`, 'bad-request');
  }
  if (params.format !== undefined && params.format !== 'transformers' && params.format !== 'classifier') {
    throw new RuntimeUserError(`Unknown model format "${params.format}": use transformers or classifier.`, 'bad-request');
  }
  if (params.format === 'classifier' && params.task !== 'text-classification') {
    throw new RuntimeUserError('A saved classifier can only be loaded for text-classification.', 'bad-request');
  }
}

function requireFile(modelDir: string, rel: string): string {
  const file = path.join(modelDir, rel);
  if (!existsSync(file)) {
    throw new RuntimeUserError(
      `Model file ${file} is missing. A model folder in the Hugging Face layout has config.json, tokenizer.json, tokenizer_config.json and onnx/: give a complete folder (a bundled model: reinstall the extension), set productForge.modelsPath to a folder that has it, or enable productForge.allowModelDownloads.`,
      'model-missing',
    );
  }
  return file;
}

function readConfig(modelDir: string): Record<string, unknown> {
  const file = requireFile(modelDir, 'config.json');
  try {
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw new Error('not a JSON object');
    return cfg as Record<string, unknown>;
  } catch (err) {
    throw new RuntimeUserError(`Model file ${file} is not valid JSON (${oneLine(err)}). Reinstall or replace the model.`, 'model-corrupt');
  }
}

/** Labels by index from config.json id2label ({"0": "negative", ...}). */
export function labelsOf(config: Record<string, unknown>, file: string): string[] {
  const id2label = config.id2label as Record<string, unknown> | undefined;
  if (!id2label || typeof id2label !== 'object') {
    throw new RuntimeUserError(`Model file ${file} has no id2label: a text-classification model needs its labels there.`, 'model-corrupt');
  }
  const labels: string[] = [];
  for (const [k, v] of Object.entries(id2label)) {
    const i = Number(k);
    if (!Number.isInteger(i) || i < 0 || typeof v !== 'string') {
      throw new RuntimeUserError(`Model file ${file} has an invalid id2label entry "${k}": ${JSON.stringify(v)}.`, 'model-corrupt');
    }
    labels[i] = v;
  }
  if (labels.length < 2 || labels.some((l) => l === undefined)) {
    throw new RuntimeUserError(`Model file ${file} must list labels 0..n-1 (at least two) in id2label.`, 'model-corrupt');
  }
  return labels;
}

/** Content tokens per window: never more than the position table allows once [CLS]/[SEP] are added. */
function maxLengthOf(params: LoadParams, config: Record<string, unknown>): number {
  const mpe = Number(config.max_position_embeddings);
  const fromConfig = Number.isFinite(mpe) && mpe > 8 ? mpe - 2 : 512;
  return params.maxLength ? Math.min(params.maxLength, fromConfig) : fromConfig;
}

function onnxFile(params: LoadParams, dtype = params.dtype): string | undefined {
  if (!dtype) return params.task === 'text-generation' ? undefined : 'onnx/model.onnx';
  const suffix = DTYPE_SUFFIX[dtype];
  return suffix === undefined ? undefined : `onnx/model${suffix}.onnx`;
}

/** The variants tried, in order, when a folder has no onnx/model.onnx and no dtype is given. */
const VARIANT_ORDER = ['q4', 'q8', 'fp16', 'int8', 'uint8', 'q4f16', 'bnb4'];

/**
 * The dtype to load when none is given and the folder has no onnx/model.onnx (a model downloaded from the hub
 * as one variant, or a user's q4-only folder): the config's transformers.js dtype when its file is there, else
 * the first variant of VARIANT_ORDER present. Undefined (as before) when onnx/model.onnx is there or no variant is.
 */
export function detectDtype(modelDir: string, config: Record<string, unknown>): string | undefined {
  const has = (d: string) => existsSync(path.join(modelDir, 'onnx', `model${DTYPE_SUFFIX[d]}.onnx`));
  if (has('fp32')) return undefined;
  const cfgDtype = (config['transformers.js_config'] as { dtype?: unknown } | undefined)?.dtype;
  if (typeof cfgDtype === 'string' && cfgDtype !== 'fp32' && DTYPE_SUFFIX[cfgDtype] !== undefined && has(cfgDtype)) return cfgDtype;
  return VARIANT_ORDER.find(has);
}

async function doLoad(params: LoadParams, ctx: HandlerContext): Promise<LoadResult> {
  const t0 = Date.now();
  const { modelDir, modelId, task } = params;
  if (params.format === 'classifier') return loadSavedClassifier(params, ctx, t0);
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) {
    throw new RuntimeUserError(
      `Model folder ${modelDir} does not exist. Reinstall the extension or set productForge.modelsPath to a folder that has ${modelId}.`,
      'model-missing',
    );
  }
  const config = readConfig(modelDir);
  const configFile = path.join(modelDir, 'config.json');
  const labels = task === 'text-classification' ? labelsOf(config, configFile) : undefined;
  const maxLength = task === 'text-classification' ? maxLengthOf(params, config) : undefined;
  requireFile(modelDir, 'tokenizer.json');
  let dtype = params.dtype;
  if (!dtype) {
    dtype = detectDtype(modelDir, config);
    if (dtype) ctx.log('info', `${modelId}: ${modelDir} has no onnx/model.onnx; loading ${onnxFile(params, dtype)} (dtype ${dtype}).`);
  }
  const rel = onnxFile(params, dtype);
  const modelFile = rel ? requireFile(modelDir, rel) : path.join(modelDir, 'onnx');

  const existing = ctx.models.get(modelId);
  if (
    existing &&
    existing.modelDir === modelDir &&
    existing.task === task &&
    existing.dtype === dtype &&
    existing.maxLength === maxLength &&
    existing.threads === params.threads &&
    (params.device === 'auto' || (params.device === 'cpu') === (existing.device === 'cpu'))
  ) {
    return { device: existing.device, loadMs: 0, labels, maxLength, cached: true };
  }

  const tf = await transformers();
  throwIfAborted(ctx.signal);
  let tokenizer: unknown;
  try {
    tokenizer = await tf.AutoTokenizer.from_pretrained(modelDir, { local_files_only: true });
  } catch (err) {
    throw new RuntimeUserError(
      `The tokenizer in ${modelDir} could not be read (${oneLine(err)}). Reinstall or replace the model.`,
      'model-corrupt',
    );
  }
  throwIfAborted(ctx.signal);
  const encode = textEncoder(modelDir, tokenizer, task, ctx);

  const Auto = task === 'text-classification' ? tf.AutoModelForSequenceClassification : task === 'feature-extraction' ? tf.AutoModel : tf.AutoModelForCausalLM;
  const selection = await selectDevice(
    params.device,
    probesOverride ?? realProbes(),
    async (device) => {
      throwIfAborted(ctx.signal);
      try {
        return await Auto.from_pretrained(modelDir, {
          device,
          ...(dtype ? { dtype: dtype as never } : {}),
          local_files_only: true,
          session_options: sessionOptions(device, params.threads),
        });
      } catch (err) {
        if (device !== 'cpu') throw err; // a GPU failure: selectDevice records it and falls back
        throw new RuntimeUserError(
          `ONNX Runtime could not load ${modelFile} (${oneLine(err)}). The file may be corrupt or not a ${task} model: reinstall it or point productForge.modelsPath to a working copy.`,
          'model-corrupt',
        );
      }
    },
    (msg) => ctx.log('info', msg),
  );
  if (ctx.signal.aborted) {
    await disposeModel({ model: selection.value } as LoadedModel, ctx);
    throw new CancelledError();
  }

  const inference = task === 'text-classification' && selection.device === 'cpu' && rel ? await startInferenceThreads(modelFile, modelId, ctx, params.threads) : undefined;
  if (ctx.signal.aborted) {
    await closeInference(inference);
    await disposeModel({ model: selection.value } as LoadedModel, ctx);
    throw new CancelledError();
  }

  const model = selection.value;
  const { hold, release } = deferredRelease(
    () => disposeModel({ model, inference }, ctx),
    (err) => ctx.log('warn', `Releasing ${modelId} failed: ${oneLine(err)}`),
    `The model ${modelId}`,
  );
  const loaded: LoadedModel = {
    modelId,
    inference,
    task,
    device: selection.device,
    modelDir,
    model: selection.value,
    tokenizer,
    encode,
    config,
    dtype,
    labels,
    maxLength,
    threads: params.threads,
    hold,
    release,
  };
  const previous = ctx.models.get(modelId);
  ctx.models.set(modelId, loaded);
  if (previous && previous.model !== loaded.model) await disposeModel(previous, ctx);
  const loadMs = Date.now() - t0;
  ctx.log('info', `Loaded ${modelId} (${task}) on ${selection.device} in ${loadMs} ms from ${modelDir}.`);
  return { device: selection.device, loadMs, fallbackReason: selection.fallbackReason, labels, maxLength };
}

/**
 * A classifier saved by Train as the sentiment model (src/core/train/sentiment.ts): its preprocessing and
 * ONNX session score the texts on this thread's CPU; outputs are mapped to [negative, neutral, positive].
 * Replaced or unloaded while a request is scoring with it, it is released when that request is done.
 */
async function loadSavedClassifier(params: LoadParams, ctx: HandlerContext, t0: number): Promise<LoadResult> {
  const { modelId, modelDir } = params;
  const labels = [...SENTIMENT_LABELS];
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) {
    throw new RuntimeUserError(`The saved classifier ${modelDir} does not exist (deleted or moved?). Pick another with "Use a Saved Classifier for Analyze Feedback", or clear productForge.analysis.classifier.`, 'model-missing');
  }
  // A folder deleted and saved again under the same name is loaded again.
  const stamp = fileStamp(path.join(modelDir, 'model.onnx'));
  const existing = ctx.models.get(modelId);
  if (existing?.score && existing.modelDir === modelDir && existing.config.stamp === stamp) return { device: 'cpu', loadMs: 0, labels, cached: true };
  const loaded = await loadClassifier(modelDir);
  const use = sentimentUse(loaded);
  const lookup = params.embedding;
  let embedder: LoadedEmbedder | undefined;
  const embedderFor = async (id: string, sha256: string): Promise<LoadedEmbedder> => {
    const { findEmbeddingModel, loadTextEmbedder } = await import('../embedder');
    const found = await findEmbeddingModel(id, { ...lookup!, signal: ctx.signal, absoluteOnly: true });
    return (embedder = await loadTextEmbedder({ ...found, device: lookup!.device, signal: ctx.signal, expectSha256: sha256, log: (level, msg) => ctx.log(level, msg) }));
  };
  let clf: OnnxClassifier;
  try {
    clf = await OnnxClassifier.load(modelDir, {
      // As the Train view finds it: the model the classifier names (by id), else the configured one (same sha256).
      embedderFor: async (id, sha256) => {
        if (!lookup) throw new RuntimeUserError(`${modelDir} reads its text through the embedding model ${id}, and no models folder was given to find it.`, 'model-missing');
        try {
          return await embedderFor(id, sha256);
        } catch (e) {
          if (!(e instanceof UserError) || !lookup.embeddingModel || lookup.embeddingModel === id) throw e;
          return embedderFor(lookup.embeddingModel, sha256);
        }
      },
    });
  } catch (e) {
    await embedder?.dispose().catch(() => undefined);
    throw e;
  }
  // Released once nothing scores with it any more.
  const { hold, release } = deferredRelease(
    async () => {
      await clf.dispose();
      await embedder?.dispose();
    },
    (err) => ctx.log('warn', `Releasing ${modelId} failed: ${oneLine(err)}`),
    `The classifier ${modelId}`,
  );
  if (ctx.signal.aborted) {
    await release(true);
    throw new CancelledError();
  }
  const m: LoadedModel = {
    modelId,
    task: 'text-classification',
    device: 'cpu',
    modelDir,
    model: { dispose: () => release() },
    tokenizer: undefined,
    encode: () => [],
    config: { stamp },
    labels,
    hold,
    release,
    score: async (texts, o) => {
      const unhold = m.hold!();
      try {
        const table = tableFromRecords([use.textColumn], texts.map((t) => [t]));
        const p = await clf.predictProba(table, o.signal, o.onProgress);
        return toSentimentRows(p, use.labels);
      } finally {
        unhold();
      }
    },
  };
  const previous = ctx.models.get(modelId);
  ctx.models.set(modelId, m);
  if (previous) await disposeModel(previous, ctx);
  const loadMs = Date.now() - t0;
  ctx.log('info', `Loaded the saved classifier ${modelId} (${loaded.metadata.modelKind}, ${describeSentimentUse(use, loaded.metadata.labels)}, text column "${use.textColumn}") on cpu in ${loadMs} ms from ${modelDir}.`);
  return { device: 'cpu', loadMs, labels };
}

/** The fast WordPiece encoder for classification models whose tokenizer.json allows it, else the library's encode. */
function textEncoder(modelDir: string, tokenizer: unknown, task: LoadParams['task'], ctx: HandlerContext): (text: string) => number[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const lib = (text: string): number[] => (tokenizer as any).encode(text, { add_special_tokens: false });
  if (task !== 'text-classification') return lib;
  try {
    const fast = createFastWordPiece(JSON.parse(readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')), lib);
    if (fast) {
      ctx.log('info', `Tokenizer of ${path.basename(modelDir)}: fast WordPiece encoder.`);
      return (text) => fast.encode(text);
    }
  } catch (err) {
    ctx.log('warn', `Fast tokenizer unavailable (${oneLine(err)}); using the library tokenizer.`);
  }
  return lib;
}

function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** The inference thread budget: LoadParams.threads when given (at most 64), else one per core. */
export function threadBudget(threads: number | undefined, cores = coreCount()): number {
  return threads !== undefined && Number.isInteger(threads) && threads > 0 ? Math.min(threads, 64) : Math.max(1, cores);
}

/**
 * ONNX Runtime session options: on CPU one intra-op thread per thread of the budget (the host thread
 * mostly waits on the worker during analysis), all graph optimizations, sequential execution (no inter-op pool).
 */
export function sessionOptions(device: string, threads?: number): Record<string, unknown> {
  const base: Record<string, unknown> = { logSeverityLevel: 3, graphOptimizationLevel: 'all', executionMode: 'sequential' };
  if (device === 'cpu') {
    base.intraOpNumThreads = threadBudget(threads);
    base.interOpNumThreads = 1;
  }
  return base;
}

/**
 * How the budget is shared out: PRODUCT_FORGE_INFERENCE_THREADS sessions when set, else one session per
 * thread of the budget (at most 4), each with an equal share of the budget as intra-op threads.
 */
export function inferenceLayout(budget: number, envCount?: string): { count: number; intra: number } {
  const wanted = Number(envCount);
  const count = Number.isInteger(wanted) && wanted > 0 ? Math.min(wanted, 16) : Math.max(1, Math.min(budget, 4));
  return { count, intra: Math.max(1, Math.floor(budget / count)) };
}

/**
 * Starts the inference threads for a CPU classification model (src/runtime/inference-thread.ts), laid
 * out by inferenceLayout over the thread budget (LoadParams.threads, default one per core). Undefined
 * (inference stays on this thread) when the bundle is absent, PRODUCT_FORGE_INFERENCE_THREAD=0, or no
 * thread starts.
 */
async function startInferenceThreads(modelFile: string, modelId: string, ctx: HandlerContext, threads?: number): Promise<InferencePool | undefined> {
  if (process.env.PRODUCT_FORGE_INFERENCE_THREAD === '0') return undefined;
  const script = inferenceThreadScript();
  if (!script) return undefined;
  const budget = threadBudget(threads);
  const { count, intra } = inferenceLayout(budget, process.env.PRODUCT_FORGE_INFERENCE_THREADS);
  try {
    const pool = await InferencePool.start(
      script,
      {
        modelFile,
        // Idle intra-op threads do not spin: the model worker's reading and tokenizing need the cores.
        sessionOptions: {
          ...sessionOptions('cpu'),
          intraOpNumThreads: intra,
          executionProviders: ['cpu'],
          extra: { session: { intra_op: { allow_spinning: '0' } } },
        },
        outputName: 'logits',
      },
      count,
    );
    ctx.log('info', `${modelId}: inference runs on ${pool.size} thread${pool.size === 1 ? '' : 's'} of its own (${intra} intra-op thread${intra === 1 ? '' : 's'} each; budget ${budget} of ${coreCount()} cores).`);
    return pool;
  } catch (err) {
    ctx.log('warn', `${modelId}: the inference threads did not start (${oneLine(err)}); inference runs on the model worker thread.`);
    return undefined;
  }
}

/** The inference threads end after their current run; waited for (at most 4 s) so the worker is not stopped under them. */
function closeInference(pool: InferencePool | undefined): Promise<unknown> {
  return pool ? Promise.race([pool.close(), new Promise((r) => setTimeout(r, 4_000).unref())]) : Promise.resolve();
}

async function disposeModel(m: Pick<LoadedModel, 'model' | 'release'> & { inference?: InferencePool }, ctx: HandlerContext, force = false): Promise<void> {
  if (m.release) return m.release(force);
  await closeInference(m.inference);
  try {
    await m.model?.dispose?.();
  } catch (err) {
    ctx.log('warn', `Releasing a model failed: ${oneLine(err)}`);
  }
}

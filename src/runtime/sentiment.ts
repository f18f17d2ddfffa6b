// The worker-backed SentimentClassifier used by Analyze Feedback (extension and CLI). Loads the model
// once; classify() sends chunks of texts so progress and cancellation stay responsive; after a worker
// restart (runtime.generation changed, or the worker answers 'not-loaded') it loads the model again.
import type { ClassifyOptions, DeviceSetting, SentimentClassifier, SentimentScores } from '../core/types';
import { throwIfAborted } from '../core/types';
import type { ModelRuntime } from './client';
import { errorCode } from './errors';
import type { AnalyzeProgress } from '../core/analysis';
import type { AnalyzeJobParams, AnalyzeJobResult, ExplainResult, LoadParams, LoadResult } from './protocol';

export interface SentimentClassifierOptions {
  modelId: string;
  /** Absolute path of the resolved model folder (see src/core/models/registry.ts resolveModel). */
  modelDir: string;
  device: DeviceSetting;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** From the manifest entry (maxLength), when known. */
  maxLength?: number;
  /** CPU threads for inference (LoadParams.threads; default one per core). */
  threads?: number;
  /** ONNX variant (manifest dtype); default onnx/model.onnx. */
  dtype?: string;
  /** Texts per worker request; default 2048 (texts are length-sorted within a request; the worker reports progress per batch). */
  chunkSize?: number;
  /** Texts per ONNX batch inside the worker; default 64. */
  batchSize?: number;
  /** Cancels the initial load. */
  signal?: AbortSignal;
  /** 'classifier': modelDir is a classifier saved by Train (LoadParams.format). */
  format?: LoadParams['format'];
  /** For a saved classifier trained with embedding text features: where its embedding model is found. */
  embedding?: LoadParams['embedding'];
  /** Called after each load that brought the model into a worker (the first, and again after a worker restart). */
  onLoad?: (result: LoadResult) => void;
}

export interface RuntimeSentimentClassifier extends SentimentClassifier {
  /** The last load's result (device, fallbackReason, loadMs, labels, maxLength); replaced after a reload. */
  readonly loadResult: LoadResult;
  /** Occlusion attribution of one text; twoWay: negative or positive only (AnalyzeOptions.twoWay). */
  explain(text: string, signal?: AbortSignal, opts?: { twoWay?: boolean }): Promise<ExplainResult>;
  /**
   * Runs the whole Analyze Feedback job (reading, inference, aggregation, report) in the model worker:
   * the calling thread only receives progress and the result.
   */
  analyze(job: Omit<AnalyzeJobParams, 'model'>, o?: { signal?: AbortSignal; onProgress?: (p: AnalyzeProgress) => void }): Promise<AnalyzeJobResult>;
  /** Frees the model in the worker (the runtime itself stays up). */
  dispose(): Promise<void>;
}

export async function createSentimentClassifier(
  runtime: ModelRuntime,
  opts: SentimentClassifierOptions,
): Promise<RuntimeSentimentClassifier> {
  const chunkSize = Math.max(1, opts.chunkSize ?? 2048);
  let loadResult!: LoadResult;
  let loadedGeneration = -1;
  let loading: Promise<void> | undefined;

  const loadParams: LoadParams = {
    modelId: opts.modelId,
    modelDir: opts.modelDir,
    task: 'text-classification',
    device: opts.device,
    dtype: opts.dtype,
    maxLength: opts.maxLength,
    threads: opts.threads,
    ...(opts.format === 'classifier' ? { format: 'classifier' as const, embedding: opts.embedding } : {}),
  };
  const doLoad = async (signal?: AbortSignal): Promise<void> => {
    const generation = runtime.generation;
    const result = await runtime.request('load', loadParams, { signal });
    loadResult = result;
    loadedGeneration = generation;
    if (!result.cached) {
      opts.onLoad?.(result);
      opts.log?.('info', `Sentiment model ${opts.modelId} runs on ${result.device} (loaded in ${result.loadMs} ms).`);
      if (result.fallbackReason) opts.log?.('info', `GPU not used for ${opts.modelId}: ${result.fallbackReason}`);
    }
  };
  /** Loads (again) when this runtime generation has not loaded the model yet; concurrent callers share one load. */
  const ensureLoaded = async (signal?: AbortSignal, force = false): Promise<void> => {
    const stale = loadedGeneration !== runtime.generation;
    // A saved classifier is checked on every request (cheap when unchanged): its folder may have been saved anew.
    if (!force && !stale && opts.format !== 'classifier') return;
    if (stale && loadedGeneration >= 0) opts.log?.('warn', `Reloading ${opts.modelId}: the model worker was restarted.`);
    loading ??= doLoad(signal).finally(() => (loading = undefined));
    await loading;
  };
  /** Runs fn once, and once more after a reload when the worker no longer has the model. */
  const withModel = async <T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> => {
    await ensureLoaded(signal);
    try {
      return await fn();
    } catch (err) {
      if (errorCode(err) !== 'not-loaded') throw err;
      await ensureLoaded(signal, true);
      return fn();
    }
  };

  await ensureLoaded(opts.signal);

  return {
    modelId: opts.modelId,
    get device() {
      return loadResult.device;
    },
    get loadResult() {
      return loadResult;
    },
    async classify(texts: string[], copts: ClassifyOptions = {}): Promise<SentimentScores[]> {
      const { signal, onProgress } = copts;
      throwIfAborted(signal);
      const out: SentimentScores[] = [];
      for (let start = 0; start < texts.length; start += chunkSize) {
        throwIfAborted(signal);
        const chunk = texts.slice(start, start + chunkSize);
        const { scores } = await withModel(signal, () =>
          runtime.request(
            'classify',
            { modelId: opts.modelId, texts: chunk, batchSize: opts.batchSize },
            { signal, onProgress: (p) => onProgress?.(start + p.done, texts.length) },
          ),
        );
        if (scores.length !== chunk.length) throw new Error(`The model worker returned ${scores.length} scores for ${chunk.length} texts.`);
        for (const s of scores) out.push(s);
        onProgress?.(out.length, texts.length);
      }
      return out;
    },
    explain(text: string, signal?: AbortSignal, o: { twoWay?: boolean } = {}): Promise<ExplainResult> {
      return withModel(signal, () => runtime.request('explain', { modelId: opts.modelId, text, ...(o.twoWay ? { twoWay: true } : {}) }, { signal }));
    },
    async analyze(job, o = {}): Promise<AnalyzeJobResult> {
      // The job loads the model itself when the worker was restarted; ensureLoaded keeps the log lines.
      await ensureLoaded(o.signal);
      const generation = runtime.generation;
      const res = await runtime.request('analyze', { ...job, model: loadParams }, { signal: o.signal, onProgress: o.onProgress });
      if (!res.load.cached || loadedGeneration !== generation) {
        loadResult = res.load;
        loadedGeneration = generation;
      }
      return res;
    },
    async dispose(): Promise<void> {
      if (loadedGeneration !== runtime.generation) return;
      loadedGeneration = -1;
      await runtime.request('unload', { modelId: opts.modelId }).catch(() => undefined);
    },
  };
}

import type { InferencePool } from '../inference-client';

// What a worker-side request handler receives. Handlers live in src/runtime/handlers/*.ts and are
// dispatched by src/runtime/worker.ts; they run inside the worker thread only.

export interface LoadedModel {
  modelId: string;
  task: 'text-classification' | 'text-generation' | 'feature-extraction';
  /** Device actually used ('cpu', 'cuda', 'dml', 'coreml'). */
  device: string;
  modelDir: string;
  /** transformers.js objects (PreTrainedModel / PreTrainedTokenizer); typed loosely on purpose. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tokenizer: any;
  /**
   * Token ids of a text without special tokens: the fast WordPiece encoder when tokenizer.json is a
   * BERT WordPiece pipeline (src/runtime/fast-wordpiece.ts), else the library tokenizer.
   */
  encode: (text: string) => number[];
  /**
   * The inference threads running this model's ONNX sessions (CPU classification models), so this
   * thread can tokenize and aggregate while they compute; undefined when not started or after they died.
   */
  inference?: InferencePool;
  /** Parsed config.json of the model folder. */
  config: Record<string, unknown>;
  /** ONNX variant requested at load ('fp32', 'q8', 'q4', ...; undefined = transformers.js default). */
  dtype?: string;
  /** Labels by output index (config.json id2label); text-classification only. */
  labels?: string[];
  /** Most tokens per model input, special tokens included; text-classification only. */
  maxLength?: number;
  /** The CPU thread budget it was loaded with (LoadParams.threads; undefined = one per core). */
  threads?: number;
  /**
   * A saved Train classifier (LoadParams.format 'classifier'): scores texts itself, as [negative, neutral,
   * positive] probability rows (labels are then SENTIMENT_LABELS); no tokenizer or windows.
   */
  score?: (texts: string[], opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }) => Promise<Float64Array[]>;
  /**
   * Keeps the model from being released (unloaded or replaced by a reload) until the returned function is
   * called: a whole analysis job holds it across its chunks, a classify, explain or generate request while it runs.
   */
  hold?: () => () => void;
  /**
   * Releases the model (ONNX sessions, inference threads) once no request holds it; `force` releases it now (the
   * worker shutting down, its jobs already cancelled). Absent: disposing `model` (and `inference`) releases it.
   */
  release?: (force?: boolean) => Promise<void>;
}

export interface HandlerContext {
  /** Aborted when the client sends a cancel for this request id (or the client goes away). */
  signal: AbortSignal;
  /** Sends a progress message for this request id. */
  progress(data: unknown): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Models loaded by earlier 'load' requests, by modelId. */
  models: Map<string, LoadedModel>;
}

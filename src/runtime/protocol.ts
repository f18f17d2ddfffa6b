// The one typed protocol between the model worker (src/runtime/worker.ts) and its clients
// (the extension host and the CLI, through src/runtime/client.ts).
// Every request carries an id; the worker answers with exactly one response for that id, may send
// progress messages for it before, and stops work on it when a cancel for that id arrives.
import type { AnalysisResult, AnalyzeProgress, ExplainScope, ReportPaths } from '../core/analysis';
import type { Driver } from '../core/analysis/explain';
import type { ModelLookup } from '../core/train/worker-protocol';
import type { DeviceSetting, SentimentScores } from '../core/types';

export interface LoadParams {
  /** Model id as in models/manifest.json (or a folder name under productForge.modelsPath). */
  modelId: string;
  /** Absolute path of the resolved local model folder (Hugging Face layout). */
  modelDir: string;
  task: 'text-classification' | 'text-generation' | 'feature-extraction';
  device: DeviceSetting;
  /** ONNX variant: 'fp32' -> onnx/model.onnx, 'q8' -> onnx/model_quantized.onnx, 'q4' -> onnx/model_q4.onnx. */
  dtype?: string;
  /**
   * Most tokens (special tokens included) one model input may have; longer texts are split into
   * overlapping windows. Default: the manifest's maxLength, else config.max_position_embeddings - 2.
   */
  maxLength?: number;
  /** CPU threads for inference, all inference threads together (default: one per core). */
  threads?: number;
  /**
   * 'classifier': modelDir is a classifier saved by Train (model.onnx + preprocessing.json) that reads one
   * text column and predicts sentiment labels (src/core/train/sentiment.ts); it runs on the CPU. Default
   * 'transformers': a Hugging Face model folder read by transformers.js.
   */
  format?: 'transformers' | 'classifier';
  /** format 'classifier' trained with embedding text features: where its embedding model is found. */
  embedding?: ModelLookup;
}
export interface LoadResult {
  /** Device actually used: 'cpu' | 'cuda' | 'dml' | 'coreml'. */
  device: string;
  loadMs: number;
  /** Why a GPU was not used when device was 'auto' (logged and shown). */
  fallbackReason?: string;
  /** Labels by output index (config.json id2label), for text-classification models. */
  labels?: string[];
  /** Token budget per model input (windows beyond it), for text-classification models. */
  maxLength?: number;
  /** True when the model was already loaded with the same folder and device (nothing was done). */
  cached?: boolean;
}

export interface ClassifyParams {
  modelId: string;
  texts: string[];
  /** Texts (token windows) per ONNX batch; default 64. Batches of long texts are made smaller. */
  batchSize?: number;
}
export interface ClassifyResult {
  scores: SentimentScores[];
}

export interface ExplainParams {
  modelId: string;
  text: string;
  /** Two-way: the label and weights use P(negative) and P(positive) renormalized (AnalyzeOptions.twoWay). */
  twoWay?: boolean;
}
/** A word and the change of the predicted label's probability when it is removed (positive = supports it). */
export type TokenAttribution = Driver;
export interface ExplainResult {
  label: string;
  scores: SentimentScores;
  /** Every unit of the text in order (all of it covered once), with its weight. */
  tokens: TokenAttribution[];
  /**
   * 'words': each word was removed on its own; 'passages': the text is too long for that (more than MAX_EXPLAIN_UNITS
   * words, or more characters than the handler's budget allows), so runs of `wordsPerUnit` consecutive words were.
   */
  units: 'words' | 'passages';
  wordsPerUnit: number;
}

/**
 * 'analyze': the whole Analyze Feedback job inside the worker (reading, classification, aggregation,
 * themes, report writing), so the extension host only sends paths and receives a summary.
 */
export interface AnalyzeJobParams {
  /** The sentiment model (loaded first, or reused when already loaded with the same parameters). */
  model: LoadParams;
  /** Files and folders to analyze (absolute paths). */
  inputs: string[];
  /** Text column / JSON field (else detected per file); several are joined per row. */
  column?: string | string[];
  /** Items whose top score is below this are listed as low-confidence (default 0.6). */
  lowConfidence?: number;
  /** Write a report folder (report.md, results.csv, summary.json, chart) in the workspace. */
  report?: { workspaceDir: string; baseName: string; reportsDir?: string };
  /**
   * Keep the per-item temp file and return its path in result.itemsFile (the CLI streams its output
   * formats from it and deletes it); otherwise it is deleted before the response.
   */
  keepItems?: boolean;
  /** Folder for the per-item temp file (default the OS temp folder); the CLI gives one it removes whatever happens. */
  tempDir?: string;
  /**
   * Per-item results only: skip themes and the clause-level aspect pass (the per-item rows are the
   * same). For outputs that are just the rows (CLI --format jsonl/csv).
   */
  itemsOnly?: boolean;
  /** Texts per classification chunk (default 4096: sorted by length within a chunk). */
  chunkSize?: number;
  /** Which items get their driving words (occlusion): the listed ones (default), every item, or none. */
  explain?: ExplainScope;
  /** Two-way labels: negative or positive only (AnalyzeOptions.twoWay). */
  twoWay?: boolean;
}
export interface AnalyzeJobResult {
  /** The analysis; itemsFile is '' unless keepItems was set. */
  result: AnalysisResult;
  report?: ReportPaths;
  load: LoadResult;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
export interface GenerateParams {
  modelId: string;
  messages: ChatMessage[];
  maxNewTokens: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
}
export interface GenerateResult {
  text: string;
  finishReason: 'stop' | 'length' | 'cancelled';
  tokens: number;
  /** The model's context (max_position_embeddings) when the prompt and the answer filled it: fewer new tokens than asked. */
  contextFull?: number;
}

/** method -> params, result, progress payload */
export interface RequestMap {
  /** delayMs: answer after that long (cancellable): a health/latency probe, also used by the tests. */
  ping: { params: { delayMs?: number }; result: { pid: number; threadId: number; versions: Record<string, string>; models: string[] }; progress: never };
  load: { params: LoadParams; result: LoadResult; progress: { file: string; loaded: number; total: number } };
  unload: { params: { modelId: string; force?: boolean }; result: { unloaded: boolean }; progress: never };
  classify: { params: ClassifyParams; result: ClassifyResult; progress: { done: number; total: number } };
  explain: { params: ExplainParams; result: ExplainResult; progress: never };
  analyze: { params: AnalyzeJobParams; result: AnalyzeJobResult; progress: AnalyzeProgress };
  generate: { params: GenerateParams; result: GenerateResult; progress: { token: string } };
}
export type Method = keyof RequestMap;

export interface RequestMessage<M extends Method = Method> {
  kind: 'request';
  id: number;
  method: M;
  params: RequestMap[M]['params'];
}
export interface CancelMessage {
  kind: 'cancel';
  id: number;
}
/** Before the worker is stopped: cancel every job, let them clean up, release the models (inference threads end after their current run). */
export interface ShutdownMessage {
  kind: 'shutdown';
}
export type ToWorker = RequestMessage | CancelMessage | ShutdownMessage;

/**
 * Error codes a response may carry. User-facing ones (everything but 'internal' and 'cancelled')
 * have a one-line actionable message and become UserError on the client side.
 * 'not-loaded': the request names a model this worker has not loaded (e.g. after a restart): load it again.
 */
export type WorkerErrorCode =
  | 'cancelled'
  | 'model-missing'
  | 'model-corrupt'
  | 'device-unavailable'
  | 'runtime-unavailable'
  | 'bad-request'
  | 'not-loaded'
  | 'worker-stopped'
  | 'internal';
export const USER_ERROR_CODES: readonly WorkerErrorCode[] = [
  'model-missing',
  'model-corrupt',
  'device-unavailable',
  'runtime-unavailable',
  'bad-request',
  'not-loaded',
];

export interface WorkerErrorInfo {
  message: string;
  code: WorkerErrorCode;
  stack?: string;
}
export type ResponseMessage<M extends Method = Method> =
  | { kind: 'response'; id: number; ok: true; result: RequestMap[M]['result'] }
  | { kind: 'response'; id: number; ok: false; error: WorkerErrorInfo };
export interface ProgressMessage<M extends Method = Method> {
  kind: 'progress';
  id: number;
  data: RequestMap[M]['progress'];
}
export interface LogMessage {
  kind: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}
/** The answer to 'shutdown': nothing runs any more, the worker can be terminated. */
export interface ShutdownDoneMessage {
  kind: 'shutdown-done';
}
export type FromWorker = ResponseMessage | ProgressMessage | LogMessage | ShutdownDoneMessage;

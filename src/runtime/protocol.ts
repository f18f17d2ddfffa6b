// The one typed protocol between the model worker (src/runtime/worker.ts) and its clients
// (the extension host and the CLI, through src/runtime/client.ts).
// Every request carries an id; the worker answers with exactly one response for that id, may send
// progress messages for it before, and stops work on it when a cancel for that id arrives.
import type { DeviceSetting, SentimentScores } from '../core/types';

export interface LoadParams {
  /** Model id as in models/manifest.json (or a folder name under productForge.modelsPath). */
  modelId: string;
  /** Absolute path of the resolved local model folder (Hugging Face layout). */
  modelDir: string;
  task: 'text-classification' | 'text-generation';
  device: DeviceSetting;
  /** ONNX variant: 'fp32' -> onnx/model.onnx, 'q8' -> onnx/model_quantized.onnx, 'q4' -> onnx/model_q4.onnx. */
  dtype?: string;
}
export interface LoadResult {
  /** Device actually used: 'cpu' | 'cuda' | 'dml' | 'coreml'. */
  device: string;
  loadMs: number;
  /** Why a GPU was not used when device was 'auto' (logged and shown). */
  fallbackReason?: string;
}

export interface ClassifyParams {
  modelId: string;
  texts: string[];
  /** Texts per ONNX batch. */
  batchSize?: number;
}
export interface ClassifyResult {
  scores: SentimentScores[];
}

export interface ExplainParams {
  modelId: string;
  text: string;
}
export interface TokenAttribution {
  token: string;
  /** Character span in the original text. */
  start: number;
  end: number;
  /** Change of the predicted label's probability when the token is removed (positive = supports it). */
  weight: number;
}
export interface ExplainResult {
  label: string;
  scores: SentimentScores;
  tokens: TokenAttribution[];
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
}

/** method -> params, result, progress payload */
export interface RequestMap {
  ping: { params: Record<string, never>; result: { pid: number; versions: Record<string, string> }; progress: never };
  load: { params: LoadParams; result: LoadResult; progress: { file: string; loaded: number; total: number } };
  unload: { params: { modelId: string }; result: { unloaded: boolean }; progress: never };
  classify: { params: ClassifyParams; result: ClassifyResult; progress: { done: number; total: number } };
  explain: { params: ExplainParams; result: ExplainResult; progress: never };
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
export type ToWorker = RequestMessage | CancelMessage;

export interface WorkerErrorInfo {
  message: string;
  /** 'cancelled' | 'model-missing' | 'model-corrupt' | 'device-unavailable' | 'bad-request' | 'internal' */
  code: string;
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
export type FromWorker = ResponseMessage | ProgressMessage | LogMessage;

// Messages between the extension host (src/extension/trainClient.ts; lives in src/core/train so both sides share it) and dist/train-worker.js.
// Plain data only (structured clone); every incoming message is checked by the receiver.
import type { EpochInfo, ModelChoice } from './trainer';
import type { ModelKind } from './model';
import type { Candidate } from './trainer';
import type { ColumnProfile } from './infer';
import type { Metrics } from './metrics';
import type { TextFeatures } from './embed';
import type { Importance } from './importance';
import type { ClassWords } from './class-words';
import type { DeviceSetting } from '../types';

export interface TrainSettings {
  target: string;
  features: string[];
  model: ModelChoice;
  testSplit: number;
  validationShare: number;
  seed: number;
  classWeight: 'none' | 'balanced';
  epochs: number;
  batchSize: number;
  /** Absent: the engine's default (0.001 for a network asked for, 0.01 for auto's network), as in the CLI. */
  learningRate?: number;
  hidden: number[];
  dropout: number;
  C: number;
  /** Text columns as TF-IDF n-grams (default), embeddings from the configured model, or both. */
  textFeatures?: TextFeatures;
}

/** Where the worker finds text embedding models (as every model is resolved) and the device to use. */
export interface ModelLookup {
  modelsPath?: string;
  bundledDir: string;
  cacheDir?: string;
  device: DeviceSetting;
  /** productForge.train.embeddingModel: an id or a folder ('' or absent: none configured). */
  embeddingModel?: string;
}

export interface TableInfo {
  file: string;
  rowCount: number;
  columns: ColumnProfile[];
  /** First rows (or an even sample of a large file), as read. */
  preview: string[][];
  previewSampled: boolean;
  delimiter: string;
  hasHeader: boolean;
  proposedTarget: string | null;
  warnings: string[];
}

export interface TrainSummary {
  trainId: number;
  model: ModelKind;
  labels: string[];
  features: string[];
  metrics: Metrics;
  candidates: Candidate[];
  fitSeconds: number;
  /** How much each feature column matters (permutation importance on the held-out rows). */
  importance?: Importance;
  /** With text columns: the words that point to each class. */
  classWords?: ClassWords[];
  trainRows: number;
  testRows: number;
  warnings: string[];
  /** How text columns were featurized, when there were any ('tfidf' | 'embeddings' | 'both'), and the embedding model. */
  textFeatures?: TextFeatures;
  embeddingModel?: string;
  /** Where auto's fold jobs ran: how many there were and how many ran on helper threads (absent without any). */
  foldJobs?: { jobs: number; onHelpers: number };
}

export interface ClassifierSummary {
  dir: string;
  name: string;
  target: string;
  features: string[];
  columns: { name: string; type: string }[];
  labels: string[];
  modelKind: string;
  accuracy: number;
  macroF1: number;
  createdAt: string;
  /** It reads one text column and predicts sentiment labels: it can be Analyze Feedback's model (core/train/sentiment.ts). */
  sentiment: boolean;
}

export type WorkerRequest =
  | { id: number; type: 'inspect'; file: string }
  | { id: number; type: 'propose'; file: string; target: string }
  | { id: number; type: 'train'; file: string; settings: TrainSettings; models?: ModelLookup }
  | { id: number; type: 'cancel'; target: number }
  /** onExisting: when <parent>/<name> exists, 'rename' (default) saves to <name>-n, 'replace' replaces the classifier there. */
  | { id: number; type: 'save'; trainId: number; parent: string; name: string; onExisting?: 'rename' | 'replace' }
  | { id: number; type: 'list'; parent: string }
  | { id: number; type: 'predictFile'; modelDir: string; csv: string; out: string; models?: ModelLookup }
  | { id: number; type: 'predictRows'; modelDir: string; rows: Record<string, string>[]; models?: ModelLookup };

export type WorkerResponse =
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; message: string; kind: 'user' | 'cancelled' | 'internal' }
  | { id: number; type: 'epoch'; epoch: EpochInfo }
  | { id: number; type: 'stage'; stage: string }
  | { id: number; type: 'progress'; stage: string; done: number; total: number }
  /** A line for the output channel (id -1: not tied to a request). */
  | { id: number; type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export function isWorkerResponse(m: unknown): m is WorkerResponse {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  if (typeof o.id !== 'number') return false;
  switch (o.type) {
    case 'result': return 'value' in o;
    case 'error': return typeof o.message === 'string' && ['user', 'cancelled', 'internal'].includes(o.kind as string);
    case 'epoch': return !!o.epoch && typeof o.epoch === 'object';
    case 'stage': return typeof o.stage === 'string';
    case 'progress': return typeof o.stage === 'string' && typeof o.done === 'number' && typeof o.total === 'number';
    case 'log': return typeof o.message === 'string' && ['info', 'warn', 'error'].includes(o.level as string);
    default: return false;
  }
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 4096;

function isLookup(v: unknown): boolean {
  if (v === undefined) return true;
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  const optStr = (x: unknown) => x === undefined || (typeof x === 'string' && x.length < 4096);
  return str(o.bundledDir) && optStr(o.modelsPath) && optStr(o.cacheDir) && optStr(o.embeddingModel) && ['auto', 'cpu', 'gpu'].includes(o.device as string);
}

export function isWorkerRequest(m: unknown): m is WorkerRequest {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  if (typeof o.id !== 'number') return false;
  switch (o.type) {
    case 'inspect': return str(o.file);
    case 'propose': return str(o.file) && str(o.target);
    case 'train': return str(o.file) && !!o.settings && typeof o.settings === 'object' && isLookup(o.models);
    case 'cancel': return typeof o.target === 'number';
    case 'save': return typeof o.trainId === 'number' && str(o.parent) && str(o.name);
    case 'list': return str(o.parent);
    case 'predictFile': return str(o.modelDir) && str(o.csv) && str(o.out) && isLookup(o.models);
    case 'predictRows': return str(o.modelDir) && Array.isArray(o.rows) && o.rows.length <= 1000 && isLookup(o.models);
    default: return false;
  }
}

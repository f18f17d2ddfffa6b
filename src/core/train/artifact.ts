// Saving and loading a classifier folder:
//   model.onnx          preprocessed feature vector -> probabilities (see onnx.ts)
//   preprocessing.json  scalers, imputers, category maps, TF-IDF vocabularies/idf, column order; its version says how
//                       numbers are read (PREPROCESSING_VERSIONS: 1, saved before formatted numbers, reads them as then)
//   metadata.json       columns, target, labels, metrics, date, model kind, settings
// The folder is filled under a temp name and renamed. An existing folder is not replaced: a free name "<name>-2",
// "<name>-3", ... is used instead, unless `replace` asks to replace it, which only a saved classifier (or an empty
// folder) ever is.
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { explainWriteError, replaceDirAtomically, safeName, writeDirAtomically } from '../fsutil';
import { UserError } from '../types';
import { embeddingColumns } from './embed';
import type { ColumnProfile } from './infer';
import type { Metrics } from './metrics';
import type { ModelKind } from './model';
import { networkToOnnx, ONNX_ML_OPSET } from './onnx';
import { PREPROCESSING_VERSIONS, type PreprocessingSpec } from './preprocess';
import type { TrainResult } from './trainer';

export const CLASSIFIERS_DIR = path.join('.product-forge', 'classifiers');

export interface ClassifierMetadata {
  format: 'product-forge-classifier';
  version: 1;
  name: string;
  createdAt: string;
  modelKind: ModelKind;
  target: string;
  features: string[];
  /** Type of every feature column as inferred at training time. */
  columns: { name: string; type: string }[];
  labels: string[];
  metrics: { accuracy: number; macroF1: number; perClass: Metrics['perClass']; confusion: number[][]; rows: number };
  /** Permutation importance of each feature column on the held-out rows (importance.ts); absent in older classifiers. */
  importance?: { rows: number; repeats: number; baselineAccuracy: number; baselineLogLoss: number; columns: { column: string; accuracyDrop: number; sd: number; logLossRise: number }[] };
  /** With text columns: the words that point to each class (class-words.ts). */
  classWords?: { label: string; words: { word: string; column: string; drop: number; rows: number }[] }[];
  trainRows: number;
  testRows: number;
  fitSeconds: number;
  nFeatures: number;
  settings: Record<string, unknown>;
  source?: string;
  warnings: string[];
  /**
   * Text columns read through a sentence-embedding model: outside Product Forge, feed model.onnx the
   * model's mean-pooled, L2-normalised last_hidden_state at those columns' positions (preprocessing.json).
   */
  embedding?: { model: string; sha256: string; dims: number; pooling: 'mean'; normalize: true; columns: string[] };
  /** mlOpset: the ai.onnx.ml opset, for tree models (TreeEnsembleClassifier). */
  onnx: { file: 'model.onnx'; input: string; outputs: string[]; opset: number; mlOpset?: number };
}

export interface LoadedClassifier {
  dir: string;
  metadata: ClassifierMetadata;
  preprocessing: PreprocessingSpec;
  modelPath: string;
}

export interface SaveOptions {
  /** Parent folder; the classifier goes to <parent>/<name>[-n]. */
  parent: string;
  name: string;
  profiles?: ColumnProfile[];
  source?: string;
  signal?: AbortSignal;
  /**
   * When <parent>/<name> exists: 'rename' (default) saves to a free <name>-n; 'replace' replaces the classifier saved
   * there (any other folder is refused); 'refuse' throws a UserError.
   */
  onExisting?: 'rename' | 'replace' | 'refuse';
  /** Use `name` as the folder name as given (the CLI's --save DIR), instead of the slug of a typed name. */
  exactName?: boolean;
  /** The option that chose the folder ('--save', '--name'), named in a write failure's message. */
  flag?: string;
}

/** Throws a UserError unless `dir` is a classifier saved by Product Forge or an empty folder (the only ones ever replaced). */
export async function assertReplaceableClassifierDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fsp.readdir(dir);
  } catch {
    throw new UserError(`${dir} exists and is not a folder`);
  }
  if (!entries.length) return;
  let format: unknown;
  try {
    format = JSON.parse(await fsp.readFile(path.join(dir, 'metadata.json'), 'utf8'))?.format;
  } catch {
    format = undefined;
  }
  if (format !== 'product-forge-classifier') {
    throw new UserError(`${dir} is a folder that is not a saved classifier; it is never replaced: choose another folder`);
  }
  // Replacing swaps the whole folder: files of the user's own in it would go with it.
  const others = entries.filter((n) => !CLASSIFIER_FILES.includes(n) && !SYSTEM_FILES.includes(n));
  if (others.length) {
    throw new UserError(`${dir} also holds ${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}, which replacing the classifier would delete: move them out, or choose another folder`);
  }
}

/** The files of a saved classifier folder. */
const CLASSIFIER_FILES = ['model.onnx', 'preprocessing.json', 'metadata.json'];
/** What file managers leave in any folder (not the user's work). */
const SYSTEM_FILES = ['.DS_Store', 'Thumbs.db', 'desktop.ini'];

/** Writes the classifier folder atomically and returns its path. */
export async function saveClassifier(result: TrainResult, opts: SaveOptions): Promise<string> {
  const c = result.classifier;
  const base = opts.exactName ? opts.name : safeName(opts.name, 'classifier');
  if (!base || base === '.' || base === '..' || /[/\\]/.test(base)) throw new UserError(`"${opts.name}" cannot be a classifier folder name`);
  const refuse = async (dir: string) => {
    throw new UserError(`${dir} already exists; the classifier was not saved over it`);
  };
  const write = (fill: (tmp: string) => Promise<void>) => !opts.onExisting || opts.onExisting === 'rename'
    ? writeDirAtomically(opts.parent, base, fill, opts.signal)
    : replaceDirAtomically(opts.parent, base, fill, opts.onExisting === 'replace' ? assertReplaceableClassifierDir : refuse, opts.signal);
  // a failed write says what could not be written, not a bare "EACCES: permission denied, mkdir ..."
  return write(async (tmp) => {
    const onnx = networkToOnnx(c.network, { target: c.target, labels: JSON.stringify(c.labels) });
    const types = new Map((opts.profiles ?? []).map((p) => [p.name, p.type]));
    const emb = embeddingColumns(c.preprocessing);
    const metadata: ClassifierMetadata = {
      format: 'product-forge-classifier',
      version: 1,
      name: path.basename(base),
      createdAt: new Date().toISOString(),
      modelKind: c.network.kind,
      target: c.target,
      features: c.features,
      columns: [...new Map(c.preprocessing.columns.map((col) => [col.name, { name: col.name, type: types.get(col.name) ?? (col.kind === 'embedding' ? 'text' : col.kind) }])).values()],
      labels: c.labels,
      metrics: {
        accuracy: result.metrics.accuracy,
        macroF1: result.metrics.macroF1,
        perClass: result.metrics.perClass,
        confusion: result.metrics.confusion,
        rows: result.metrics.rows,
      },
      ...(result.importance
        ? { importance: { rows: result.importance.rows, repeats: result.importance.repeats, baselineAccuracy: result.importance.baseline, baselineLogLoss: result.importance.baselineLoss, columns: result.importance.columns.map((x) => ({ column: x.column, accuracyDrop: x.drop, sd: x.sd, logLossRise: x.lossRise })) } }
        : {}),
      ...(result.classWords ? { classWords: result.classWords } : {}),
      trainRows: result.trainRows,
      testRows: result.testRows,
      fitSeconds: result.fitSeconds,
      nFeatures: c.preprocessing.nFeatures,
      settings: c.settings,
      source: opts.source,
      warnings: result.warnings,
      ...(emb.length ? { embedding: { model: emb[0].model, sha256: emb[0].sha256, dims: emb[0].dims, pooling: 'mean' as const, normalize: true as const, columns: emb.map((e) => e.name) } } : {}),
      onnx: { file: 'model.onnx', input: 'features', outputs: ['probabilities', 'label'], opset: 13, ...(c.network.kind === 'rf' || c.network.kind === 'gb' ? { mlOpset: ONNX_ML_OPSET } : {}) },
    };
    await fsp.writeFile(path.join(tmp, 'model.onnx'), onnx);
    await fsp.writeFile(path.join(tmp, 'preprocessing.json'), JSON.stringify(c.preprocessing));
    await fsp.writeFile(path.join(tmp, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
  }).catch((e: unknown) => {
    throw explainWriteError(e, path.join(opts.parent, base), opts.flag);
  });
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * The folder a classifier reference names on the command line: a folder holding preprocessing.json, or a
 * bare name saved by `train --name` / the Train view (.product-forge/classifiers/<name> under `cwd`).
 */
export function savedClassifierDir(ref: string, cwd = process.cwd()): string | undefined {
  const has = (d: string) => existsSync(path.join(d, 'preprocessing.json'));
  const asDir = path.resolve(cwd, ref);
  if (has(asDir)) return asDir;
  if (!/[\\/]/.test(ref) && !ref.startsWith('.')) {
    const named = path.join(cwd, CLASSIFIERS_DIR, ref);
    if (has(named)) return named;
  }
  return undefined;
}

/** Reads and checks a classifier folder; clear messages for anything missing or malformed. */
export async function loadClassifier(dir: string): Promise<LoadedClassifier> {
  const read = async (f: string) => {
    try {
      return await fsp.readFile(path.join(dir, f), 'utf8');
    } catch {
      throw new UserError(`${dir} is not a saved classifier: ${f} is missing (expected model.onnx, preprocessing.json and metadata.json)`);
    }
  };
  let metadata: ClassifierMetadata, preprocessing: PreprocessingSpec;
  try {
    metadata = JSON.parse(await read('metadata.json'));
    preprocessing = JSON.parse(await read('preprocessing.json'));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${dir}: metadata.json or preprocessing.json is not valid JSON (${(e as Error).message})`);
  }
  if (metadata?.format !== 'product-forge-classifier' || !isStringArray(metadata.labels) || typeof metadata.target !== 'string' || !isStringArray(metadata.features)) {
    throw new UserError(`${dir}/metadata.json is not a Product Forge classifier description`);
  }
  if (preprocessing?.format !== 'product-forge-preprocessing' || !(PREPROCESSING_VERSIONS as readonly unknown[]).includes(preprocessing.version) || !Array.isArray(preprocessing.columns) || typeof preprocessing.nFeatures !== 'number') {
    throw new UserError(`${dir}/preprocessing.json is not a Product Forge preprocessing description (or comes from a newer version)`);
  }
  const modelPath = path.join(dir, 'model.onnx');
  try {
    await fsp.access(modelPath);
  } catch {
    throw new UserError(`${dir} is not a saved classifier: model.onnx is missing`);
  }
  return { dir, metadata, preprocessing, modelPath };
}

/** Saved classifiers under a folder (newest first); unreadable folders are skipped. */
export async function listClassifiers(parent: string): Promise<LoadedClassifier[]> {
  let names: string[];
  try {
    names = await fsp.readdir(parent);
  } catch {
    return [];
  }
  const out: LoadedClassifier[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    try {
      out.push(await loadClassifier(path.join(parent, n)));
    } catch {
      /* not a classifier folder */
    }
  }
  return out.sort((a, b) => (b.metadata.createdAt ?? '').localeCompare(a.metadata.createdAt ?? ''));
}

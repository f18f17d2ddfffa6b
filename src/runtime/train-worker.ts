// dist/train-worker.js: classifier training and prediction off the extension-host thread.
// Requests and replies are typed (src/core/train/worker-protocol.ts) and checked on arrival; training
// streams per-epoch metrics; 'cancel' aborts a running request through its AbortController.
import { parentPort } from 'node:worker_threads';
import * as path from 'node:path';
import { fileStamp } from '../core/fsutil';
import { readTable, type Table } from '../core/train/csv';
import { profileTable, proposeFeatures, proposeTarget, type ColumnProfile } from '../core/train/infer';
import { trainClassifier, type TrainResult } from '../core/train/trainer';
import { listClassifiers, saveClassifier } from '../core/train/artifact';
import { sentimentUseProblem } from '../core/train/sentiment';
import { OnnxClassifier, predictFile } from '../core/train/predict';
import { CancelledError, UserError } from '../core/types';
import { createFoldPool, type FoldPool } from './cv-pool';
import type { LoadedEmbedder } from './embedder';
import type { EmbeddingCache, TextFeatures } from '../core/train/embed';
import { isWorkerRequest, type ModelLookup, type ClassifierSummary, type TableInfo, type TrainSummary, type WorkerRequest, type WorkerResponse } from '../core/train/worker-protocol';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');

const post = (m: WorkerResponse) => port.postMessage(m);
const running = new Map<number, AbortController>();
/** The last table read (by file), its profiles and the last trained results (by train request id). */
let cached: { file: string; mtimeMs: number; table: Table; profiles: ColumnProfile[] } | undefined;
const results = new Map<number, { result: TrainResult; profiles: ColumnProfile[]; file: string }>();
/** Loaded classifiers by folder, with the model.onnx stamp they were loaded from (a folder saved anew is loaded again). */
const models = new Map<string, { m: OnnxClassifier; stamp: string }>();
/** Auto's cross-validation folds spread over the cores (helpers start on the first auto training). */
let foldPool: FoldPool | undefined;

async function load(file: string, id: number, signal: AbortSignal) {
  const { stat } = await import('node:fs/promises');
  const st = await stat(file).catch(() => { throw new UserError(`${file} does not exist`); });
  if (cached && cached.file === file && cached.mtimeMs === st.mtimeMs) return cached;
  cached = undefined;
  const table = await readTable(file, { signal, onProgress: (done, total) => post({ id, type: 'progress', stage: 'reading', done, total }) });
  cached = { file, mtimeMs: st.mtimeMs, table, profiles: profileTable(table) };
  return cached;
}

function preview(t: Table, n = 20): { rows: string[][]; sampled: boolean } {
  const sampled = t.rowCount > 5000;
  const idx = sampled ? Array.from({ length: n }, (_, i) => Math.floor((i * t.rowCount) / n)) : Array.from({ length: Math.min(n, t.rowCount) }, (_, i) => i);
  return { rows: idx.map((r) => t.data.map((c) => (c[r].length > 200 ? `${c[r].slice(0, 200)}…` : c[r]))), sampled };
}

/** Text embedding models loaded in this thread, by folder (kept: the next training or prediction reuses them). */
const embedders = new Map<string, Promise<LoadedEmbedder>>();
/** Their vectors, by model sha256: training again (other settings, other features) embeds only new texts. */
const embeddingCaches = new Map<string, EmbeddingCache>();

async function embedderFor(idOrDir: string, lookup: ModelLookup | undefined, signal: AbortSignal, expectSha256?: string): Promise<LoadedEmbedder> {
  if (!lookup) throw new UserError('no text embedding model is available to the training worker');
  const { assertSameModel, findEmbeddingModel, loadTextEmbedder } = await import('./embedder');
  // The host made workspace folders absolute; the worker's current folder means nothing to the user.
  const found = await findEmbeddingModel(idOrDir, { ...lookup, signal, absoluteOnly: true });
  let p = embedders.get(found.modelDir);
  if (!p) {
    p = loadTextEmbedder({ ...found, device: lookup.device, log: (level, message) => post({ id: -1, type: 'log', level, message }) });
    embedders.set(found.modelDir, p);
    p.catch(() => embedders.delete(found.modelDir));
  }
  const e = await p;
  // A model loaded earlier for another classifier: the same check loadTextEmbedder makes on a first load.
  assertSameModel(found.modelDir, e.sha256, expectSha256);
  return e;
}

function cacheFor(sha256: string): EmbeddingCache {
  let c = embeddingCaches.get(sha256);
  if (!c) embeddingCaches.set(sha256, (c = new Map()));
  return c;
}

async function model(dir: string, lookup: ModelLookup | undefined, signal: AbortSignal): Promise<OnnxClassifier> {
  const stamp = fileStamp(path.join(dir, 'model.onnx'));
  const cached = models.get(dir);
  // (one replaced by a folder saved anew is left to the garbage collector: a request may still be using it)
  if (cached?.stamp === stamp) return cached.m;
  // A classifier trained with embeddings names its model: found by id, else the configured one (same sha256).
  const m = await OnnxClassifier.load(dir, {
    embedderFor: async (id, sha256) => {
      try {
        return await embedderFor(id, lookup, signal, sha256);
      } catch (e) {
        if (!(e instanceof UserError) || !lookup?.embeddingModel || lookup.embeddingModel === id) throw e;
        return embedderFor(lookup.embeddingModel, lookup, signal, sha256);
      }
    },
  });
  models.set(dir, { m, stamp });
  return m;
}

async function handle(req: WorkerRequest, signal: AbortSignal): Promise<unknown> {
  switch (req.type) {
    case 'inspect': {
      const c = await load(req.file, req.id, signal);
      const p = preview(c.table);
      const info: TableInfo = {
        file: req.file, rowCount: c.table.rowCount, columns: c.profiles, preview: p.rows, previewSampled: p.sampled,
        delimiter: c.table.dialect.delimiter, hasHeader: c.table.dialect.hasHeader, proposedTarget: proposeTarget(c.profiles) ?? null, warnings: c.table.warnings,
      };
      return info;
    }
    case 'propose': {
      const c = await load(req.file, req.id, signal);
      if (!c.table.columns.includes(req.target)) throw new UserError(`column '${req.target}' is not in ${path.basename(req.file)}`);
      return proposeFeatures(c.table, c.profiles, req.target);
    }
    case 'train': {
      const c = await load(req.file, req.id, signal);
      const s = req.settings;
      const textFeatures = s.textFeatures ?? 'tfidf';
      let embedder: LoadedEmbedder | undefined;
      if (textFeatures !== 'tfidf') {
        if (!req.models?.embeddingModel) throw new UserError('Text features "embeddings" need a local embedding model: set productForge.train.embeddingModel to its id (under productForge.modelsPath) or folder.');
        post({ id: req.id, type: 'stage', stage: `loading the embedding model ${req.models.embeddingModel}` });
        embedder = await embedderFor(req.models.embeddingModel, req.models, signal);
        if (embedder.fallbackReason) post({ id: -1, type: 'log', level: 'info', message: `GPU not used for ${embedder.modelId}: ${embedder.fallbackReason}` });
      }
      foldPool ??= createFoldPool();
      foldPool.resetStats();
      const result = await trainClassifier(c.table, {
        target: s.target, features: s.features, model: s.model, testSplit: s.testSplit, validationShare: s.validationShare, seed: s.seed,
        classWeight: s.classWeight, epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, hidden: s.hidden, dropout: s.dropout, C: s.C,
        textFeatures, embedder,
        embeddingCache: embedder ? cacheFor(embedder.sha256) : undefined,
        signal, foldRunner: foldPool.run,
        onEpoch: (epoch) => post({ id: req.id, type: 'epoch', epoch }),
        onStage: (stage) => post({ id: req.id, type: 'stage', stage }),
      }, c.profiles);
      results.clear(); // keep only the latest model in memory
      results.set(req.id, { result, profiles: c.profiles, file: req.file });
      const summary: TrainSummary = {
        trainId: req.id, model: result.classifier.network.kind, labels: result.classifier.labels, features: result.classifier.features,
        metrics: result.metrics, candidates: result.candidates, fitSeconds: result.fitSeconds, trainRows: result.trainRows, testRows: result.testRows, warnings: result.warnings,
        ...(foldPool.stats.jobs ? { foldJobs: foldPool.stats } : {}),
        ...(result.importance ? { importance: result.importance } : {}),
        ...(result.classWords ? { classWords: result.classWords } : {}),
        ...(result.classifier.settings.textFeatures ? { textFeatures: result.classifier.settings.textFeatures as TextFeatures } : {}),
        ...(embedder && result.classifier.settings.embeddingModel ? { embeddingModel: embedder.modelId } : {}),
      };
      return summary;
    }
    case 'save': {
      const r = results.get(req.trainId);
      if (!r) throw new UserError('that training result is no longer available; train again, then save');
      return { dir: await saveClassifier(r.result, { parent: req.parent, name: req.name, profiles: r.profiles, source: r.file, signal, onExisting: req.onExisting === 'replace' ? 'replace' : 'rename' }) };
    }
    case 'list': {
      const list = await listClassifiers(req.parent);
      return list.map((c): ClassifierSummary => ({
        dir: c.dir, name: path.basename(c.dir), target: c.metadata.target, features: c.metadata.features, columns: c.metadata.columns ?? [],
        labels: c.metadata.labels, modelKind: c.metadata.modelKind, accuracy: c.metadata.metrics?.accuracy ?? NaN, macroF1: c.metadata.metrics?.macroF1 ?? NaN, createdAt: c.metadata.createdAt,
        sentiment: !sentimentUseProblem(c),
      }));
    }
    case 'predictFile': {
      const m = await model(req.modelDir, req.models, signal);
      return predictFile(m, req.csv, req.out, { signal, outFlag: 'output file', writeAdvice: 'the predictions are written next to the CSV; copy it to a folder you can write to', onProgress: (stage, done, total) => post({ id: req.id, type: 'progress', stage, done, total }) });
    }
    case 'predictRows': {
      const m = await model(req.modelDir, req.models, signal);
      return m.predictRecords(req.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [String(k), String(v)]))));
    }
    case 'cancel':
      running.get(req.target)?.abort();
      return true;
  }
}

port.on('message', async (msg: unknown) => {
  if (!isWorkerRequest(msg)) {
    const id = msg && typeof msg === 'object' && typeof (msg as { id?: unknown }).id === 'number' ? (msg as { id: number }).id : -1;
    post({ id, type: 'error', message: 'malformed request to the training worker', kind: 'internal' });
    return;
  }
  const ac = new AbortController();
  if (msg.type !== 'cancel') running.set(msg.id, ac);
  try {
    const value = await handle(msg, ac.signal);
    post({ id: msg.id, type: 'result', value });
  } catch (e) {
    if (e instanceof CancelledError || ac.signal.aborted) post({ id: msg.id, type: 'error', message: 'Cancelled', kind: 'cancelled' });
    else if (e instanceof UserError) post({ id: msg.id, type: 'error', message: e.message, kind: 'user' });
    else post({ id: msg.id, type: 'error', message: (e as Error)?.stack ?? String(e), kind: 'internal' });
  } finally {
    running.delete(msg.id);
  }
});

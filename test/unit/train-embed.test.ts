// Text embeddings as classifier features (src/core/train/embed.ts, the 'embedding' preprocessing column):
// how vectors reach the feature rows, what is recorded, and what is refused. The embedder here is a small
// deterministic one (character-trigram hashing, L2-normalised) so the expected rows can be computed; the
// real model path (transformers.js, the tiny random BERT fixture) is in test/integration/embeddings.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromRecords } from '../../src/core/train/csv';
import { embedColumns, type TextEmbedder } from '../../src/core/train/embed';
import { profileTable } from '../../src/core/train/infer';
import { fitPreprocessing, Preprocessor } from '../../src/core/train/preprocess';
import { predictTable, trainClassifier } from '../../src/core/train/trainer';
import { saveClassifier } from '../../src/core/train/artifact';
import { OnnxClassifier } from '../../src/core/train/predict';
import { UserError } from '../../src/core/types';
import { csrToDense } from '../../src/core/train/sparse';
import { parseSettings, parseToView } from '../../src/webview/train/protocol';
import { isWorkerRequest } from '../../src/core/train/worker-protocol';

const DIMS = 8;

/** Character trigrams hashed into DIMS buckets, L2-normalised: similar texts get similar vectors. */
function trigramVector(text: string): Float32Array {
  const v = new Float32Array(DIMS);
  const s = ` ${text.toLowerCase()} `;
  for (let i = 0; i + 3 <= s.length; i++) {
    let h = 2166136261;
    for (let k = i; k < i + 3; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
    v[(h >>> 0) % DIMS] += 1;
  }
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

function trigramEmbedder(sha256 = 'a'.repeat(64)): TextEmbedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    modelId: 'trigram-test', sha256, dims: DIMS, calls,
    embed: async (texts) => {
      calls.push([...texts]);
      return texts.map(trigramVector);
    },
  };
}

const COMMENTS = ['app crashes on login', 'love the new dashboard', 'refund please, charged twice', 'great support team', 'sync is slow', 'love it'];
const WHEN = ['today', 'again', 'this week', 'since the update', 'every morning', 'on my phone', 'at work'];

/** A free-text comment column (distinct enough to be inferred as text; every 11th row empty, some repeated). */
function table(n: number) {
  const recs = Array.from({ length: n }, (_, i) => {
    const c = COMMENTS[i % COMMENTS.length];
    const bad = /crash|refund|slow/.test(c);
    return [String(i % 7), i % 11 === 0 ? '' : `${c} ${WHEN[Math.floor(i / 6) % WHEN.length]}`, bad ? 'churn' : 'stay'];
  });
  return tableFromRecords(['visits', 'comment', 'label'], recs);
}

describe('train: text embeddings as features', () => {
  it('puts each row\'s vector at the embedding columns, zeros for an empty cell, next to the TF-IDF block', async () => {
    const t = table(60);
    const profiles = profileTable(t);
    const e = trigramEmbedder();
    const rows = Int32Array.from({ length: 60 }, (_, i) => i);
    const spec = fitPreprocessing(t, rows, ['visits', 'comment'], profiles, { textFeatures: 'both', embedding: { modelId: e.modelId, sha256: e.sha256, dims: e.dims } });
    assert.deepEqual(spec.columns.map((c) => c.kind), ['numeric', 'text', 'embedding']);
    const pre = new Preprocessor(spec);
    assert.deepEqual(pre.inputColumns, ['visits', 'comment']);
    assert.ok(pre.usesEmbeddings);
    const embedded = await embedColumns(spec, [{ table: t, rows }], e);
    // Distinct non-empty texts only, each once.
    assert.deepEqual(e.calls.flat().sort(), [...new Set(t.data[1].filter(Boolean))].sort());
    assert.ok(e.calls.flat().length < t.data[1].filter(Boolean).length, 'repeated texts are embedded once');
    const X = csrToDense(pre.transform(t, rows, undefined, embedded));
    const D = spec.nFeatures;
    const off = D - DIMS;
    assert.equal(pre.featureNames()[off], 'comment:embedding:0');
    for (let r = 0; r < 60; r++) {
      const text = t.data[1][r];
      const want = text ? trigramVector(text) : new Float32Array(DIMS);
      for (let d = 0; d < DIMS; d++) assert.ok(Math.abs(X[r * D + off + d] - want[d]) < 1e-6, `row ${r} dim ${d}`);
    }
    // A cache of the same model's vectors: nothing is embedded again, the rows are the same.
    const cache = new Map<string, Float32Array>();
    const stats = { embedded: 0, cached: 0 };
    await embedColumns(spec, [{ table: t, rows }], e, { cache, stats });
    const distinct = new Set(t.data[1].filter(Boolean)).size;
    assert.deepEqual(stats, { embedded: distinct, cached: 0 });
    assert.equal(cache.size, distinct);
    const calls = e.calls.length;
    const again = await embedColumns(spec, [{ table: t, rows }], e, { cache, stats });
    assert.equal(e.calls.length, calls, 'cached texts are not embedded again');
    assert.deepEqual(stats, { embedded: 0, cached: distinct });
    assert.deepEqual(csrToDense(pre.transform(t, rows, undefined, again)), X);
    // Embeddings only: no TF-IDF block.
    const only = fitPreprocessing(t, rows, ['comment'], profiles, { textFeatures: 'embeddings', embedding: { modelId: e.modelId, sha256: e.sha256, dims: e.dims } });
    assert.deepEqual(only.columns.map((c) => c.kind), ['embedding']);
    assert.equal(only.nFeatures, DIMS);
  });

  it('refuses a missing or different embedding model, and rows that were not embedded', async () => {
    const t = table(12);
    const profiles = profileTable(t);
    const e = trigramEmbedder();
    const rows = Int32Array.from({ length: 12 }, (_, i) => i);
    const spec = fitPreprocessing(t, rows, ['comment'], profiles, { textFeatures: 'embeddings', embedding: { modelId: e.modelId, sha256: e.sha256, dims: e.dims } });
    await assert.rejects(embedColumns(spec, [{ table: t }], undefined), (err: unknown) => err instanceof UserError && /through the text embedding model trigram-test/.test(err.message));
    await assert.rejects(embedColumns(spec, [{ table: t }], trigramEmbedder('b'.repeat(64))), (err: unknown) => err instanceof UserError && /same model the classifier was trained with/.test(err.message));
    assert.throws(() => new Preprocessor(spec).transform(t, rows), /embedColumns must run/);
    assert.throws(() => fitPreprocessing(t, rows, ['comment'], profiles, { textFeatures: 'embeddings' }), /need a text embedding model/);
  });

  it('trains with embeddings, records the model, and the saved ONNX predicts what the in-process model does', async () => {
    const t = table(120);
    const e = trigramEmbedder();
    const r = await trainClassifier(t, { target: 'label', features: ['visits', 'comment'], model: 'logreg', textFeatures: 'both', embedder: e });
    assert.equal(r.classifier.settings.textFeatures, 'both');
    assert.equal(r.classifier.settings.embeddingModel, 'trigram-test');
    assert.ok(r.metrics.accuracy >= 0.9, `accuracy ${r.metrics.accuracy}`);
    await assert.rejects(trainClassifier(t, { target: 'label', textFeatures: 'embeddings' }), /need a text embedding model/);
    // Embeddings asked for, but no text feature: said, not silently ignored.
    const numeric = await trainClassifier(t, { target: 'label', features: ['visits'], model: 'logreg', textFeatures: 'embeddings', embedder: e });
    assert.ok(numeric.warnings.some((w) => /no text column among the features, so nothing was embedded/.test(w)), numeric.warnings.join(' | '));

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-embed-'));
    try {
      const saved = await saveClassifier(r, { parent: dir, name: 'emb', profiles: profileTable(t) });
      const meta = JSON.parse(await fs.readFile(path.join(saved, 'metadata.json'), 'utf8'));
      assert.deepEqual(meta.embedding, { model: 'trigram-test', sha256: e.sha256, dims: DIMS, pooling: 'mean', normalize: true, columns: ['comment'] });
      assert.deepEqual(meta.columns.map((c: { name: string }) => c.name), ['visits', 'comment']);
      await assert.rejects(OnnxClassifier.load(saved), (err: unknown) => err instanceof UserError && /embedding model trigram-test/.test(err.message));
      let asked: string[] = [];
      const clf = await OnnxClassifier.load(saved, { embedderFor: async (model, sha) => { asked = [model, sha]; return e; } });
      try {
        assert.deepEqual(asked, ['trigram-test', e.sha256]);
        const onnx = await clf.predictProba(t);
        const local = predictTable(r.classifier, t, undefined, await embedColumns(r.classifier.preprocessing, [{ table: t }], e)).proba;
        let diff = 0;
        for (let i = 0; i < local.length; i++) diff = Math.max(diff, Math.abs(onnx[i] - local[i]));
        assert.ok(diff < 1e-5, `ONNX vs in-process: ${diff}`);
        const [p] = await clf.predictRecords([{ visits: '3', comment: 'the app crashes after login' }]);
        assert.equal(p.label, 'churn');
      } finally {
        await clf.dispose();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('the Train view protocol carries the text features choice and the configured model', () => {
    const base = { target: 'y', features: ['a'], model: 'auto', testSplit: 0.2, validationShare: 0.1, seed: 0, classWeight: 'none', epochs: 10, batchSize: 20, learningRate: 0.001, hidden: [64], dropout: 0.1, C: 1 };
    assert.equal(parseSettings({ ...base, textFeatures: 'both' })?.textFeatures, 'both');
    assert.equal(parseSettings(base)?.textFeatures, 'tfidf');
    assert.equal(parseSettings({ ...base, textFeatures: 'word2vec' }), undefined);
    assert.deepEqual(parseToView({ type: 'embedding', model: 'Xenova/all-MiniLM-L6-v2' }), { type: 'embedding', model: 'Xenova/all-MiniLM-L6-v2' });
    assert.deepEqual(parseToView({ type: 'embedding', model: null }), { type: 'embedding', model: null });
    assert.equal(parseToView({ type: 'embedding', model: 3 }), undefined);
    // Restricted Mode: the workspace's model is ignored, and the view says so instead of "set one"
    assert.deepEqual(parseToView({ type: 'embedding', model: null, ignored: true }), { type: 'embedding', model: null, ignored: true });
    assert.deepEqual(parseToView({ type: 'embedding', model: null, ignored: false }), { type: 'embedding', model: null });
    assert.equal(parseToView({ type: 'embedding', model: null, ignored: 'yes' }), undefined);
    const models = { bundledDir: '/ext/models', device: 'auto', embeddingModel: 'm' };
    assert.ok(isWorkerRequest({ id: 1, type: 'train', file: '/w/a.csv', settings: base, models }));
    assert.ok(isWorkerRequest({ id: 1, type: 'predictRows', modelDir: '/w/c', rows: [], models }));
    assert.equal(isWorkerRequest({ id: 1, type: 'train', file: '/w/a.csv', settings: base, models: { ...models, device: 'tpu' } }), false);
    assert.equal(isWorkerRequest({ id: 1, type: 'predictFile', modelDir: '/w/c', csv: '/w/a.csv', out: '/w/o.csv', models: { device: 'cpu' } }), false);
  });
});

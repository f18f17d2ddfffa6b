// Text embeddings from a real local model: the tiny random-weight BERT in test/fixtures/models/tiny-random-embedder
// (scripts/models/make_tiny_embedder.py; its reference.json holds PyTorch's mean-pooled, normalised vectors) run
// through transformers.js by src/runtime/embedder.ts, then used as classifier features by the CLI (train / predict)
// and by dist/train-worker.js (the Train view's path). Random weights: these tests check the path, not quality.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { findEmbeddingModel, loadTextEmbedder } from '../../src/runtime/embedder';
import { runPredict, runTrain } from '../../src/cli/train';
import { TrainClient } from '../../src/extension/trainClient';
import type { ClassifierSummary, TrainSummary } from '../../src/core/train/worker-protocol';
import { OnnxClassifier, type Prediction } from '../../src/core/train/predict';
import { UserError } from '../../src/core/types';
import { quietly } from '../unit/train.helpers';

const root = path.resolve(__dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'models');
const modelDir = path.join(fixtures, 'tiny-random-embedder');
const decoderDir = path.join(fixtures, 'tiny-random-decoder');
const customers = path.join(root, 'test', 'fixtures', 'e2e-train', 'customers.csv');
const newCustomers = path.join(root, 'test', 'fixtures', 'e2e-train', 'new-customers.csv');
const workerJs = path.join(root, 'dist', 'train-worker.js');

describe('text embeddings with a real local model (tiny random BERT)', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-emb-int-'));
  });
  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives the vectors PyTorch computed (mean over the attention mask, L2-normalised), batched or alone', async () => {
    const ref = JSON.parse(readFileSync(path.join(modelDir, 'reference.json'), 'utf8')) as { texts: string[]; embeddings: number[][]; dims: number };
    const e = await loadTextEmbedder({ modelId: 'tiny-random-embedder', modelDir, device: 'cpu' });
    try {
      assert.equal(e.dims, ref.dims);
      assert.equal(e.device, 'cpu');
      assert.match(e.sha256, /^[0-9a-f]{64}$/);
      const batch = await e.embed(ref.texts);
      let diff = 0;
      batch.forEach((v, i) => v.forEach((x, d) => (diff = Math.max(diff, Math.abs(x - ref.embeddings[i][d])))));
      assert.ok(diff < 1e-5, `max difference from reference.json: ${diff}`);
      // Padding in a batch does not change a text's vector.
      const [alone] = await e.embed([ref.texts[0]]);
      assert.ok(alone.every((x, d) => Math.abs(x - batch[0][d]) < 1e-5));
      // A text longer than the model's 128 positions is truncated, not an error.
      const [long] = await e.embed(['the app crashes when I open a large project and sync keeps failing '.repeat(40)]);
      assert.ok(Math.abs(Math.hypot(...long) - 1) < 1e-5);
    } finally {
      await e.dispose();
    }
    // A classifier's recorded sha256 refuses another model before it is loaded.
    await assert.rejects(loadTextEmbedder({ modelId: 'x', modelDir: decoderDir, device: 'cpu', expectSha256: 'f'.repeat(64) }), (err: unknown) => err instanceof UserError && /not the embedding model the classifier was trained with/.test(err.message));
  });

  it('finds a model by folder or by id under the models path, and says where it looked otherwise', async () => {
    assert.deepEqual(await findEmbeddingModel(modelDir, { bundledDir: path.join(root, 'models') }), { modelId: 'tiny-random-embedder', modelDir });
    assert.deepEqual(await findEmbeddingModel('tiny-random-embedder', { modelsPath: fixtures, bundledDir: path.join(root, 'models') }), { modelId: 'tiny-random-embedder', modelDir });
    await assert.rejects(findEmbeddingModel('no-such-embedder', { bundledDir: path.join(root, 'models') }), (err: unknown) => err instanceof UserError && /text embedding model "no-such-embedder" not found/.test(err.message));
  });

  it('CLI: train --text-features both --embedding-model DIR saves the model reference; predict finds it by id or refuses another', async () => {
    const save = path.join(dir, 'churn-emb');
    const r = await quietly(() => runTrain([customers, '--target', 'churned', '--model', 'logreg', '--text-features', 'both', '--embedding-model', modelDir, '--device', 'cpu', '--save', save, '--json']));
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.ok(json.accuracy > 0.5 && json.accuracy <= 1, `accuracy ${json.accuracy}`);
    const meta = JSON.parse(await fs.readFile(path.join(save, 'metadata.json'), 'utf8'));
    assert.equal(meta.embedding.model, 'tiny-random-embedder');
    assert.deepEqual(meta.embedding.columns, ['last_comment']);
    assert.equal(meta.settings.textFeatures, 'both');
    const pre = JSON.parse(await fs.readFile(path.join(save, 'preprocessing.json'), 'utf8'));
    assert.deepEqual(pre.columns.filter((c: { name: string }) => c.name === 'last_comment').map((c: { kind: string }) => c.kind), ['text', 'embedding']);

    // Found by id under --models-path; the input is never modified.
    const before = await fs.readFile(newCustomers, 'utf8');
    const out = path.join(dir, 'pred.csv');
    const p = await quietly(() => runPredict([save, newCustomers, '--out', out, '--models-path', fixtures, '--device', 'cpu']));
    assert.equal(p.code, 0, p.err);
    const lines = (await fs.readFile(out, 'utf8')).trim().split('\n');
    assert.equal(lines.length, before.trim().split('\n').length);
    assert.match(lines[0], /,prediction,confidence$/);
    assert.equal(await fs.readFile(newCustomers, 'utf8'), before);

    // Not found, or another model: a clear error, no output file.
    const missing = await quietly(() => runPredict([save, newCustomers, '--out', path.join(dir, 'p2.csv'), '--device', 'cpu']));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /text embedding model "tiny-random-embedder" not found/);
    const other = await quietly(() => runPredict([save, newCustomers, '--out', path.join(dir, 'p3.csv'), '--embedding-model', decoderDir, '--device', 'cpu']));
    assert.equal(other.code, 2);
    assert.match(other.err, /not the embedding model the classifier was trained with/);
    assert.ok(!existsSync(path.join(dir, 'p2.csv')) && !existsSync(path.join(dir, 'p3.csv')));
    // Embeddings without a model are refused up front.
    const noModel = await quietly(() => runTrain([customers, '--target', 'churned', '--text-features', 'embeddings']));
    assert.equal(noModel.code, 2);
    assert.match(noModel.err, /needs --embedding-model/);
  });

  describe('through the training worker (the Train view\'s path)', function () {
    let client: TrainClient;
    const logs: string[] = [];
    before(function () {
      if (!existsSync(workerJs)) {
        console.log(`    (skipped: ${workerJs} not built; run npm run build)`);
        this.skip();
      }
      client = new TrainClient(workerJs, (m) => logs.push(m));
    });
    after(() => client?.dispose());

    it('trains on embeddings only with the configured model, saves, and predicts a typed row', async () => {
      const models = { bundledDir: path.join(root, 'models'), modelsPath: fixtures, device: 'cpu' as const, embeddingModel: 'tiny-random-embedder' };
      const settings = { target: 'churned', features: ['last_comment'], model: 'logreg' as const, testSplit: 0.2, validationShare: 0.1, seed: 0, classWeight: 'none' as const, epochs: 10, batchSize: 32, learningRate: 0.001, hidden: [16], dropout: 0.1, C: 1 };
      const stages: string[] = [];
      const summary = await client.request<TrainSummary>({ type: 'train', file: customers, settings: { ...settings, textFeatures: 'embeddings' }, models }, { onStage: (s) => stages.push(s) }).done;
      assert.ok(stages.some((s) => /^embedded \d+ distinct texts with tiny-random-embedder \(32 values each\)/.test(s)), stages.join(' | '));
      assert.ok(summary.metrics.accuracy > 0 && summary.metrics.accuracy <= 1);
      assert.equal(summary.textFeatures, 'embeddings');
      assert.equal(summary.embeddingModel, 'tiny-random-embedder');
      const { dir: saved } = await client.request<{ dir: string }>({ type: 'save', trainId: summary.trainId, parent: dir, name: 'worker-emb' }).done;
      const list = await client.request<ClassifierSummary[]>({ type: 'list', parent: dir }).done;
      assert.ok(list.some((c) => c.dir === saved));
      const rows = [{ last_comment: 'support never answers, thinking about cancelling' }, { last_comment: 'love the dashboard after onboarding' }, { last_comment: '' }];
      const fromWorker = await client.request<Prediction[]>({ type: 'predictRows', modelDir: saved, rows, models }).done;
      // The same classifier and model in this thread give the same probabilities: the worker embedded the typed
      // texts with the recorded model (an empty text is the zero vector), not something else.
      const e = await loadTextEmbedder({ modelId: 'tiny-random-embedder', modelDir, device: 'cpu' });
      const here = await OnnxClassifier.load(saved, { embedderFor: async () => e });
      try {
        const local = await here.predictRecords(rows);
        assert.deepEqual(fromWorker.map((p) => p.label), local.map((p) => p.label));
        fromWorker.forEach((p, i) => p.probabilities.forEach((x, k) => assert.ok(Math.abs(x - local[i].probabilities[k]) < 1e-5, `row ${i} class ${k}: ${x} vs ${local[i].probabilities[k]}`)));
        // The rows differ in what the model sees, so their probabilities differ too.
        assert.notEqual(local[0].probabilities[0].toFixed(6), local[1].probabilities[0].toFixed(6));
      } finally {
        await here.dispose();
        await e.dispose();
      }
      // Training again (another model kind) reuses the vectors: no text is embedded twice.
      const again: string[] = [];
      await client.request<TrainSummary>({ type: 'train', file: customers, settings: { ...settings, model: 'rf', textFeatures: 'embeddings' }, models }, { onStage: (s) => again.push(s) }).done;
      assert.ok(again.some((s) => /^embedded 0 distinct texts .*; \d+ more from earlier runs$/.test(s)), again.join(' | '));
      // No model configured: a clear message, not a crash.
      await assert.rejects(
        client.request({ type: 'train', file: customers, settings: { ...settings, textFeatures: 'both' }, models: { ...models, embeddingModel: undefined } }).done,
        (err: unknown) => err instanceof UserError && /set productForge\.train\.embeddingModel/.test(err.message),
      );
    });
  });
});

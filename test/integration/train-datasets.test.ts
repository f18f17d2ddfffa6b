// Training on shared public datasets, in-process and through dist/train-worker.js (the panel's path).
// Skips with a message when ../shared/datasets (relative to the repo root) or the worker bundle is missing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTable, takeRows } from '../../src/core/train/csv';
import { saveClassifier } from '../../src/core/train/artifact';
import { predictFile } from '../../src/core/train/predict';
import { onnxLabelsAreArgmax } from '../unit/train.helpers';
import { trainClassifier, type EpochInfo } from '../../src/core/train/trainer';
import { TrainClient } from '../../src/extension/trainClient';
import type { ClassifierSummary, TableInfo, TrainSummary } from '../../src/core/train/worker-protocol';
import type { Prediction } from '../../src/core/train/predict';
import { CancelledError } from '../../src/core/types';

const root = path.resolve(__dirname, '..', '..');
const datasets = path.resolve(root, '..', 'shared', 'datasets');
const titanic = path.join(datasets, 'titanic', 'titanic.csv');
const car = path.join(datasets, 'car_evaluation', 'car.data');
const workerJs = path.join(root, 'dist', 'train-worker.js');

describe('train integration: shared datasets', function () {
  before(function () {
    if (!existsSync(titanic) || !existsSync(car)) {
      console.log(`    (skipped: shared datasets not found at ${datasets})`);
      this.skip();
    }
  });

  it('titanic: logistic regression reaches a sane accuracy with the default feature selection', async () => {
    const t = await readTable(titanic);
    const r = await trainClassifier(t, { target: 'Survived', model: 'logreg', seed: 0 });
    assert.ok(r.metrics.accuracy > 0.76, `accuracy ${r.metrics.accuracy}`);
    assert.ok(!r.classifier.features.includes('PassengerId'));
    assert.ok(r.excluded.some((e) => e.name === 'PassengerId'));
  });

  it('car evaluation (no header): auto reaches > 90%', async () => {
    const t = await readTable(car);
    assert.equal(t.columns[0], 'c0');
    const r = await trainClassifier(t, { target: 'c6', seed: 0 });
    assert.ok(r.metrics.accuracy > 0.9, `accuracy ${r.metrics.accuracy}`);
  });

  it('car evaluation (no header): a one-line prediction file without a header is predicted, not refused as "only a header"', async () => {
    const t = await readTable(car);
    const r = await trainClassifier(t, { target: 'c6', model: 'logreg', seed: 0 });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-car-'));
    try {
      const saved = await saveClassifier(r, { parent: dir, name: 'car' });
      const first = (await fs.readFile(car, 'utf8')).split('\n')[0].trim();
      for (const [name, line] of [['six.data', first.split(',').slice(0, 6).join(',')], ['seven.data', first]]) {
        const one = path.join(dir, name);
        await fs.writeFile(one, `${line}\n`);
        const out = path.join(dir, `${name}.csv`);
        const res = await predictFile(saved, one, out);
        assert.equal(res.rows, 1, name);
        const lines = (await fs.readFile(out, 'utf8')).trim().split('\n');
        assert.equal(lines.length, 2);
        assert.ok(r.classifier.labels.includes(lines[1].split(',').at(-2)!), lines[1]);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('titanic: the random forest ONNX label output is argmax(probabilities) on the held-out rows', async () => {
    const t = await readTable(titanic);
    const idx = Array.from({ length: t.rowCount }, (_, i) => i);
    const r = await trainClassifier(takeRows(t, idx.slice(0, 700)), { target: 'Survived', model: 'rf', seed: 0, testTable: takeRows(t, idx.slice(700)) });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-tt-'));
    try {
      const saved = await saveClassifier(r, { parent: dir, name: 'tt-rf' });
      const counts = await onnxLabelsAreArgmax(saved, takeRows(t, idx.slice(700)));
      assert.ok(counts[0] > 50 && counts[1] > 30, counts.join(', '));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  describe('through the training worker', function () {
    let client: TrainClient;
    let dir: string;
    before(async function () {
      if (!existsSync(workerJs)) {
        console.log(`    (skipped: ${workerJs} not built; run npm run build)`);
        this.skip();
      }
      client = new TrainClient(workerJs, () => undefined);
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-int-'));
    });
    after(async () => {
      await client?.dispose();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it('inspects, trains with epoch events, saves, lists and predicts', async () => {
      const info = await client.request<TableInfo>({ type: 'inspect', file: titanic }).done;
      assert.equal(info.rowCount, 891);
      assert.equal(info.proposedTarget, 'Survived');
      assert.equal(info.preview.length, 20);
      const sel = await client.request<{ features: string[] }>({ type: 'propose', file: titanic, target: 'Survived' }).done;
      const epochs: EpochInfo[] = [];
      const summary = await client.request<TrainSummary>({
        type: 'train', file: titanic,
        settings: { target: 'Survived', features: sel.features, model: 'mlp', testSplit: 0.2, validationShare: 0.1, seed: 0, classWeight: 'none', epochs: 40, batchSize: 64, learningRate: 0.003, hidden: [32], dropout: 0.1, C: 1 },
      }, { onEpoch: (e) => epochs.push(e) }).done;
      assert.ok(epochs.length >= 3 && epochs.every((e) => e.model === 'mlp'));
      assert.ok(summary.metrics.accuracy > 0.74, `accuracy ${summary.metrics.accuracy}`);
      const { dir: saved } = await client.request<{ dir: string }>({ type: 'save', trainId: summary.trainId, parent: dir, name: 'titanic' }).done;
      const list = await client.request<ClassifierSummary[]>({ type: 'list', parent: dir }).done;
      assert.deepEqual(list.map((c) => c.dir), [saved]);
      const row = { Pclass: '1', Name: 'Smith, Mrs. Jane', Sex: 'female', Age: '30', SibSp: '0', Parch: '0', Fare: '80', Embarked: 'C' };
      const [p] = await client.request<Prediction[]>({ type: 'predictRows', modelDir: saved, rows: [row] }).done;
      assert.equal(p.label, '1');
      const out = path.join(dir, 'titanic.predictions.csv');
      const r = await client.request<{ rows: number }>({ type: 'predictFile', modelDir: saved, csv: titanic, out }).done;
      assert.equal(r.rows, 891);
      // saved again under the same name: a new folder by default, the same one when the user chose Replace
      const { dir: second } = await client.request<{ dir: string }>({ type: 'save', trainId: summary.trainId, parent: dir, name: 'titanic' }).done;
      assert.equal(path.basename(second), 'titanic-2');
      const before = JSON.parse(await fs.readFile(path.join(saved, 'metadata.json'), 'utf8')).createdAt;
      const { dir: replaced } = await client.request<{ dir: string }>({ type: 'save', trainId: summary.trainId, parent: dir, name: 'titanic', onExisting: 'replace' }).done;
      assert.equal(replaced, saved);
      assert.notEqual(JSON.parse(await fs.readFile(path.join(saved, 'metadata.json'), 'utf8')).createdAt, before);
      assert.deepEqual((await client.request<ClassifierSummary[]>({ type: 'list', parent: dir }).done).map((c) => path.basename(c.dir)).sort(), ['titanic', 'titanic-2']);
      assert.match((await fs.readFile(out, 'utf8')).split('\n')[0], /,prediction,confidence$/);
    });

    it('stopping the worker in the middle of a prediction (deactivation) leaves no output and no temp file', async () => {
      const tbl = await readTable(titanic);
      const r = await trainClassifier(tbl, { target: 'Survived', features: ['Pclass', 'Sex', 'Age', 'Fare'], model: 'logreg', seed: 0 });
      const saved = await saveClassifier(r, { parent: dir, name: 'stop-model' });
      // a file big enough to be predicted in many chunks
      const lines = (await fs.readFile(titanic, 'utf8')).trim().split('\n');
      const big = path.join(dir, 'stop-big.csv');
      await fs.writeFile(big, [lines[0], ...Array.from({ length: 300 }, () => lines.slice(1)).flat()].join('\n') + '\n');
      const own = new TrainClient(workerJs, () => undefined);
      let stopped: Promise<void> | undefined;
      const req = own.request<{ rows: number }>({ type: 'predictFile', modelDir: saved, csv: big, out: path.join(dir, 'stop-big.predictions.csv') }, {
        onProgress: () => { stopped ??= own.dispose(); },
      });
      await assert.rejects(req.done, CancelledError);
      await stopped;
      assert.deepEqual((await fs.readdir(dir)).filter((n) => n.startsWith('stop-big.predictions') || n.startsWith('.stop-big')), []);
    });

    it('cancels a running training and keeps nothing', async () => {
      const req = client.request<TrainSummary>({
        type: 'train', file: titanic,
        settings: { target: 'Survived', features: ['Pclass', 'Sex', 'Age', 'Fare'], model: 'mlp', testSplit: 0.2, validationShare: 0.1, seed: 0, classWeight: 'balanced', epochs: 5000, batchSize: 8, learningRate: 0.001, hidden: [64, 64], dropout: 0, C: 1 },
      }, { onEpoch: (e) => { if (e.epoch === 2) client.cancel(req.id); } });
      await assert.rejects(req.done, CancelledError);
      const again = await client.request<{ dir: string }>({ type: 'save', trainId: req.id, parent: dir, name: 'cancelled' }).done.catch((e: Error) => e);
      assert.ok(again instanceof Error && /no longer available/.test(again.message));
    });
  });
});

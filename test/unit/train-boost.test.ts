import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromRecords } from '../../src/core/train/csv';
import { profileTable } from '../../src/core/train/infer';
import { fitBoosted } from '../../src/core/train/boost';
import { forestPredictProba } from '../../src/core/train/forest';
import { fitLogReg, logregNetwork } from '../../src/core/train/logreg';
import { argmaxRows, predictProba } from '../../src/core/train/model';
import { CsrBuilder, rng, type Csr } from '../../src/core/train/sparse';
import { trainClassifier, validateTrainOptions } from '../../src/core/train/trainer';
import { loadClassifier, saveClassifier } from '../../src/core/train/artifact';
import { forestFeatureView, fitPreprocessing, Preprocessor } from '../../src/core/train/preprocess';
import { UserError } from '../../src/core/types';
import { cliTrainAndPredict, mixedTable, onnxParity, xor } from './train.helpers';

function csr(rows: number[][]): Csr {
  const b = new CsrBuilder(rows[0].length);
  for (const r of rows) {
    r.forEach((v, j) => b.push(j, v));
    b.endRow();
  }
  return b.build();
}

const accuracy = (p: Float64Array, y: Int32Array, K: number) => argmaxRows(p, K).filter((v, i) => v === y[i]).length / y.length;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('train: gradient-boosted trees', () => {
  it('first round by hand: two classes, one split, Newton leaves -G/H', async () => {
    // x = 0..3, y = 0 0 1 1: base log-odds 0, p = 0.5, g = p - y = ±0.5, h = 0.25. The best cut is x <= 1.5;
    // left G = 1, H = 0.5 -> leaf -2; right +2 (learning rate 1, no L2).
    const f = await fitBoosted(csr([[0], [1], [2], [3]]), Int32Array.from([0, 0, 1, 1]), 2, { nRounds: 1, maxDepth: 1, learningRate: 1, lambda: 0 });
    assert.equal(f.trees.length, 1);
    const t = f.trees[0];
    assert.equal(t.feature[0], 0);
    assert.equal(t.threshold[0], 1.5);
    assert.deepEqual(Array.from(f.boost!.base, (v) => Math.abs(v)), [0, 0]);
    const p = forestPredictProba(f, csr([[0], [3]]));
    assert.ok(Math.abs(p[1] - sigmoid(-2)) < 1e-6 && Math.abs(p[3] - sigmoid(2)) < 1e-6, `probabilities ${Array.from(p)}`);
    assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-12);
  });

  it('first round by hand: three classes, one tree per class, leaves scaled by (K-1)/K', async () => {
    // x = 0, 1, 2 with classes 0, 1, 2: base log(1/3), p = 1/3, h = 2/9. Class 0's tree: g = [-2/3, 1/3, 1/3];
    // x <= 0.5 gains 3 (x <= 1.5 only 0.75); leaves -G/H = 3 and -1.5, times (K-1)/K = 2/3 -> 2 and -1.
    const f = await fitBoosted(csr([[0], [1], [2]]), Int32Array.from([0, 1, 2]), 3, { nRounds: 1, maxDepth: 1, learningRate: 1, lambda: 0 });
    assert.equal(f.trees.length, 3);
    const t0 = f.trees[0];
    assert.equal(t0.threshold[0], 0.5);
    const leafL = t0.value[t0.left[0] * 3], leafR = t0.value[t0.right[0] * 3];
    assert.ok(Math.abs(leafL - 2) < 1e-6 && Math.abs(leafR + 1) < 1e-6, `leaves ${leafL} ${leafR}`);
    // A class-0 tree carries no score for the other classes.
    assert.equal(t0.value[t0.left[0] * 3 + 1], 0);
    for (const b of f.boost!.base) assert.ok(Math.abs(b - Math.log(1 / 3)) < 1e-6);
  });

  it('learns XOR-like data that logistic regression cannot, and its training loss falls round by round', async () => {
    const train = xor(400, 1), test = xor(400, 2);
    const losses: number[] = [];
    const f = await fitBoosted(train.X, train.y, 2, { onRound: (_t, _T, fit) => losses.push(fit.loss) });
    assert.equal(losses.length, 100);
    assert.ok(losses[99] < losses[9] && losses[9] < losses[0], `losses ${losses[0]} ${losses[9]} ${losses[99]}`);
    const gbAcc = accuracy(forestPredictProba(f, test.X), test.y, 2);
    const lr = await fitLogReg(train.X, train.y, 2);
    const lrAcc = accuracy(predictProba(logregNetwork(lr.params, 4, 2), test.X), test.y, 2);
    assert.ok(gbAcc > 0.9, `boosting accuracy ${gbAcc}`);
    assert.ok(lrAcc < 0.7, `logistic regression accuracy ${lrAcc}`);
  });

  it('a weight of 2 on every row equals every row twice', async () => {
    const { X, y, rows } = xor(150, 3);
    const weighted = await fitBoosted(X, y, 2, { nRounds: 20, sampleWeight: new Float64Array(X.rows).fill(2) });
    const doubled = await fitBoosted(csr(rows.flatMap((r) => [r, r])), Int32Array.from(Array.from(y).flatMap((v) => [v, v])), 2, { nRounds: 20 });
    const a = forestPredictProba(weighted, X), b = forestPredictProba(doubled, X);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `row ${i >> 1}: ${a[i]} vs ${b[i]}`);
  });

  it('the sparse histograms of word columns grow the same trees as dense ones', async () => {
    // Free text (a random mix of words and a unique ticket number) beside a number and a category.
    const rand = rng(8);
    const vocab = 'refund slow love crash great price support login export sync screen error today again'.split(' ');
    const records: string[][] = [];
    for (let i = 0; i < 300; i++) {
      const words = Array.from({ length: 3 + Math.floor(rand() * 5) }, () => vocab[Math.floor(rand() * vocab.length)]);
      const x = rand() * 10;
      const label = words.includes('crash') ? 'bug' : x > 6 ? 'billing' : 'praise';
      records.push([x.toFixed(2), ['web', 'ios', 'android'][i % 3], `${words.join(' ')} ticket ${1000 + i}`, label]);
    }
    const t = tableFromRecords(['score', 'platform', 'comment', 'label'], records);
    const profiles = profileTable(t);
    assert.equal(profiles[2].type, 'text');
    const rows = Array.from({ length: t.rowCount }, (_, i) => i);
    const spec = fitPreprocessing(t, rows, ['score', 'platform', 'comment'], profiles);
    const X = new Preprocessor(spec).transform(t);
    const y = Int32Array.from(t.data[3], (v) => ['billing', 'bug', 'praise'].indexOf(v));
    const features = forestFeatureView(spec)!;
    assert.ok(features && features.length < X.cols, 'the view leaves out word pairs and character n-grams');
    const sparse = await fitBoosted(X, y, 3, { nRounds: 15, features });
    const dense = await fitBoosted(X, y, 3, { nRounds: 15, features, sparseShare: 0 });
    assert.equal(sparse.trees.length, dense.trees.length);
    sparse.trees.forEach((tr, i) => {
      assert.deepEqual(Array.from(tr.feature), Array.from(dense.trees[i].feature), `tree ${i}`);
      assert.deepEqual(Array.from(tr.threshold), Array.from(dense.trees[i].threshold), `tree ${i}`);
    });
    // Every split uses a column of the view.
    const view = new Set(features);
    for (const tr of sparse.trees) for (const f of tr.feature) if (f >= 0) assert.ok(view.has(f), `column ${f} is not in the view`);
  });

  it('auto still compares the models when a class has a single training row', async () => {
    // XOR-like quadrants plus a class of 2 rows: the split keeps 1 for training, which used to switch the
    // validation split and auto's cross-validation off (logistic regression, which cannot do XOR, was taken).
    const { rows, y } = xor(300, 4);
    const records = rows.map((r, i) => [...r.map(String), y[i] ? 'odd' : 'even']);
    records.push(['0.9', '0.9', '5', '5', 'rare'], ['-0.9', '-0.9', '5', '5', 'rare']);
    const t = tableFromRecords(['a', 'b', 'c', 'd', 'label'], records);
    const r = await trainClassifier(t, { target: 'label', seed: 0, epochs: 30 });
    assert.equal(r.classifier.settings.cvFolds, 5);
    assert.ok(r.candidates.length >= 3, `candidates ${r.candidates.map((c) => c.model)}`);
    assert.ok(!r.warnings.some((w) => /validation split/.test(w)), r.warnings.join('; '));
    assert.notEqual(r.classifier.network.kind, 'logreg');
    assert.ok(r.metrics.accuracy > 0.85, `accuracy ${r.metrics.accuracy}`);
  });

  it('validates --model gb and the round count', () => {
    validateTrainOptions({ target: 'x', model: 'gb', nRounds: 50 });
    assert.throws(() => validateTrainOptions({ target: 'x', model: 'gb', nRounds: 0 }), UserError);
    assert.throws(() => validateTrainOptions({ target: 'x', model: 'xgb' as 'gb' }), /auto, logreg, mlp, rf or gb/);
  });
});

describe('train: gradient-boosted trees ONNX export', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-boost-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  for (const classes of [2, 3]) {
    it(`onnxruntime-node probabilities equal the in-process model (${classes} classes)`, async () => {
      const t = mixedTable(240, classes);
      const profiles = profileTable(t);
      const epochs: number[] = [];
      const r = await trainClassifier(t, { target: 'label', model: 'gb', nRounds: 60, onEpoch: (e) => { if (e.model === 'gb') epochs.push(e.epoch); } }, profiles);
      assert.equal(r.classifier.network.kind, 'gb');
      assert.deepEqual(epochs, Array.from({ length: 60 }, (_, i) => i + 1), 'one training curve point per round');
      assert.ok(r.metrics.accuracy > 0.8, `accuracy ${r.metrics.accuracy}`);
      const saved = await saveClassifier(r, { parent: dir, name: `boost ${classes}`, profiles });
      const loaded = await loadClassifier(saved);
      assert.equal(loaded.metadata.modelKind, 'gb');
      assert.equal(loaded.metadata.settings.nRounds, 60);
      assert.equal(loaded.metadata.settings.nTrees, classes === 2 ? 60 : 60 * classes);
      assert.equal(loaded.metadata.onnx.mlOpset, 3);
      const maxDiff = await onnxParity(saved, r, t);
      assert.ok(maxDiff < 1e-4, `max probability difference ${maxDiff}`);
    });
  }

  it('CLI: --model gb --rounds trains, saves and predicts', async () => {
    const r = await cliTrainAndPredict(dir, 'cli-gb', ['--model', 'gb', '--rounds', '30']);
    assert.equal(r.json.model, 'gb');
    assert.ok((r.json.accuracy as number) > 0.8, `accuracy ${r.json.accuracy}`);
    assert.equal(r.meta.settings.nRounds, 30);
    assert.equal(r.meta.onnx.mlOpset, 3);
    assert.equal(r.predictedLines, 121);
  });
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromRecords } from '../../src/core/train/csv';
import { profileTable } from '../../src/core/train/infer';
import { fitForest, forestIsPractical, forestPredictProba } from '../../src/core/train/forest';
import { fitLogReg, logregNetwork } from '../../src/core/train/logreg';
import { argmaxRows, predictProba } from '../../src/core/train/model';
import { CsrBuilder, rng, type Csr } from '../../src/core/train/sparse';
import { networkIsBetter, pickByCv, predictTable, stratifiedFolds, trainClassifier, validateTrainOptions } from '../../src/core/train/trainer';
import { loadClassifier, saveClassifier } from '../../src/core/train/artifact';
import { OnnxClassifier } from '../../src/core/train/predict';
import { forestToOnnx } from '../../src/core/train/onnx';
import { UserError } from '../../src/core/types';
import { forestFeatureView } from '../../src/core/train/preprocess';
import { candidatesText } from '../../src/core/train/importance-format';
import { cliTrainAndPredict, maxAbsDiff, mixedTable, onnxParity, xor } from './train.helpers';

/** Numeric, categorical and free-text columns; the label depends on the number and on words of the text. */
function textTable(n: number) {
  const rand = rng(21);
  const vocab = 'the app is slow fast crash login price refund love great support billing export sync screen button page error today again'.split(' ');
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 4 + Math.floor(rand() * 5) }, () => vocab[Math.floor(rand() * vocab.length)]);
    const x = rand() * 10;
    const y = (x > 5) !== words.includes('crash') ? 'yes' : 'no';
    rows.push([x.toFixed(2), ['free', 'pro', 'team'][i % 3], `${words.join(' ')} #${i}`, y]);
  }
  return tableFromRecords(['x', 'plan', 'note', 'y'], rows);
}

function xorTable() {
  const { rows, y } = xor(120, 5);
  return tableFromRecords(['a', 'b', 'c', 'd', 'y'], rows.map((r, i) => [...r.map(String), String(y[i])]));
}

const accuracy = (p: Float64Array, y: Int32Array, K: number) => argmaxRows(p, K).filter((v, i) => v === y[i]).length / y.length;

describe('train: random forest', () => {
  it('learns XOR-like data that logistic regression cannot', async () => {
    const tr = xor(600, 1), te = xor(300, 2);
    const f = await fitForest(tr.X, tr.y, 2, { nTrees: 50, seed: 0 });
    assert.equal(f.trees.length, 50);
    const accRf = accuracy(forestPredictProba(f, te.X), te.y, 2);
    const lr = await fitLogReg(tr.X, tr.y, 2, { C: 1, maxIter: 200 });
    const accLr = accuracy(predictProba(logregNetwork(lr.params, 4, 2), te.X), te.y, 2);
    assert.ok(accRf > 0.93, `forest accuracy ${accRf}`);
    assert.ok(accLr < 0.7, `logistic regression accuracy ${accLr}`);
    // Probabilities are averages of leaf fractions: rows sum to 1.
    const p = forestPredictProba(f, te.X);
    for (let r = 0; r < 20; r++) assert.ok(Math.abs(p[2 * r] + p[2 * r + 1] - 1) < 1e-6);
  });

  it('is deterministic for a seed and varies with it', async () => {
    const { X, y } = xor(300, 3);
    const a = await fitForest(X, y, 2, { nTrees: 10, seed: 7 });
    const b = await fitForest(X, y, 2, { nTrees: 10, seed: 7 });
    const c = await fitForest(X, y, 2, { nTrees: 10, seed: 8 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.trees.map((t) => t.threshold), c.trees.map((t) => t.threshold));
  });

  it('fits training data exactly without bootstrap (min_samples_leaf 1, unlimited depth)', async () => {
    const { X, y } = xor(200, 4);
    const f = await fitForest(X, y, 2, { nTrees: 3, bootstrap: false, maxFeatures: 4, seed: 0 });
    assert.equal(accuracy(forestPredictProba(f, X), y, 2), 1);
  });

  it('honours class weights and a depth cap', async () => {
    // 90/10 imbalance, one weak feature: balanced weights raise the minority's average probability.
    const rand = rng(5);
    const b = new CsrBuilder(1);
    const y = new Int32Array(400);
    for (let i = 0; i < 400; i++) {
      y[i] = i % 10 === 0 ? 1 : 0;
      b.push(0, rand() + (y[i] ? 0.3 : 0));
      b.endRow();
    }
    const X = b.build();
    const sw = Float64Array.from(y, (k) => (k ? 5 : 5 / 9));
    const plain = await fitForest(X, y, 2, { nTrees: 20, seed: 0, maxDepth: 2 });
    const weighted = await fitForest(X, y, 2, { nTrees: 20, seed: 0, maxDepth: 2, sampleWeight: sw });
    const mean = (p: Float64Array) => p.filter((_, i) => i % 2 === 1).reduce((s, v) => s + v, 0) / 400;
    assert.ok(mean(forestPredictProba(weighted, X)) > mean(forestPredictProba(plain, X)) + 0.1);
    for (const t of plain.trees) assert.ok(t.feature.length <= 7, `depth-2 tree has ${t.feature.length} nodes`);
  });

  it('on a table with a text column, splits only on the dense columns and the most frequent words', async () => {
    const t = textTable(300);
    const r = await trainClassifier(t, { target: 'y', model: 'rf', nTrees: 20 }, profileTable(t));
    const spec = r.classifier.preprocessing;
    const text = spec.columns.find((c) => c.kind === 'text');
    assert.ok(text && text.kind === 'text' && text.blocks.some((b) => b.kind === 'char') && text.blocks.some((b) => b.vocab.some((v) => v.includes(' '))), 'the text column has char n-grams and word pairs');
    const view = forestFeatureView(spec)!;
    const names = Array.from(view);
    // offsets: the dense columns first (numeric, categories + unseen), then the text blocks
    const dense = spec.columns.filter((c) => c.kind !== 'text').reduce((a, c) => a + (c.kind === 'numeric' ? 1 + (c.indicator ? 1 : 0) : c.kind === 'categorical' ? c.categories.length + 1 : 0), 0);
    assert.deepEqual(names.slice(0, dense), Array.from({ length: dense }, (_, j) => j));
    const word = text.blocks.find((b) => b.kind === 'word')!;
    const wordBase = dense + text.blocks.slice(0, text.blocks.indexOf(word)).reduce((a, b) => a + b.vocab.length, 0);
    const terms = names.slice(dense).map((i) => word.vocab[i - wordBase]);
    assert.ok(terms.length > 0 && terms.every((w) => w !== undefined && !w.includes(' ')), `${terms}`);
    assert.equal(terms.length, word.vocab.filter((w) => !w.includes(' ')).length);
    // every split of every tree uses a column of the view
    const allowed = new Set(view);
    assert.ok(r.classifier.network.kind === 'rf');
    for (const tree of r.classifier.network.forest.trees) for (const f of tree.feature) assert.ok(f === -1 || allowed.has(f), `split on column ${f}`);
    // capped: the two most frequent words (lowest idf)
    const two = Array.from(forestFeatureView(spec, 2)!).slice(dense).map((i) => word.idf[i - wordBase]);
    const idfs = word.vocab.map((w, j) => (w.includes(' ') ? Infinity : word.idf[j])).sort((a, b) => a - b);
    assert.deepEqual(two.sort((a, b) => a - b), idfs.slice(0, 2));
    // no text column: every column
    const plain = await trainClassifier(xorTable(), { target: 'y', model: 'rf', nTrees: 5 }, undefined);
    assert.equal(forestFeatureView(plain.classifier.preprocessing), undefined);
  });

  it('stratified folds are balanced per class', () => {
    const y = Int32Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const f = stratifiedFolds(y, 2, 5, 0);
    for (let k = 0; k < 5; k++) {
      const ones = y.filter((v, i) => f[i] === k && v === 1).length;
      const all = f.filter((v) => v === k).length;
      assert.ok(ones >= 5 && ones <= 6, `fold ${k}: ${ones} of class 1`);
      assert.ok(all >= 20 && all <= 21, `fold ${k}: ${all} rows`);
    }
  });

  it('accepts --model rf and bounds the tree count; auto skips forests on wide features', () => {
    validateTrainOptions({ target: 'x', model: 'rf', nTrees: 50 });
    assert.throws(() => validateTrainOptions({ target: 'x', model: 'rf', nTrees: 0 }), UserError);
    assert.throws(() => validateTrainOptions({ target: 'x', model: 'forest' as 'rf' }), /auto, logreg, mlp, rf or gb/);
    assert.equal(forestIsPractical(1000, 60), true);
    assert.equal(forestIsPractical(8000, 12000), false);
    assert.equal(forestIsPractical(100, 50000), false);
  });

  it('auto picks the best cross-validated accuracy, then the lower loss, then the simpler model', () => {
    const cv = (lr: number, mlp: number, rf: number, losses = [0.3, 0.3, 0.3]) => [
      { model: 'logreg' as const, valAccuracy: lr, valLoss: losses[0] }, { model: 'mlp' as const, valAccuracy: mlp, valLoss: losses[1] }, { model: 'rf' as const, valAccuracy: rf, valLoss: losses[2] },
    ];
    assert.equal(pickByCv(cv(0.80, 0.805, 0.79)), 'mlp');
    assert.equal(pickByCv(cv(0.88, 0.925, 0.95)), 'rf');
    assert.equal(pickByCv(cv(0.76, 0.74, 0.76, [0.52, 0.5, 0.49])), 'rf');
    assert.equal(pickByCv(cv(0.76, 0.74, 0.76, [0.49, 0.5, 0.52])), 'logreg');
    assert.equal(pickByCv(cv(0.9, 0.9, 0.9)), 'logreg');
    assert.equal(pickByCv([{ model: 'logreg', valAccuracy: 0.7, valLoss: 0.6 }]), 'logreg');
  });

  it('auto takes the once-fitted network only when it is clearly better on the held-out fold', () => {
    // 277 held-out rows: the margin is max(2, ceil(1% of 277)) = 3 rows.
    assert.equal(networkIsBetter(0.996, 0.958, 277), true);
    assert.equal(networkIsBetter(0.80 + 2 / 277, 0.80, 277), false);
    assert.equal(networkIsBetter(0.80 + 3 / 277, 0.80, 277), true);
    // 34 rows: two more rows right is enough; one is not.
    assert.equal(networkIsBetter(0.8 + 1 / 34, 0.8, 34), false);
    assert.equal(networkIsBetter(0.8 + 2 / 34, 0.8, 34), true);
    assert.equal(networkIsBetter(0.7, 0.75, 160), false);
  });

  it('auto cross-validates all four models and picks a non-linear one on XOR-like data', async () => {
    const { rows, y } = xor(400, 6);
    const t = tableFromRecords(['a', 'b', 'c', 'd', 'label'], rows.map((r, i) => [...r.map(String), y[i] ? 'odd' : 'even']));
    const r = await trainClassifier(t, { target: 'label', seed: 0, epochs: 30 });
    assert.deepEqual(r.candidates.map((c) => c.model), ['logreg', 'mlp', 'rf', 'gb']);
    const lr = r.candidates[0];
    assert.ok(lr.valAccuracy < 0.7, `logistic regression cannot separate XOR (cv accuracy ${lr.valAccuracy})`);
    assert.notEqual(r.classifier.network.kind, 'logreg');
    assert.equal(r.classifier.network.kind, pickByCv(r.candidates));
    assert.equal(r.classifier.settings.cvFolds, 5);
    assert.ok(r.metrics.accuracy > 0.9, `accuracy ${r.metrics.accuracy}`);
  });
});

describe('train: auto above the pooled-network size', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-auto-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('fits the network once on the held-out fold, reports its curves, and the choice exports to ONNX with the same predictions', async () => {
    const { rows, y } = xor(900, 11);
    // Every tenth label flipped: no model is right on almost every row, so the network has room to win.
    const t = tableFromRecords(['a', 'b', 'c', 'd', 'label'], rows.map((r, i) => [...r.map(String), (y[i] === 1) !== (i % 10 === 0) ? 'odd' : 'even']));
    const profiles = profileTable(t);
    const stages: string[] = [];
    const r = await trainClassifier(t, { target: 'label', seed: 0, onStage: (st) => stages.push(st) }, profiles);
    // logistic regression and the tree models are cross-validated (5 folds), the network is compared on one fold
    assert.deepEqual(r.candidates.map((c) => c.model), ['logreg', 'rf', 'gb', 'mlp']);
    assert.deepEqual(stages.filter((st) => st.startsWith('cross-validation')), [0, 1, 2, 3, 4, 5].map((d) => `cross-validation (${d}/5 folds done)`));
    // the network's figures are its first fold's, said so beside the winner's score on that fold
    const net = r.candidates[3];
    assert.deepEqual(r.candidates.slice(0, 3).map((c) => c.firstFold), [undefined, undefined, undefined]);
    assert.ok(net.firstFold && ['logreg', 'rf', 'gb'].includes(net.firstFold.winner) && net.firstFold.rows === 144, JSON.stringify(net));
    const text = candidatesText(r.candidates, (m) => m, (x) => `${(x * 100).toFixed(1)}%`);
    assert.match(text, new RegExp(`, mlp ${(net.valAccuracy * 100).toFixed(1)}% on the first fold \\(${net.firstFold.winner} ${(net.firstFold.winnerAccuracy * 100).toFixed(1)}% there; a network needs 2 more of its 144 rows right\\)$`), text);
    assert.ok(r.history.some((e) => e.model === 'mlp' && e.valLoss !== null), 'no per-epoch curves from the network');
    assert.notEqual(r.classifier.network.kind, 'logreg');
    assert.ok(r.metrics.accuracy > 0.8, `accuracy ${r.metrics.accuracy}`);
    const saved = await saveClassifier(r, { parent: dir, name: 'auto-xor', profiles });
    assert.equal((await loadClassifier(saved)).metadata.modelKind, r.classifier.network.kind);
    const clf = await OnnxClassifier.load(saved);
    const onnx = await clf.predictProba(t);
    const local = predictTable(r.classifier, t).proba;
    const maxDiff = maxAbsDiff(onnx, local);
    assert.ok(maxDiff < 1e-4, `max probability difference ${maxDiff}`);
    await clf.dispose();
  });
});

describe('train: auto skips a network that cannot win', () => {
  it('does not fit the network when the cross-validation winner is right on (nearly) every row of the first fold', async () => {
    const { rows } = xor(900, 12);
    // 720 training rows: above the pooled-network size. The label is the sign of the first column: every model separates it, so no network could be clearly better.
    const t = tableFromRecords(['a', 'b', 'c', 'd', 'label'], rows.map((r) => [...r.map(String), r[0] > 0 ? 'up' : 'down']));
    const stages: string[] = [];
    const r = await trainClassifier(t, { target: 'label', seed: 0, onStage: (st) => stages.push(st) });
    assert.equal(r.classifier.settings.cvFolds, 5);
    assert.ok(!stages.includes('neural network'), stages.join(', '));
    assert.ok(!r.candidates.some((c) => c.model === 'mlp'));
    assert.ok(r.metrics.accuracy > 0.97, `accuracy ${r.metrics.accuracy}`);
  });
});

describe('train: random forest ONNX export', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-forest-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  for (const classes of [2, 3]) {
    it(`onnxruntime-node probabilities equal the in-process forest (${classes} classes)`, async () => {
      const t = mixedTable(240, classes);
      const profiles = profileTable(t);
      const r = await trainClassifier(t, { target: 'label', model: 'rf', nTrees: 40 }, profiles);
      assert.equal(r.classifier.network.kind, 'rf');
      assert.ok(r.metrics.accuracy > 0.8, `accuracy ${r.metrics.accuracy}`);
      const saved = await saveClassifier(r, { parent: dir, name: `forest ${classes}`, profiles });
      const loaded = await loadClassifier(saved);
      assert.equal(loaded.metadata.modelKind, 'rf');
      assert.equal(loaded.metadata.settings.nTrees, 40);
      const maxDiff = await onnxParity(saved, r, t);
      assert.ok(maxDiff < 1e-5, `max probability difference ${maxDiff}`);
    });
  }

  it('encodes leaf weights as averages over trees', async () => {
    const { X, y } = xor(100, 9);
    const f = await fitForest(X, y, 2, { nTrees: 4, seed: 0 });
    const bytes = forestToOnnx(f);
    assert.ok(bytes.length > 100);
    assert.ok(Buffer.from(bytes).includes(Buffer.from('TreeEnsembleClassifier')));
    assert.ok(Buffer.from(bytes).includes(Buffer.from('ai.onnx.ml')));
  });

  it('CLI: --model rf --trees trains, saves and predicts', async () => {
    const r = await cliTrainAndPredict(dir, 'cli-rf', ['--model', 'rf', '--trees', '30']);
    assert.equal(r.json.model, 'rf');
    assert.ok((r.json.accuracy as number) > 0.8, `accuracy ${r.json.accuracy}`);
    assert.equal(r.meta.settings.nTrees, 30);
    assert.equal(r.meta.onnx.mlOpset, 3);
    assert.equal(r.predictedLines, 121);
  });
});

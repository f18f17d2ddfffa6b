// Permutation importance of feature columns (src/core/train/importance.ts): the shuffled matrix, the figures on
// data whose label depends on one known column, grouping of a column's features, determinism, cancellation, and
// where the figures go (CLI text and JSON, metadata.json, the Train view's message check).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTable, tableFromRecords } from '../../src/core/train/csv';
import { CsrBuilder } from '../../src/core/train/sparse';
import { ForestShuffles, importanceLines, permutationImportance, permuteColumn, type Importance } from '../../src/core/train/importance';
import { Preprocessor } from '../../src/core/train/preprocess';
import { predictProba } from '../../src/core/train/model';
import { lossText, points } from '../../src/core/train/importance-format';
import { classWordLines, classWords, isFunctionWords, wordFeatures } from '../../src/core/train/class-words';
import { trainClassifier } from '../../src/core/train/trainer';
import { saveClassifier } from '../../src/core/train/artifact';
import { columnRanges } from '../../src/core/train/preprocess';
import { parseToView } from '../../src/webview/train/protocol';
import { runTrain } from '../../src/cli/train';
import { CancelledError } from '../../src/core/types';
import { quietly } from './train.helpers';

/** label = yes exactly when `signal` > 50; `noise` and `color` carry nothing; `note`, a text, says the label in words. */
function table(n: number, withNote = false) {
  const rows: string[][] = [];
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    const signal = Math.floor(rand() * 100);
    const label = signal > 50 ? 'yes' : 'no';
    const row = [String(signal), String(Math.floor(rand() * 100)), ['red', 'green', 'blue', 'grey'][Math.floor(rand() * 4)]];
    // a text column: every note differs (a categorical column would have two values)
    if (withNote) row.push(`customer ${['anna', 'ben', 'chen', 'dana', 'eli'][i % 5]} ${i} said it ${label === 'yes' ? 'works well' : 'fails often'} ${['today', 'on monday', 'this week', 'again'][Math.floor(rand() * 4)]}`);
    rows.push([...row, label]);
  }
  return tableFromRecords(['signal', 'noise', 'color', ...(withNote ? ['note'] : []), 'label'], rows);
}

describe('train: column importance', () => {
  it('permuteColumn takes the column\'s features from the permuted row and keeps the others', () => {
    // 3 rows x 5 features; the column fills features 2-3.
    const b = new CsrBuilder(5);
    const rows = [[[0, 1], [2, 5]], [[1, 2], [3, 6], [4, 9]], [[0, 3], [2, 7], [3, 8]]];
    for (const r of rows) { for (const [j, v] of r) b.push(j, v); b.endRow(); }
    const inColumn = Uint8Array.from([0, 0, 1, 1, 0]);
    const P = permuteColumn(b.build(), inColumn, Int32Array.from([2, 0, 1]));
    const dense = (i: number) => { const d = [0, 0, 0, 0, 0]; for (let p = P.indptr[i]; p < P.indptr[i + 1]; p++) d[P.indices[p]] = P.values[p]; return d; };
    assert.deepEqual(dense(0), [1, 0, 7, 8, 0]); // row 0's own feature 0, row 2's features 2-3
    assert.deepEqual(dense(1), [0, 2, 5, 0, 9]); // row 1's features 1 and 4, row 0's feature 2
    assert.deepEqual(dense(2), [3, 0, 0, 6, 0]); // row 2's feature 0, row 1's feature 3
    assert.equal(P.indptr[3], 8); // 3 + 3 + 2 entries
  });

  it('finds the one column the label depends on; columns the label ignores lose about nothing', async () => {
    const r = await trainClassifier(table(600), { target: 'label', model: 'logreg', seed: 0 });
    const imp = r.importance!;
    assert.ok(imp, 'importance is measured by default');
    assert.equal(imp.rows, r.testRows);
    assert.equal(imp.repeats, 5);
    assert.equal(imp.baseline, r.metrics.accuracy);
    assert.deepEqual(imp.columns.map((c) => c.column).sort(), ['color', 'noise', 'signal']);
    const by = Object.fromEntries(imp.columns.map((c) => [c.column, c]));
    assert.equal(imp.columns[0].column, 'signal');
    // Shuffling a threshold rule's column leaves about half of the rows right: a fall of roughly 40-50 points.
    assert.ok(by.signal.drop > 0.3, `signal ${by.signal.drop}`);
    assert.ok(by.signal.lossRise > 0.3, `signal log loss ${by.signal.lossRise}`);
    for (const c of ['noise', 'color']) assert.ok(Math.abs(by[c].drop) < 0.03, `${c} ${by[c].drop}`);
    // Every one-hot of 'color' moves together: one entry, not one per category.
    assert.equal(columnRanges(r.classifier.preprocessing).get('color')!.length, 1);
  });

  it('is the same for the same seed, and works for every model kind (a text column counts as one column)', async () => {
    const t = table(400, true);
    for (const model of ['logreg', 'rf', 'gb', 'mlp'] as const) {
      // (30 epochs: the network learns this in a few, and 200 take seconds)
      const a = await trainClassifier(t, { target: 'label', model, seed: 3, features: ['noise', 'color', 'note'], epochs: 30 });
      const b = await trainClassifier(t, { target: 'label', model, seed: 3, features: ['noise', 'color', 'note'], epochs: 30 });
      assert.deepEqual(a.importance!.columns, b.importance!.columns, model);
      assert.equal(a.importance!.columns[0].column, 'note', model);
      assert.ok(a.importance!.columns[0].drop > 0.3, `${model}: ${a.importance!.columns[0].drop}`);
    }
  });

  it('a forest re-walks only the trees that split on the shuffled column, with the probabilities of a full prediction', async () => {
    const t = table(400, true);
    for (const model of ['rf', 'gb'] as const) {
      const r = await trainClassifier(t, { target: 'label', model, seed: 1 });
      const net = r.classifier.network;
      assert.ok('forest' in net);
      const X = new Preprocessor(r.classifier.preprocessing).transform(t);
      const shuffles = new ForestShuffles(net.forest, X);
      let fewest = Infinity;
      for (const [column, ranges] of columnRanges(r.classifier.preprocessing)) {
        const inColumn = new Uint8Array(X.cols);
        for (const [a, b] of ranges) inColumn.fill(1, a, b);
        const perm = Int32Array.from({ length: X.rows }, (_, i) => (i * 7 + 3) % X.rows);
        const Xp = permuteColumn(X, inColumn, perm);
        const trees = shuffles.treesOn(inColumn);
        assert.ok(trees.length <= net.forest.trees.length);
        fewest = Math.min(fewest, trees.length);
        const full = predictProba(net, Xp), fast = shuffles.proba(Xp, trees);
        let worst = 0;
        for (let i = 0; i < full.length; i++) worst = Math.max(worst, Math.abs(full[i] - fast[i]));
        assert.ok(worst < 1e-9, `${model} ${column}: ${worst}`);
      }
      // the shortcut saves work: some column is split on by fewer trees than the forest has
      assert.ok(fewest < net.forest.trees.length, `${model}: every column is split on by every tree`);
      // a column no tree splits on changes nothing
      assert.deepEqual(shuffles.treesOn(new Uint8Array(X.cols)), []);
    }
  });

  it('samples large held-out sets, can be switched off, and stops on cancel', async () => {
    const t = table(600);
    const r = await trainClassifier(t, { target: 'label', model: 'logreg', importance: false });
    assert.equal(r.importance, undefined);
    const withIt = await trainClassifier(t, { target: 'label', model: 'logreg' });
    const X = new Preprocessor(withIt.classifier.preprocessing).transform(t);
    const y = Int32Array.from(t.data[t.columns.indexOf('label')], (v) => withIt.classifier.labels.indexOf(v));
    const sampled = await permutationImportance(withIt.classifier.network, withIt.classifier.preprocessing, X, y, 2, { maxRows: 100, repeats: 2 });
    assert.equal(sampled.rows, 100);
    assert.equal(sampled.repeats, 2);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(permutationImportance(withIt.classifier.network, withIt.classifier.preprocessing, X, y, 2, { signal: ac.signal }), CancelledError);
  });

  it('prints as points of accuracy with their spread and the rise in log loss', () => {
    assert.equal(points(0.1875), '18.8');
    assert.equal(points(-0.0004), '0.0');
    assert.equal(points(-0.004), '-0.4');
    assert.equal(lossText(0.0521), '+0.052');
    assert.equal(lossText(-0.0001), '+0.000');
    assert.equal(lossText(-0.003), '-0.003');
    const imp: Importance = {
      rows: 178, repeats: 5, baseline: 0.8, baselineLoss: 0.45, seconds: 0.01,
      columns: [{ column: 'Sex', drop: 0.188, sd: 0.016, lossRise: 0.316 }, { column: 'Fare', drop: -0.004, sd: 0.011, lossRise: -0.003 }, { column: 'Age', drop: 0.001, sd: 0.001, lossRise: 0 }],
    };
    assert.deepEqual(importanceLines(imp, 2), [
      'column importance (accuracy points lost when the column is shuffled; mean ± sd of 5 shuffles of 178 held-out rows; 0.01 s):',
      '  Sex       18.8 ± 1.6   log loss +0.316',
      '  Fare      -0.4 ± 1.1   log loss -0.003',
      '  (1 more column, each 0.1 points or less)',
    ]);
  });

  it('goes into the CLI output, --json and metadata.json', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-imp-'));
    try {
      const csv = path.join(dir, 'data.csv');
      const t = table(300);
      await fs.writeFile(csv, [t.columns.join(','), ...Array.from({ length: t.rowCount }, (_, i) => t.columns.map((_, c) => t.data[c][i]).join(','))].join('\n') + '\n');
      const text = await quietly(() => runTrain([csv, '--target', 'label', '--model', 'logreg']));
      assert.equal(text.code, 0, text.err);
      assert.match(text.out, /column importance \(accuracy points lost when the column is shuffled; mean ± sd of 5 shuffles of 60 held-out rows; \d+\.\d\d s\):\n {2}signal +\d+\.\d ± \d+\.\d +log loss \+\d\.\d{3}\n/);
      const js = await quietly(() => runTrain([csv, '--target', 'label', '--model', 'logreg', '--json']));
      const o = JSON.parse(js.out);
      assert.equal(o.importance.rows, 60);
      assert.equal(o.importance.columns[0].column, 'signal');
      assert.deepEqual(Object.keys(o.importance.columns[0]).sort(), ['accuracy_drop', 'column', 'log_loss_rise', 'sd']);
      const r = await trainClassifier(t, { target: 'label', model: 'logreg' });
      const saved = await saveClassifier(r, { parent: dir, name: 'm' });
      const meta = JSON.parse(await fs.readFile(path.join(saved, 'metadata.json'), 'utf8'));
      assert.equal(meta.importance.columns[0].column, 'signal');
      assert.equal(meta.importance.columns[0].accuracyDrop, r.importance!.columns[0].drop);
      assert.equal(meta.importance.baselineAccuracy, r.metrics.accuracy);
      // words per class: none here (no text column), so neither in --json nor in metadata.json
      assert.equal(o.class_words, null);
      assert.equal(meta.classWords, undefined);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('words that point to each class: the words the label hangs on, for every model kind; none without a text column', async () => {
    const t = table(400, true);
    for (const model of ['logreg', 'mlp', 'rf'] as const) {
      const r = await trainClassifier(t, { target: 'label', model, seed: 2, features: ['noise', 'note'], epochs: 30 });
      const cw = r.classWords!;
      assert.deepEqual(cw.map((c) => c.label), ['no', 'yes']);
      const first = Object.fromEntries(cw.map((c) => [c.label, c.words[0]?.word]));
      // '… said it works well …' (yes) / '… said it fails often …' (no)
      assert.match(first.no, /\b(fails|often)\b/, `${model} no: ${JSON.stringify(cw[0].words)}`);
      assert.match(first.yes, /\b(works|well)\b/, `${model} yes: ${JSON.stringify(cw[1].words)}`);
      // every held-out row is looked at here (short notes fit the budget)
      assert.equal(cw.reduce((a, c) => a + c.rows, 0), r.testRows);
      for (const c of cw) {
        for (const w of c.words) assert.ok(w.column === 'note' && w.rows >= 2 && w.rows <= c.rows && w.drop > 0, JSON.stringify(w));
        // a pair is not listed beside one of its own words
        for (const a of c.words) for (const b of c.words) if (a !== b) assert.ok(!` ${b.word} `.includes(` ${a.word} `), `${a.word} / ${b.word}`);
      }
    }
    const none = await trainClassifier(table(300), { target: 'label', model: 'logreg' });
    assert.equal(none.classWords, undefined);
    assert.equal(wordFeatures(none.classifier.preprocessing).size, 0);
    const ac = new AbortController();
    ac.abort();
    const r = await trainClassifier(t, { target: 'label', model: 'logreg', features: ['note'] });
    const X = new Preprocessor(r.classifier.preprocessing).transform(t);
    const y = Int32Array.from(t.data[t.columns.indexOf('label')], (v) => r.classifier.labels.indexOf(v));
    await assert.rejects(classWords(r.classifier.network, r.classifier.preprocessing, X, y, r.classifier.labels, { signal: ac.signal }), CancelledError);
    assert.deepEqual(classWordLines([{ label: 'billing', rows: 40, words: [{ word: 'refund', column: 'text', drop: 0.154, rows: 26 }] }, { label: 'praise', rows: 3, words: [] }]), [
      "words that point to each class (points of the class's probability lost without the word, mean over the held-out rows of the class looked at that hold it):",
      '  billing  refund 15.4 (26 of 40 rows)',
      '  praise   (none in 2 or more of its 3 rows looked at)',
    ]);
    // every word of a row is looked at, and the rows fit the budget: 10 rows of 4 words x 5 = 50 variants > 30
    const few = await classWords(r.classifier.network, r.classifier.preprocessing, X, y, r.classifier.labels, { budget: 30 });
    assert.ok(few!.reduce((a, c) => a + c.rows, 0) < X.rows);
    for (const c of few!) for (const w of c.words) assert.ok(w.rows <= c.rows);
  });

  it('words that point to each class leave out function words ("the", "is", "of the", "is slow"), not negations or content words', async () => {
    for (const w of ['the', 'is', 'and', 'of the', 'it s', 'is slow', 'the update']) assert.ok(isFunctionWords(w), w);
    for (const w of ['great value', 'not', 'don', 't', 'never', 'again', 'since', 'but', 'billing', 'not working']) assert.ok(!isFunctionWords(w), w);
    // the e2e churn fixture: 150 rows, where the model leans on "is" and "and" by chance (they were listed before)
    const t = await readTable(path.join(__dirname, '..', 'fixtures', 'e2e-train', 'customers.csv'));
    const r = await trainClassifier(t, { target: 'churned', model: 'logreg', seed: 0 });
    const listed = r.classWords!.flatMap((c) => c.words.map((w) => w.word));
    assert.deepEqual(listed.filter(isFunctionWords), []);
    const of = (label: string) => r.classWords!.find((c) => c.label === label)!.words.map((w) => w.word);
    assert.ok(of('yes').includes('billing') && of('no').includes('dashboard'), JSON.stringify(r.classWords));
  });

  it('the Train view accepts a summary with importance and drops a malformed one', () => {
    const summary = { trainId: 1, model: 'logreg', labels: ['no', 'yes'], features: ['a'], metrics: { accuracy: 1, macroF1: 1, perClass: [], confusion: [], rows: 1 }, candidates: [], fitSeconds: 0.1, trainRows: 4, testRows: 1, warnings: [] };
    const imp = { rows: 1, repeats: 5, baseline: 1, baselineLoss: 0.1, seconds: 0, columns: [{ column: 'a', drop: 0.5, sd: 0.1, lossRise: 0.2 }] };
    assert.ok(parseToView({ type: 'trained', summary }));
    assert.ok(parseToView({ type: 'trained', summary: { ...summary, importance: imp } }));
    assert.equal(parseToView({ type: 'trained', summary: { ...summary, importance: { ...imp, columns: [{ column: 'a', drop: 'lots' }] } } }), undefined);
    assert.equal(parseToView({ type: 'trained', summary: { ...summary, importance: { ...imp, columns: 'a' } } }), undefined);
    const words = [{ label: 'yes', rows: 9, words: [{ word: 'works', column: 'note', drop: 0.2, rows: 5 }] }];
    assert.ok(parseToView({ type: 'trained', summary: { ...summary, classWords: words } }));
    assert.equal(parseToView({ type: 'trained', summary: { ...summary, classWords: [{ label: 'yes', words: [{ word: 'works' }] }] } }), undefined);
  });
});

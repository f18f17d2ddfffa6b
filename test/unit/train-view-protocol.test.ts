// The Train view's message protocol (src/webview/train/protocol.ts): what the host accepts from the webview,
// and which file a drop onto the view names.
import assert from 'node:assert/strict';
import { droppedFileRef, parseToHost, parseToView, type TrainSettings } from '../../src/webview/train/protocol';
import { trainOptionProblem } from '../../src/core/train/options';
import { areaOf, busyParts, filePrompt, nextSay, NO_CLASSIFIERS, profileStatus, StatusLines } from '../../src/webview/train/status';
import { accuracyRange, chartName, curveSummary, curveTitle, legendTexts, percentTickLabels, stepName } from '../../src/webview/train/chart-text';
import type { EpochInfo } from '../../src/webview/train/protocol';

describe('train view: webview messages', () => {
  it('accepts well-formed requests and drops malformed ones', () => {
    assert.deepEqual(parseToHost({ type: 'pickFile', file: '/w/a.csv' }), { type: 'pickFile', file: '/w/a.csv' });
    assert.deepEqual(parseToHost({ type: 'dropFile', ref: ' file:///w/a.csv ' }), { type: 'dropFile', ref: 'file:///w/a.csv' });
    assert.equal(parseToHost({ type: 'dropFile', ref: '' }), undefined);
    assert.equal(parseToHost({ type: 'dropFile', ref: 42 }), undefined);
    assert.equal(parseToHost({ type: 'pickFile' }), undefined);
    assert.equal(parseToHost({ type: 'format-disk' }), undefined);
    assert.equal(parseToHost('ready'), undefined);
    assert.deepEqual(parseToHost({ type: 'save', name: '  churn  ' }), { type: 'save', name: 'churn' });
    assert.deepEqual(parseToHost({ type: 'openEmbeddingSetting' }), { type: 'openEmbeddingSetting' });
    assert.deepEqual(parseToHost({ type: 'useForAnalysis', modelDir: '/w/.product-forge/classifiers/s' }), { type: 'useForAnalysis', modelDir: '/w/.product-forge/classifiers/s' });
    assert.equal(parseToHost({ type: 'useForAnalysis', modelDir: 7 }), undefined);
  });

  it('a training request passes when the view\'s check (the one rule) passes its settings, and only then', () => {
    // (the view let five hidden layers through and the host dropped the request as malformed: Train did nothing)
    const settings: TrainSettings = {
      target: 'churned', features: ['plan'], model: 'mlp', testSplit: 0.2, validationShare: 0.1, seed: 0, classWeight: 'none',
      epochs: 200, batchSize: 200, learningRate: 0.001, hidden: [64], dropout: 0, C: 1, textFeatures: 'tfidf',
    };
    const five = [64, 64, 64, 64, 64];
    for (const hidden of [[64], [128, 64], [64, 64, 64, 64], five, [64, 0], [], [4097], [1.5]]) {
      const ok = trainOptionProblem({ ...settings, hidden }) === undefined;
      const parsed = parseToHost({ type: 'train', settings: { ...settings, hidden } });
      assert.equal(parsed !== undefined, ok, `hidden ${JSON.stringify(hidden)}: the view ${ok ? 'sends' : 'refuses'} it`);
      if (ok) assert.deepEqual(parsed, { type: 'train', settings: { ...settings, hidden } });
    }
    // refused in the view, with what to type
    assert.equal(trainOptionProblem({ hidden: five }, () => 'Hidden sizes'), 'Hidden sizes must be at most 4 sizes (one per layer), like 64 or 128,64 (got 64,64,64,64,64)');
  });

  it('an empty learning rate is not sent, so the engine picks it as for the CLI (auto\'s network 0.01, a chosen one 0.001)', () => {
    const settings: TrainSettings = {
      target: 'churned', features: ['plan'], model: 'auto', testSplit: 0.2, validationShare: 0.1, seed: 0, classWeight: 'none',
      epochs: 200, batchSize: 200, hidden: [64], dropout: 0, C: 1, textFeatures: 'tfidf',
    };
    const parsed = parseToHost({ type: 'train', settings });
    assert.ok(parsed && parsed.type === 'train' && !('learningRate' in parsed.settings), JSON.stringify(parsed));
    assert.equal(parseToHost({ type: 'train', settings: { ...settings, learningRate: 'fast' } }), undefined);
    assert.deepEqual(parseToHost({ type: 'train', settings: { ...settings, learningRate: 0.05 } }), { type: 'train', settings: { ...settings, learningRate: 0.05 } });
  });

  it("a 'busy' message may say a training run is going on (a view opened again during one can cancel it)", () => {
    assert.deepEqual(parseToView({ type: 'busy', stage: 'cross-validation (2/5 folds done)', training: true }), { type: 'busy', stage: 'cross-validation (2/5 folds done)', training: true });
    assert.deepEqual(parseToView({ type: 'busy', stage: 'reading a.csv' }), { type: 'busy', stage: 'reading a.csv' });
    assert.equal(parseToView({ type: 'busy', stage: 'x', training: 'yes' }), undefined);
  });

  it('reads the first file a drop carries, whichever way the drag put it', () => {
    const drop = (data: Record<string, string>) => droppedFileRef((t) => data[t] ?? '');
    // VS Code's own list (every URI, CRLF-separated) before the first-only text/uri-list.
    assert.equal(drop({ 'application/vnd.code.uri-list': 'file:///w/a.csv\r\nfile:///w/b.csv', 'text/uri-list': 'file:///w/a.csv' }), 'file:///w/a.csv');
    // A file manager's text/uri-list, comments skipped.
    assert.equal(drop({ 'text/uri-list': '# dropped\nfile:///home/me/churn.csv\n' }), 'file:///home/me/churn.csv');
    assert.equal(drop({ resourceurls: '["file:///w/c.tsv"]' }), 'file:///w/c.tsv');
    assert.equal(drop({ codefiles: '["/w/d.csv"]' }), '/w/d.csv');
    assert.equal(drop({ 'text/plain': 'hello' }), undefined);
    assert.equal(droppedFileRef(() => { throw new Error('not allowed'); }), undefined);
  });
});

describe('train view: message lines', () => {
  const make = () => {
    const l = { file: { textContent: '' as string | null }, train: { textContent: '' as string | null }, save: { textContent: '' as string | null }, predict: { textContent: '' as string | null } };
    return { l, lines: new StatusLines(l) };
  };

  it('shows host errors in the line of their action', () => {
    assert.equal(areaOf('file'), 'file');
    assert.equal(areaOf('train'), 'train');
    assert.equal(areaOf('save'), 'save');
    assert.equal(areaOf('predict'), 'predict');
    assert.equal(areaOf('general'), 'file');
  });

  it('a "name in use" message does not outlive the next action', () => {
    const { l, lines } = make();
    lines.show('save', 'Not saved: "churn-qa" is in use; choose another name or save again to replace it.');
    lines.show('train', 'Training cancelled; nothing was kept.');
    // the user predicts a row: earlier actions' messages go, and the prediction is shown alone
    lines.startAction();
    assert.deepEqual(Object.values(l).map((x) => x.textContent), ['', '', '', '']);
    lines.show('save', 'Saved to .product-forge/classifiers/churn-qa');
    assert.equal(l.save.textContent, 'Saved to .product-forge/classifiers/churn-qa');
    assert.equal(l.predict.textContent, '');
  });

  it("errors go to their action's alert line, outcomes to its status line, each replacing the other", () => {
    const { l } = make();
    const alerts = { save: { textContent: '' as string | null }, predict: { textContent: '' as string | null } };
    const lines = new StatusLines(l, alerts);
    lines.error('save', 'Not saved: "churn" is in use; choose another name or save again to replace it.');
    assert.equal(alerts.save.textContent, 'Not saved: "churn" is in use; choose another name or save again to replace it.');
    assert.equal(l.save.textContent, '', 'an error is not shown as an outcome');
    lines.show('save', 'Saved to .product-forge/classifiers/churn-2');
    assert.deepEqual([l.save.textContent, alerts.save.textContent], ['Saved to .product-forge/classifiers/churn-2', '']);
    // an area without its own alert line shows errors in its one line (the file and train lines are alerts)
    lines.error('train', 'Pick at least one feature column');
    assert.equal(l.train.textContent, 'Pick at least one feature column');
    lines.error('predict', 'model.onnx is missing');
    lines.startAction();
    assert.deepEqual([...Object.values(l), ...Object.values(alerts)].map((x) => x.textContent), ['', '', '', '', '', '']);
  });

  it('a stage is announced once: its counts and percentage are shown, not said', () => {
    assert.deepEqual(busyParts('cross-validation (2/5 folds done)'), { say: 'cross-validation', detail: ' (2/5 folds done)' });
    assert.deepEqual(busyParts('random forest (25/100 trees)'), { say: 'random forest', detail: ' (25/100 trees)' });
    assert.deepEqual(busyParts('embedding texts with all-MiniLM-L6-v2 (1,024/4,000)'), { say: 'embedding texts with all-MiniLM-L6-v2', detail: ' (1,024/4,000)' });
    assert.deepEqual(busyParts('reading', 37, 100), { say: 'reading', detail: ' 37%' });
    assert.deepEqual(busyParts('reading', 0, 0), { say: 'reading', detail: '…' });
    // a parenthesis that is no count is part of the stage
    assert.deepEqual(busyParts('logistic regression (all training rows)'), { say: 'logistic regression (all training rows)', detail: '…' });
    // each fold's update keeps the announced part as it was
    const says = ['cross-validation (0/5 folds done)', 'cross-validation (1/5 folds done)', 'cross-validation (5/5 folds done)'].map((x) => busyParts(x).say);
    assert.equal(new Set(says).size, 1);
    // the reader's progress ("reading" 37%) does not replace the fuller stage the host said first
    assert.equal(nextSay('reading churn.csv', 'reading'), 'reading churn.csv');
    assert.equal(nextSay('reading churn.csv', 'preprocessing'), 'preprocessing');
    assert.equal(nextSay('reading', 'reading churn.csv'), 'reading churn.csv');
  });

  it("the file's status line keeps how it was read and its warnings after a run", () => {
    const info = { file: '/w/data/churn.tsv', rowCount: 60000, columns: [{}, {}, {}] as never, delimiter: '\t', hasHeader: true, warnings: ['2 rows had fewer fields and were padded'] };
    const line = profileStatus(info);
    assert.match(line.replace(/[,.\u202f\u00a0 ](?=000)/g, ''), /^churn\.tsv: 60000 rows, 3 columns \(delimiter tab, header row\) — 2 rows had fewer fields and were padded$/);
    assert.equal(profileStatus({ ...info, file: 'C:\\w\\a.csv', rowCount: 5, delimiter: ';', hasHeader: false, warnings: [] }), "a.csv: 5 rows, 3 columns (delimiter ';', no header: columns named c0, c1, …)");
  });

  it('the charts are titled by their model and described in words', () => {
    // what each model's x axis counts: logistic regression's full-batch L-BFGS steps are no epochs
    assert.deepEqual(['logreg', 'mlp', 'gb'].map(stepName), ['L-BFGS iteration', 'epoch', 'boosting round']);
    assert.equal(chartName('loss', 'logreg'), 'Loss per L-BFGS iteration');
    assert.equal(chartName('accuracy', 'mlp'), 'Accuracy per epoch');
    assert.equal(curveTitle({ model: 'mlp', phase: 'fit' }), 'neural network');
    assert.equal(curveTitle({ model: 'logreg', phase: 'refit' }), 'logistic regression (refit on all training rows)');
    const e = (epoch: number, over: Partial<EpochInfo> = {}): EpochInfo => ({ model: 'mlp', epoch, trainLoss: 1 / epoch, trainAccuracy: 0.5 + epoch / 100, valLoss: 1.2 / epoch, valAccuracy: 0.45 + epoch / 100, phase: 'fit', ...over });
    const mlp = [e(1), e(2), e(3)];
    assert.equal(curveSummary(mlp, 'loss'), 'neural network: 3 epochs; last: training loss 0.333, validation loss 0.400');
    assert.equal(curveSummary(mlp, 'accuracy'), 'neural network: 3 epochs; last: training accuracy 53.0%, validation accuracy 48.0%');
    // logistic regression has no validation curve; one step is singular
    assert.equal(curveSummary([e(1, { model: 'logreg', valLoss: null, valAccuracy: null })], 'loss'), 'logistic regression: 1 L-BFGS iteration; last: training loss 1.000');
    assert.equal(curveSummary([], 'loss'), '');
  });

  it("a chart's legend keeps to one line: the curves' whole names when they fit, 'train' / 'validation' when not", () => {
    // a font of 6 px a character: "train accuracy" 84 px, "validation accuracy" 114 px; with boxes 10, half the font 6
    // and paddings 10: 260 px on one line
    const measure = (t: string) => 6 * t.length;
    assert.deepEqual(legendTexts('accuracy', 260, measure), ['train accuracy', 'validation accuracy']);
    assert.deepEqual(legendTexts('accuracy', 259, measure), ['train', 'validation']);
    // a 200 px sidebar leaves a chart about 170 px: "loss" fits less than whole too, the short names on one line
    assert.deepEqual(legendTexts('loss', 170, measure), ['train', 'validation']);
    const short = ['train', 'validation'].reduce((sum, t) => sum + 10 + 6 + measure(t) + 10, 10);
    assert.ok(short <= 170, `the short names fit on one line: ${short} px`);
    assert.deepEqual(legendTexts('loss', 600, measure), ['train loss', 'validation loss']);
    // a larger legend font needs more room
    assert.deepEqual(legendTexts('loss', 230, measure, 10, 12), ['train loss', 'validation loss']);
    assert.deepEqual(legendTexts('loss', 230, (t) => 8 * t.length, 10, 16), ['train', 'validation']);
  });

  it("the accuracy axis's tick labels are distinct and exact on any range", () => {
    // the walkthrough's axis: 98.0% to 99.0% by 0.2% read "98% 98% 99% 99% 99%"
    assert.deepEqual(percentTickLabels([0.98, 0.982, 0.984, 0.986, 0.988, 0.99]), ['98.0%', '98.2%', '98.4%', '98.6%', '98.8%', '99.0%']);
    // a wide range keeps whole percents; a step of 0.25% gets the two decimals it needs
    assert.deepEqual(percentTickLabels([0.5, 0.6, 0.7, 0.8]), ['50%', '60%', '70%', '80%']);
    assert.deepEqual(percentTickLabels([0.9825, 0.985, 0.9875]), ['98.25%', '98.50%', '98.75%']);
    // floating-point ticks (0.1 + 0.2) still read as the nice numbers they are
    assert.deepEqual(percentTickLabels([0.1 + 0.2, 0.4]), ['30%', '40%']);
    // ticks no decimal count writes exactly are at least kept apart
    const odd = percentTickLabels([1 / 3, 1 / 3 + 1e-3, 1 / 3 + 2e-3]);
    assert.equal(new Set(odd).size, 3, odd.join(' '));
    for (const [lo, step] of [[0.9, 0.0001], [0, 0.1], [0.97, 0.005], [0.999, 0.0002]]) {
      const labels = percentTickLabels(Array.from({ length: 6 }, (_, i) => lo + i * step));
      assert.equal(new Set(labels).size, 6, labels.join(' '));
    }
    assert.deepEqual(percentTickLabels([]), []);
  });

  it('a flat accuracy curve gets an axis inside 0–100%', () => {
    assert.deepEqual(accuracyRange(1, 1), { min: 0.95, max: 1 });
    assert.deepEqual(accuracyRange(0, 0), { min: 0, max: 0.05 });
    const mid = accuracyRange(0.5, 0.5);
    assert.ok(Math.abs(mid.min - 0.475) < 1e-12 && Math.abs(mid.max - 0.525) < 1e-12, JSON.stringify(mid));
    // a curve that moves keeps its own range
    assert.deepEqual(accuracyRange(0.98, 0.99), { min: 0.98, max: 0.99 });
  });

  it('empty states say what to do, in full, outside the narrow file list', () => {
    // the list's own entry stays short enough for a 300 px sidebar; the way out is said on the line under it
    const none = filePrompt(0);
    assert.ok(none.option.length <= 20, none.option);
    assert.match(none.hint, /Browse…/);
    assert.match(none.hint, /Train a Classifier on This File/);
    assert.deepEqual(filePrompt(3), { option: 'Pick a file…', hint: '' });
    assert.match(NO_CLASSIFIERS, /train one .* save it/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTable, tableFromRecords } from '../../src/core/train/csv';
import { profileTable } from '../../src/core/train/infer';
import { predictTable, trainClassifier } from '../../src/core/train/trainer';
import { loadClassifier, saveClassifier } from '../../src/core/train/artifact';
import { OnnxClassifier, predictFile } from '../../src/core/train/predict';
import { ProtoWriter } from '../../src/core/train/onnx';
import { runPredict, runTrain } from '../../src/cli/train';
import { mixedTable as mixedTable2, onnxLabelsAreArgmax } from './train.helpers';
import { productForgeOutputKind } from '../../src/core/readers';

/** A table mixing numeric (with gaps), categorical, date and text columns. */
function mixedTable(n: number) {
  const words = ['refund', 'slow', 'love', 'crash', 'great', 'price', 'support', 'login'];
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const label = ['billing', 'bug', 'praise'][k];
    const text = `${words[(i * 7) % 8]} ${k === 0 ? 'refund price' : k === 1 ? 'crash login' : 'love great'} ${words[(i * 3) % 8]}`;
    rows.push([String(i), i % 11 === 0 ? '' : String((k + 1) * 10 + (i % 5)), ['web', 'ios', 'android'][(i + k) % 3], `2024-0${(i % 9) + 1}-15`, text, label]);
  }
  return tableFromRecords(['id', 'score', 'platform', 'when', 'comment', 'label'], rows);
}

async function tmpDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-export-'));
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
  let out = '', err = '';
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => { out += s; return true; };
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => { err += s; return true; };
  try {
    const code = await fn();
    return { code, out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

describe('train: ONNX export', () => {
  let dir: string;
  before(async () => { dir = await tmpDir(); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('encodes protobuf varints and fields', () => {
    const w = new ProtoWriter();
    w.int(1, 300);
    w.string(2, 'hi');
    w.int(3, -1);
    assert.deepEqual([...w.finish()], [0x08, 0xac, 0x02, 0x12, 0x02, 0x68, 0x69, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  for (const model of ['logreg', 'mlp'] as const) {
    it(`onnxruntime-node predictions equal the in-process ${model}`, async () => {
      const t = mixedTable(150);
      const profiles = profileTable(t);
      const r = await trainClassifier(t, { target: 'label', model, hidden: [12, 6], epochs: 150, learningRate: 0.01 }, profiles);
      assert.ok(r.metrics.accuracy > 0.9, `accuracy ${r.metrics.accuracy}`);
      const saved = await saveClassifier(r, { parent: dir, name: `mixed ${model}`, profiles });
      assert.equal(path.basename(saved), `mixed-${model}`);
      const loaded = await loadClassifier(saved);
      assert.equal(loaded.metadata.modelKind, model);
      assert.deepEqual(loaded.metadata.labels, ['billing', 'bug', 'praise']);
      const clf = await OnnxClassifier.load(saved);
      const onnx = await clf.predictProba(t);
      const local = predictTable(r.classifier, t).proba;
      assert.equal(onnx.length, local.length);
      let maxDiff = 0;
      for (let i = 0; i < local.length; i++) maxDiff = Math.max(maxDiff, Math.abs(onnx[i] - local[i]));
      assert.ok(maxDiff < 1e-4, `max probability difference ${maxDiff}`);
      const K = 3;
      for (let row = 0; row < t.rowCount; row++) {
        const a = [0, 1, 2].reduce((b, k) => (onnx[row * K + k] > onnx[row * K + b] ? k : b), 0);
        const b = [0, 1, 2].reduce((c, k) => (local[row * K + k] > local[row * K + c] ? k : c), 0);
        assert.equal(a, b, `row ${row}`);
      }
      const typed = { id: '1', score: '25', platform: 'ios', when: '2024-02-15', comment: 'app crash on login' };
      const [one] = await clf.predictRecords([typed]);
      const cols = Object.keys(typed);
      const localOne = predictTable(r.classifier, tableFromRecords(cols, [cols.map((c) => typed[c as keyof typeof typed])])).proba;
      assert.equal(one.label, r.classifier.labels[[0, 1, 2].reduce((b, k) => (localOne[k] > localOne[b] ? k : b), 0)]);
      assert.ok(Math.abs(one.confidence - Math.max(...localOne)) < 1e-4);
      await clf.dispose();
      // the model's own "label" output (what other ONNX consumers read) is argmax(probabilities)
      assert.deepEqual((await onnxLabelsAreArgmax(saved, t)).every((c) => c > 0), true);
    });

    it(`the ${model} ONNX "label" output is argmax(probabilities) for two classes`, async () => {
      const t = mixedTable2(160, 2);
      const profiles = profileTable(t);
      const r = await trainClassifier(t, { target: 'label', model, hidden: [12, 6], epochs: 150, learningRate: 0.01 }, profiles);
      const saved = await saveClassifier(r, { parent: dir, name: `binary ${model}`, profiles });
      const counts = await onnxLabelsAreArgmax(saved, t);
      assert.equal(counts.length, 2);
      assert.ok(counts[0] > 0 && counts[1] > 0, `both classes predicted (${counts.join(', ')})`);
    });
  }

  it('never overwrites a saved classifier: a second save gets a new name', async () => {
    const t = mixedTable(60);
    const r = await trainClassifier(t, { target: 'label', model: 'logreg' });
    const a = await saveClassifier(r, { parent: dir, name: 'same' });
    const b = await saveClassifier(r, { parent: dir, name: 'same' });
    assert.notEqual(a, b);
    assert.equal(path.basename(b), 'same-2');
    assert.deepEqual((await fs.readdir(dir)).filter((f) => f.startsWith('.')), []);
  });

  it('replaces a saved classifier only when asked, and never any other folder', async () => {
    const r = await trainClassifier(mixedTable(60), { target: 'label', model: 'logreg' });
    const a = await saveClassifier(r, { parent: dir, name: 'swap' });
    const first = JSON.parse(await fs.readFile(path.join(a, 'metadata.json'), 'utf8')).createdAt;
    await new Promise((res) => setTimeout(res, 5));
    await assert.rejects(saveClassifier(r, { parent: dir, name: 'swap', onExisting: 'refuse' }), /already exists/);
    assert.equal(JSON.parse(await fs.readFile(path.join(a, 'metadata.json'), 'utf8')).createdAt, first);
    const b = await saveClassifier(r, { parent: dir, name: 'swap', onExisting: 'replace' });
    assert.equal(b, a);
    assert.notEqual(JSON.parse(await fs.readFile(path.join(b, 'metadata.json'), 'utf8')).createdAt, first);
    assert.equal((await loadClassifier(b)).metadata.target, 'label');
    // a classifier folder holding files of the user's own: replacing would delete them, so it is refused
    await fs.writeFile(path.join(a, 'NOTES.md'), 'mine');
    await assert.rejects(saveClassifier(r, { parent: dir, name: 'swap', onExisting: 'replace' }), /also holds NOTES\.md, which replacing the classifier would delete/);
    assert.equal(await fs.readFile(path.join(a, 'NOTES.md'), 'utf8'), 'mine');
    // a folder of the user's own is not a classifier: refused, untouched
    const mine = path.join(dir, 'notes');
    await fs.mkdir(mine);
    await fs.writeFile(path.join(mine, 'plan.md'), 'keep me');
    await assert.rejects(saveClassifier(r, { parent: dir, name: 'notes', onExisting: 'replace' }), /not a saved classifier; it is never replaced/);
    assert.deepEqual(await fs.readdir(mine), ['plan.md']);
    assert.deepEqual((await fs.readdir(dir)).filter((f) => f.startsWith('.')), [], 'no temp or old folders left');
  });
});

describe('train: CLI', () => {
  let dir: string;
  before(async () => { dir = await tmpDir(); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  async function writeCsv(name: string, content: string): Promise<string> {
    const p = path.join(dir, name);
    await fs.writeFile(p, content);
    return p;
  }

  it('trains with --json, saves, predicts to a new file and refuses to overwrite', async () => {
    const t = mixedTable(90);
    const csv = [t.columns.join(','), ...Array.from({ length: t.rowCount }, (_, r) => t.data.map((c) => c[r]).join(','))].join('\n');
    const file = await writeCsv('feedback.csv', csv);
    const save = path.join(dir, 'clf');
    const r = await capture(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '--json']));
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.model, 'logreg');
    assert.ok(j.accuracy > 0.8 && j.macro_f1 > 0.8);
    assert.deepEqual(Object.keys(j.per_class), ['billing', 'bug', 'praise']);
    assert.equal(j.confusion.length, 3);
    assert.ok(j.fit_seconds > 0);
    assert.ok(j.excluded.some((e: { name: string }) => e.name === 'id'));
    const before = await fs.readFile(file, 'utf8');
    const out = path.join(dir, 'pred.csv');
    const p = await capture(() => runPredict([save, file, '--out', out]));
    assert.equal(p.code, 0, p.err);
    const lines = (await fs.readFile(out, 'utf8')).trim().split('\n');
    assert.equal(lines[0], 'id,score,platform,when,comment,label,prediction,confidence');
    assert.equal(await productForgeOutputKind(out), 'predictions', 'skipped when its folder is analyzed');
    assert.equal(await productForgeOutputKind(file), undefined);
    assert.equal(lines.length, 91);
    assert.equal(await fs.readFile(file, 'utf8'), before);
    const again = await capture(() => runPredict([save, file, '--out', out]));
    assert.equal(again.code, 2);
    assert.match(again.err, /already exists.*--force/);
    assert.equal((await capture(() => runPredict([save, file, '--out', out, '--force']))).code, 0);
    // values it cannot read as trained are predicted (missing / unknown category) and named, per column
    const save2 = path.join(dir, 'clf-num-cat');
    assert.equal((await capture(() => runTrain([file, '--target', 'label', '--features', 'score,platform', '--model', 'logreg', '--save', save2, '--json']))).code, 0);
    const odd = await writeCsv('odd.csv', ['score,platform', 'abc,web', '12,windows phone', 'n/a?,blackberry', ',ios'].join('\n'));
    const w = await capture(() => runPredict([save2, odd, '--out', path.join(dir, 'odd-pred.csv'), '--json']));
    assert.equal(w.code, 0, w.err);
    const wj = JSON.parse(w.out);
    assert.equal(wj.rows, 4);
    assert.deepEqual(wj.warnings, [
      'column "score": 2 values are not a number (e.g. "abc"); read as missing',
      'column "platform": 2 values are never seen in training (e.g. "windows phone"); predicted as an unknown category',
    ]);
    assert.match(w.err, /warning: column "score": 2 values are not a number/);
    // ragged rows are predicted, and said
    const ragged = await writeCsv('ragged.csv', ['score,platform', '1,web,extra', '2,ios', '3,web'].join('\n'));
    const rg = await capture(() => runPredict([save2, ragged, '--out', path.join(dir, 'ragged-pred.csv'), '--json']));
    assert.equal(rg.code, 0, rg.err);
    assert.ok(JSON.parse(rg.out).warnings.some((x: string) => /^ragged\.csv: 1 row\(s\) had a different number of fields than the header/.test(x)), rg.out);
    const other = await writeCsv('other.csv', 'a,b\n1,2\n');
    const bad = await capture(() => runPredict([save, other, '--out', path.join(dir, 'x.csv')]));
    assert.equal(bad.code, 2);
    assert.match(bad.err, /lacks column\(s\) the classifier was trained on: .*comment/);
  });

  it('reports bad input clearly', async () => {
    const one = await writeCsv('one.csv', 'x,y\n1,a\n2,a\n3,a\n');
    let r = await capture(() => runTrain([one, '--target', 'y']));
    assert.equal(r.code, 2);
    assert.match(r.err, /single class/);
    r = await capture(() => runTrain([one]));
    assert.match(r.err, /--target COLUMN is required/);
    r = await capture(() => runTrain([one, '--target', 'y', '--test-split', 'abc']));
    assert.match(r.err, /--test-split needs a number/);
    r = await capture(() => runTrain([one, '--target', 'y', '--bogus']));
    assert.match(r.err, /unknown option --bogus/);
    // a Weka ARFF file is named as one, with what to do
    const arff = await writeCsv('vote.arff', '% votes\n@relation vote\n@attribute a {y,n}\n@attribute Class {d,r}\n@data\ny,d\nn,r\n');
    r = await capture(() => runTrain([arff, '--target', 'Class']));
    assert.equal(r.code, 2);
    assert.match(r.err, /vote\.arff is a Weka ARFF file, not a CSV\/TSV table: save it as CSV/);
    const empty = await writeCsv('empty.csv', 'x,y,z\n,a,1\n,b,2\n,a,3\n,b,4\n');
    r = await capture(() => runTrain([empty, '--target', 'y', '--features', 'x']));
    assert.match(r.err, /'x' is missing in every row/);
    r = await capture(() => runTrain([path.join(dir, 'nope.csv'), '--target', 'y']));
    assert.match(r.err, /does not exist/);
    r = await capture(() => runPredict([dir, one, '--out', path.join(os.tmpdir(), `pf-never-written-${process.pid}.csv`)]));
    assert.match(r.err, /not a saved classifier/);
    r = await capture(() => runTrain([one, '--target', 'y', '--save', one]));
    assert.match(r.err, /--save .*one\.csv is a file; give the folder/);
    assert.equal(await fs.readFile(one, 'utf8'), 'x,y\n1,a\n2,a\n3,a\n');
    // every error is one `product-forge:` line with exit code 2, like analyze and explain
    assert.equal(r.code, 2);
    assert.match(r.err, /^product-forge: --save /);
  });

  it('train --save to an existing folder is refused before training unless --force replaces the classifier there', async () => {
    const t = mixedTable(60);
    const csv = [t.columns.join(','), ...Array.from({ length: t.rowCount }, (_, r) => t.data.map((c) => c[r]).join(','))].join('\n');
    const file = await writeCsv('resave.csv', csv);
    const save = path.join(dir, 'resave');
    assert.equal((await capture(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
    const stamp = await fs.readFile(path.join(save, 'metadata.json'), 'utf8');
    const again = await capture(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '--json']));
    assert.equal(again.code, 2);
    assert.match(again.err, /^product-forge: --save .*resave already exists; pass --force to replace/);
    assert.equal(again.out, '', 'refused before training');
    assert.equal(await fs.readFile(path.join(save, 'metadata.json'), 'utf8'), stamp);
    const forced = await capture(() => runTrain([file, '--target', 'label', '--model', 'rf', '--trees', '5', '--save', save, '--force', '--json']));
    assert.equal(forced.code, 0, forced.err);
    assert.equal(JSON.parse(await fs.readFile(path.join(save, 'metadata.json'), 'utf8')).modelKind, 'rf');
    assert.ok(!(await fs.readdir(dir)).some((f) => f.startsWith('resave-')), 'no resave-2');
    const mine = path.join(dir, 'my-notes');
    await fs.mkdir(mine);
    await fs.writeFile(path.join(mine, 'a.txt'), 'mine');
    const notClf = await capture(() => runTrain([file, '--target', 'label', '--save', mine, '--force']));
    assert.equal(notClf.code, 2);
    assert.match(notClf.err, /not a saved classifier; it is never replaced/);
    assert.deepEqual(await fs.readdir(mine), ['a.txt']);
    // --save DIR is the folder as given; the early check looks at that same folder
    const exact = path.join(dir, 'My.Model');
    assert.equal((await capture(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', exact, '-q']))).code, 0);
    assert.ok((await fs.readdir(exact)).includes('metadata.json'));
    const exactAgain = await capture(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', exact, '--json']));
    assert.equal(exactAgain.code, 2);
    assert.equal(exactAgain.out, '', 'refused before training');
    // a --save under a file, an empty --name: refused before training
    // an empty folder made for it is used as it is
    const made = path.join(dir, 'made-for-it');
    await fs.mkdir(made);
    assert.equal((await capture(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', made, '-q']))).code, 0);
    assert.ok((await fs.readdir(made)).includes('model.onnx'));
    const underFile = await capture(() => runTrain([file, '--target', 'label', '--save', path.join(file, 'clf'), '--json']));
    assert.equal(underFile.code, 2);
    assert.match(underFile.err, /resave\.csv is a file, not a folder/);
    assert.equal(underFile.out, '');
    assert.equal((await capture(() => runTrain([file, '--target', 'label', '--name', '']))).code, 2);
    // predictions never go into the classifier's own folder (they would replace the model in use)
    const into = await capture(() => runPredict([exact, file, '--out', path.join(exact, 'metadata.json'), '--force']));
    assert.equal(into.code, 2);
    assert.match(into.err, /is inside .*My\.Model, which is being read/);
    assert.equal(JSON.parse(await fs.readFile(path.join(exact, 'metadata.json'), 'utf8')).format, 'product-forge-classifier');
    // ... also when the classifier is named through a symbolic link
    const link = path.join(dir, 'clf-link');
    await fs.symlink(exact, link);
    const viaLink = await capture(() => runPredict([link, file, '--out', path.join(exact, 'metadata.json'), '--force']));
    assert.equal(viaLink.code, 2);
    assert.match(viaLink.err, /which is being read/);
    // a device or pipe is never replaced by a file, even with --force
    if (process.platform === 'linux') {
      const fifo = path.join(dir, 'pipe.csv');
      execFileSync('mkfifo', [fifo]);
      const pipe = await capture(() => runPredict([exact, file, '--out', fifo, '--force']));
      assert.equal(pipe.code, 2);
      assert.match(pipe.err, /is not a regular file/);
      assert.ok((await fs.lstat(fifo)).isFIFO());
    }
  });
});

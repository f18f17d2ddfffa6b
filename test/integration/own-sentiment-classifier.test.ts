// A classifier trained on a team's own labelled feedback as the sentiment model: `train --save` on
// test/fixtures/train/labelled-feedback.csv (text -> negative / neutral / positive), then the BUILT CLI
// (dist/cli.js, the model worker in dist/worker.js) analyzes and explains with `--model <that folder>`.
// The scores must be the saved classifier's own probabilities (OnnxClassifier in-process), per item.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTrain } from '../../src/cli/train';
import { OnnxClassifier } from '../../src/core/train/predict';
import { ModelRuntime } from '../../src/runtime/client';
import { createSentimentClassifier } from '../../src/runtime/sentiment';
import { TrainClient } from '../../src/extension/trainClient';
import type { Prediction } from '../../src/core/train/predict';
import { quietly } from '../unit/train.helpers';

const root = path.resolve(__dirname, '..', '..');
const labelled = path.join(root, 'test', 'fixtures', 'train', 'labelled-feedback.csv');
const customers = path.join(root, 'test', 'fixtures', 'e2e-train', 'customers.csv');

function cli(args: string[], cwd = root): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(root, 'bin', 'product-forge.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe('a saved classifier as the sentiment model (built CLI + model worker)', function () {
  this.timeout(300_000);
  let dir: string;
  let save: string;

  before(async () => {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-own-sent-'));
    save = path.join(dir, 'our-sentiment');
    const r = await quietly(() => runTrain([labelled, '--target', 'sentiment', '--features', 'feedback', '--model', 'logreg', '--save', save, '--json']));
    assert.equal(r.code, 0, r.err);
  });
  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('analyze --model DIR labels every item with the classifier\'s own probabilities, mapped to sentiment', async () => {
    const input = path.join(dir, 'tickets.txt');
    const texts = ['The export crashes every time I open a large file.', 'Thank you, the new search is fantastic!', 'Is there a dark mode on the web version?', '界面很漂亮'];
    await fs.writeFile(input, texts.join('\n') + '\n');
    const r = cli(['analyze', input, '--model', save, '--format', 'json', '--device', 'cpu']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /saved classifier our-sentiment \(logreg, classes negative, neutral, positive\) reads the text as "feedback"/);
    const out = JSON.parse(r.stdout) as { model: { id: string; device: string }; items: { text: string; label: string; scores: Record<string, number> }[] };
    assert.equal(out.model.id, 'classifier:our-sentiment');
    assert.equal(out.model.device, 'cpu');
    assert.deepEqual(out.items.map((i) => i.text), texts);

    const clf = await OnnxClassifier.load(save);
    try {
      const preds = await clf.predictRecords(texts.map((t) => ({ feedback: t })));
      out.items.forEach((item, i) => {
        const want = Object.fromEntries(clf.labels.map((l, k) => [l, preds[i].probabilities[k]]));
        // (the JSON output rounds scores to 4 decimals)
        for (const l of ['negative', 'neutral', 'positive']) assert.ok(Math.abs(item.scores[l] - want[l]) <= 6e-5, `${item.text}: ${l} ${item.scores[l]} vs ${want[l]}`);
        assert.equal(item.label, preds[i].label);
      });
    } finally {
      await clf.dispose();
    }
  });

  it('the report and explain use it too; a two-class classifier never says neutral', async () => {
    const r = cli(['explain', 'The export crashes every time', '--model', save, '--device', 'cpu', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const ex = JSON.parse(r.stdout) as { label: string; tokens: { token: string; weight: number }[] };
    assert.deepEqual(ex.tokens.map((t) => t.token), ['The', 'export', 'crashes', 'every', 'time']);
    assert.ok(ex.tokens.some((t) => t.weight !== 0), 'occlusion moved the score');

    // Two classes: the rows with a neutral label left out.
    const csv = (await fs.readFile(labelled, 'utf8')).split('\n').filter((l) => !l.endsWith(',neutral')).join('\n');
    const two = path.join(dir, 'two.csv');
    await fs.writeFile(two, csv);
    const save2 = path.join(dir, 'polar');
    const t = await quietly(() => runTrain([two, '--target', 'sentiment', '--model', 'logreg', '--save', save2, '--json']));
    assert.equal(t.code, 0, t.err);
    const a = cli(['analyze', labelled, '--column', 'feedback', '--model', save2, '--format', 'jsonl', '--device', 'cpu']);
    assert.equal(a.status, 0, a.stderr);
    const rows = a.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; scores: Record<string, number> });
    assert.equal(rows.length, 60);
    assert.ok(rows.every((x) => x.label !== 'neutral' && x.scores.neutral === 0));
  });

  it('a classifier of star ratings (classes 1-5) labels feedback as the report reads ratings: 1-2 negative, 3 neutral, 4-5 positive', async () => {
    const reviews = path.join(root, 'samples', 'feedback', 'app-reviews.csv');
    const stars = path.join(dir, 'stars');
    const t = await quietly(() => runTrain([reviews, '--target', 'rating', '--features', 'review', '--model', 'logreg', '--save', stars, '--json']));
    assert.equal(t.code, 0, t.err);
    const texts = ['Crashes every time I open a notebook.', 'Love it, syncing is instant.'];
    const input = path.join(dir, 'two.txt');
    await fs.writeFile(input, texts.join('\n') + '\n');
    const r = cli(['analyze', input, '--model', stars, '--format', 'jsonl', '--device', 'cpu']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /classes 1, 2, 3, 4, 5 read as ratings \(1, 2 negative, 3 neutral, 4, 5 positive\)/);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { scores: Record<string, number> });
    const clf = await OnnxClassifier.load(stars);
    try {
      const preds = await clf.predictRecords(texts.map((x) => ({ review: x })));
      rows.forEach((row, i) => {
        const p = (cls: string[]) => cls.reduce((a, c) => a + preds[i].probabilities[clf.labels.indexOf(c)], 0);
        const want = { negative: p(['1', '2']), neutral: p(['3']), positive: p(['4', '5']) };
        for (const l of ['negative', 'neutral', 'positive'] as const) assert.ok(Math.abs(row.scores[l] - want[l]) <= 6e-5, `${texts[i]}: ${l} ${row.scores[l]} vs ${want[l]}`);
      });
    } finally {
      await clf.dispose();
    }
  });

  it('the model worker keeps a loaded classifier, and loads it again when its folder was saved anew under the same name', async () => {
    const runtime = new ModelRuntime({ workerScript: path.join(root, 'dist', 'worker.js') });
    const folder = path.join(dir, 'resaved');
    try {
      let t = await quietly(() => runTrain([labelled, '--target', 'sentiment', '--features', 'feedback', '--model', 'logreg', '--save', folder, '--json']));
      assert.equal(t.code, 0, t.err);
      const c = await createSentimentClassifier(runtime, { modelId: 'classifier:resaved', modelDir: folder, device: 'cpu', format: 'classifier' });
      const [first] = await c.classify(['Is there a Linux version?']);
      assert.ok(first.neutral > 0, 'three classes: some neutral');
      // Deleted and saved again with two classes, same folder and id: the next request uses the new one.
      await fs.rm(folder, { recursive: true });
      const two = path.join(dir, 'polar-only.csv');
      await fs.writeFile(two, (await fs.readFile(labelled, 'utf8')).split('\n').filter((l) => !l.endsWith(',neutral')).join('\n'));
      await new Promise((r) => setTimeout(r, 20));
      t = await quietly(() => runTrain([two, '--target', 'sentiment', '--model', 'logreg', '--save', folder, '--json']));
      assert.equal(t.code, 0, t.err);
      // Explain (a request without a load of its own): the saved folder is checked on every request.
      const ex = await c.explain('Is there a Linux version?');
      assert.equal(ex.scores.neutral, 0, 'explain used the re-saved two-class classifier');
      const job = await c.analyze({ inputs: [labelled], column: 'feedback', keepItems: false });
      assert.equal(job.result.counts.neutral, 0, 'the re-saved two-class classifier labelled the items');
      await c.dispose();
    } finally {
      await runtime.dispose();
    }
  });

  it('the Train view\'s worker also predicts with a folder saved anew under the same name, not the one it loaded before', async () => {
    const client = new TrainClient(path.join(root, 'dist', 'train-worker.js'), () => undefined);
    const folder = path.join(dir, 'resaved-train');
    try {
      assert.equal((await quietly(() => runTrain([labelled, '--target', 'sentiment', '--features', 'feedback', '--model', 'logreg', '--save', folder, '--json']))).code, 0);
      const row = { feedback: 'Is there a Linux version?' };
      const [first] = await client.request<Prediction[]>({ type: 'predictRows', modelDir: folder, rows: [row] }).done;
      assert.equal(first.probabilities.length, 3);
      await fs.rm(folder, { recursive: true });
      const two = path.join(dir, 'polar-only-2.csv');
      await fs.writeFile(two, (await fs.readFile(labelled, 'utf8')).split('\n').filter((l) => !l.endsWith(',neutral')).join('\n'));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal((await quietly(() => runTrain([two, '--target', 'sentiment', '--model', 'logreg', '--save', folder, '--json']))).code, 0);
      const [second] = await client.request<Prediction[]>({ type: 'predictRows', modelDir: folder, rows: [row] }).done;
      assert.equal(second.probabilities.length, 2, 'the two-class classifier saved anew predicted');
    } finally {
      client.dispose();
    }
  });

  it('--model takes a name saved by `train --name` (from the folder it was run in); a wrong folder says what it is', async () => {
    const ws = path.join(dir, 'ws');
    await fs.mkdir(ws);
    const t = cli(['train', labelled, '--target', 'sentiment', '--model', 'logreg', '--name', 'team-sentiment', '--json'], ws);
    assert.equal(t.status, 0, t.stderr);
    const a = cli(['analyze', labelled, '--column', 'feedback', '--model', 'team-sentiment', '--format', 'json'], ws);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).model.id, 'classifier:team-sentiment');
    const p = cli(['predict', 'team-sentiment', labelled, '--out', path.join(dir, 'p.csv')], ws);
    assert.equal(p.status, 0, p.stderr);
    const missing = cli(['analyze', labelled, '--column', 'feedback', '--model', './nope']);
    assert.match(missing.stderr, /--model \.\/nope: no such folder/);
    const empty = path.join(dir, 'empty-folder');
    await fs.mkdir(empty);
    const e = cli(['analyze', labelled, '--column', 'feedback', '--model', empty]);
    assert.match(e.stderr, /is a folder but neither a model \(config\.json, onnx\/\) nor a saved classifier/);
    assert.notEqual(e.status, 0);
  });

  it('refuses a classifier that is not a sentiment classifier, naming why', async () => {
    const churn = path.join(dir, 'churn');
    const t = await quietly(() => runTrain([customers, '--target', 'churned', '--model', 'logreg', '--save', churn, '--json']));
    assert.equal(t.code, 0, t.err);
    const r = cli(['analyze', labelled, '--column', 'feedback', '--model', churn, '--device', 'cpu']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /The classifier churn \(.*\) cannot analyze sentiment: it reads \d+ columns .*train it on the text alone/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  });
});

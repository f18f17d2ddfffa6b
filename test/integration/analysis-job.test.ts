// The whole Analyze Feedback job in the model worker ('analyze' request): the report folder it writes,
// progress, cancellation that leaves nothing behind, and the inference thread giving the same scores
// as the session on the worker's own thread.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnalyzeProgress } from '../../src/core/analysis';
import { CancelledError, SENTIMENT_LABELS } from '../../src/core/types';
import { ModelRuntime } from '../../src/runtime/client';
import { InferencePool, InferenceThread, InferenceThreadStopped } from '../../src/runtime/inference-client';
import { createSentimentClassifier, type RuntimeSentimentClassifier } from '../../src/runtime/sentiment';
import { buildWorker, bundledSentimentDir, SENTIMENT_ID } from '../unit/runtime.helpers';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLES = path.join(ROOT, 'samples', 'feedback');

function analysisTempDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('product-forge-analysis-'));
}

describe('analysis job in the model worker', function () {
  this.timeout(240000);
  let runtime: ModelRuntime;
  let clf: RuntimeSentimentClassifier;
  let work: string;
  const logs: string[] = [];

  before(async function () {
    const dir = bundledSentimentDir();
    if (!dir) {
      console.log(`    (skipped: the bundled model ${SENTIMENT_ID} is not built)`);
      this.skip();
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-job-'));
    runtime = new ModelRuntime({ workerScript: await buildWorker(), log: (l, m) => logs.push(`${l}: ${m}`) });
    clf = await createSentimentClassifier(runtime, { modelId: SENTIMENT_ID, modelDir: dir!, device: 'cpu', maxLength: 256 });
  });
  after(async () => {
    await runtime?.dispose();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('runs inference on its own thread', () => {
    assert.ok(logs.some((l) => /inference runs on \d+ threads? of its own/.test(l)), logs.join('\n'));
  });

  it('writes report.md, results.csv and summary.json for a folder, with progress, and keeps no temp file', async () => {
    const tempBefore = analysisTempDirs();
    const phases = new Set<string>();
    let last: AnalyzeProgress | undefined;
    const job = await clf.analyze(
      { inputs: [SAMPLES], report: { workspaceDir: work, baseName: 'feedback', reportsDir: path.join(work, 'reports') } },
      { onProgress: (p) => (phases.add(p.phase), (last = p)) },
    );
    const { result, report } = job;
    assert.ok(report, 'a report was written');
    assert.equal(path.dirname(report.dir), path.join(work, 'reports'));
    for (const f of [report.report, report.resultsCsv, report.summary]) assert.ok(fs.statSync(f).size > 0, f);
    const csvRows = fs.readFileSync(report.resultsCsv, 'utf8').trim().split(/\r\n/).length - 1;
    assert.ok(result.total > 100);
    // results.csv has one row per item (multi-line texts are quoted, so count at least the items).
    assert.ok(csvRows >= result.total, `${csvRows} csv lines for ${result.total} items`);
    const summary = JSON.parse(fs.readFileSync(report.summary, 'utf8'));
    assert.equal(summary.total, result.total);
    assert.deepEqual(summary.counts, result.counts);
    assert.equal(result.files.length, 5);
    assert.equal(result.itemsFile, '', 'the per-item temp file is deleted unless keepItems');
    assert.ok(phases.has('reading') && phases.has('done'), [...phases].join(','));
    assert.equal(last?.phase, 'done');
    assert.equal(last?.itemsDone, result.total);
    assert.deepEqual(analysisTempDirs().filter((d) => !tempBefore.includes(d)), []);
    assert.equal(job.load.cached, true, 'the loaded model was reused');
  });

  it('keeps the per-item file for the CLI when asked, in input order', async () => {
    const job = await clf.analyze({ inputs: [path.join(SAMPLES, 'support-tickets.txt')], keepItems: true });
    try {
      assert.equal(job.report, undefined);
      const lines = fs.readFileSync(job.result.itemsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(lines.length, job.result.total);
      const order = lines.map((r) => r.line);
      assert.deepEqual(order, [...order].sort((a, b) => a - b));
    } finally {
      fs.rmSync(path.dirname(job.result.itemsFile), { recursive: true, force: true });
    }
  });

  it('two analyses at once both say they shared the model (their items/s is no model rate); one alone does not', async () => {
    const big = path.join(work, 'shared-big.txt');
    fs.writeFileSync(big, Array.from({ length: 6000 }, (_, i) => `Item ${i}: the export to csv keeps failing since the update`).join('\n'));
    const small = path.join(SAMPLES, 'support-tickets.txt');
    const reports = path.join(work, 'shared-reports');
    const [a, b] = await Promise.all([
      clf.analyze({ inputs: [big], report: { workspaceDir: work, baseName: 'big', reportsDir: reports } }),
      clf.analyze({ inputs: [small], report: { workspaceDir: work, baseName: 'small', reportsDir: reports } }),
    ]);
    for (const j of [a, b]) {
      assert.equal(j.result.sharedModel, true);
      assert.match(fs.readFileSync(j.report!.report, 'utf8'), /items\/s, while another analysis ran beside it in the model worker\)/);
    }
    const alone = await clf.analyze({ inputs: [small], report: { workspaceDir: work, baseName: 'alone', reportsDir: reports } });
    assert.equal(alone.result.sharedModel, undefined);
    assert.doesNotMatch(fs.readFileSync(alone.report!.report, 'utf8'), /another analysis ran beside it/);
  });

  it('cancel stops the job and leaves no report folder and no temp file', async () => {
    const big = path.join(work, 'big.txt');
    const lines = Array.from({ length: 30000 }, (_, i) => `Item ${i}: ${i % 2 ? 'checkout keeps failing on the last step' : 'love the new dark mode'}`);
    fs.writeFileSync(big, lines.join('\n'));
    const reports = path.join(work, 'cancelled-reports');
    const tempBefore = analysisTempDirs();
    const ac = new AbortController();
    await assert.rejects(
      clf.analyze(
        { inputs: [big], report: { workspaceDir: work, baseName: 'big', reportsDir: reports } },
        { signal: ac.signal, onProgress: (p) => p.itemsDone > 0 && ac.abort() },
      ),
      (e: Error) => e instanceof CancelledError,
    );
    assert.ok(!fs.existsSync(reports) || fs.readdirSync(reports).length === 0, 'no report folder');
    // The worker removes its temp folder as it unwinds; give it a moment.
    for (let i = 0; i < 50 && analysisTempDirs().some((d) => !tempBefore.includes(d)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(analysisTempDirs().filter((d) => !tempBefore.includes(d)), []);
    assert.ok(fs.readFileSync(big, 'utf8').startsWith('Item 0:'), 'the input is untouched');
    // and the runtime still works
    const again = await clf.analyze({ inputs: [path.join(SAMPLES, 'survey.jsonl')] });
    assert.ok(again.result.total > 0);
  });

  it('bad input fails with a clear message before any model work', async () => {
    const empty = path.join(work, 'empty.csv');
    fs.writeFileSync(empty, '');
    await assert.rejects(clf.analyze({ inputs: [empty] }), /empty/i);
    await assert.rejects(clf.analyze({ inputs: [path.join(work, 'missing.txt')] }), /missing\.txt/);
  });

  it('the inference thread and the worker-thread session give the same scores', async () => {
    const texts = ['The export is broken again', '界面很漂亮，用起来也很顺手。', 'It is okay I guess', 'Fast shipping but the strap broke.'];
    const a = await clf.classify(texts);
    const prev = process.env.PRODUCT_FORGE_INFERENCE_THREAD;
    process.env.PRODUCT_FORGE_INFERENCE_THREAD = '0';
    const plainLogs: string[] = [];
    const plain = new ModelRuntime({ workerScript: await buildWorker(), log: (l, m) => plainLogs.push(m) });
    try {
      const c2 = await createSentimentClassifier(plain, { modelId: SENTIMENT_ID, modelDir: bundledSentimentDir()!, device: 'cpu', maxLength: 256 });
      const b = await c2.classify(texts);
      for (let i = 0; i < texts.length; i++) for (const l of SENTIMENT_LABELS) assert.ok(Math.abs(a[i][l] - b[i][l]) < 1e-5, `${texts[i]} ${l}`);
      assert.ok(!plainLogs.some((m) => /of its own/.test(m)));
    } finally {
      if (prev === undefined) delete process.env.PRODUCT_FORGE_INFERENCE_THREAD;
      else process.env.PRODUCT_FORGE_INFERENCE_THREAD = prev;
      await plain.dispose();
    }
  });

  it('a thread budget of 1 (productForge.inferenceThreads = 1) runs one inference thread with one intra-op thread and gives the same scores', async () => {
    const texts = ['The export is broken again', '界面很漂亮，用起来也很顺手。', 'It is okay I guess'];
    const a = await clf.classify(texts);
    const oneLogs: string[] = [];
    const one = new ModelRuntime({ workerScript: await buildWorker(), log: (l, m) => oneLogs.push(m) });
    try {
      const c1 = await createSentimentClassifier(one, { modelId: SENTIMENT_ID, modelDir: bundledSentimentDir()!, device: 'cpu', maxLength: 256, threads: 1 });
      const b = await c1.classify(texts);
      for (let i = 0; i < texts.length; i++) for (const l of SENTIMENT_LABELS) assert.ok(Math.abs(a[i][l] - b[i][l]) < 1e-5, `${texts[i]} ${l}`);
      assert.ok(oneLogs.some((m) => /inference runs on 1 thread of its own \(1 intra-op thread each; budget 1 of \d+ cores\)/.test(m)), oneLogs.join('\n'));
    } finally {
      await one.dispose();
    }
  });

  describe('inference threads', () => {
    const opts = (modelFile: string) => ({
      modelFile,
      sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } },
      outputName: 'logits',
    });
    // [CLS] tokens [SEP] of two short rows, padded
    const batch = () => {
      const ids = new BigInt64Array([2n, 100n, 200n, 3n, 2n, 300n, 3n, 0n]);
      const mask = new BigInt64Array([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
      return [ids, mask, [2, 4]] as const;
    };
    let script: string;
    before(async () => {
      script = path.join(path.dirname(await buildWorker()), 'inference-thread.js');
    });

    it('a thread runs batches, and after close() rejects with InferenceThreadStopped', async () => {
      const t = await InferenceThread.start(script, opts(path.join(bundledSentimentDir()!, 'onnx', 'model.onnx')));
      const [ids, mask, dims] = batch();
      const out = await t.run(ids, mask, [...dims], true);
      assert.deepEqual([...out.dims], [2, 3]);
      assert.ok(out.data.every(Number.isFinite));
      t.close();
      for (let i = 0; i < 50 && !t.stopped; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(t.stopped, 'the thread exited');
      const [ids2, mask2, dims2] = batch();
      await assert.rejects(t.run(ids2, mask2, [...dims2], true), (e: Error) => e instanceof InferenceThreadStopped);
    });

    it('a missing model file fails the start with the reason; a pool keeps the threads that started', async () => {
      await assert.rejects(InferenceThread.start(script, opts(path.join(work, 'nope.onnx'))), /nope\.onnx|No such file|failed/i);
      const pool = await InferencePool.start(script, opts(path.join(bundledSentimentDir()!, 'onnx', 'model.onnx')), 2);
      try {
        assert.equal(pool.size, 2);
        const runs = await Promise.all([0, 1, 2, 3].map(() => { const [a, b, d] = batch(); return pool.run(a, b, [...d], true); }));
        for (const r of runs) assert.deepEqual(Array.from(r.data), Array.from(runs[0].data), 'every thread gives the same logits');
      } finally {
        pool.close();
      }
    });
  });
});

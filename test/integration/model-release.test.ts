// A setting changed while an analysis runs (the extension unloads the sentiment model, or loads it again with
// another thread budget or device) must not take the model from under the running job: it finishes, and the
// old sessions are released after it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelRuntime } from '../../src/runtime/client';
import { createSentimentClassifier } from '../../src/runtime/sentiment';
import { buildWorker, bundledSentimentDir, SENTIMENT_ID } from '../unit/runtime.helpers';

describe('model release during an analysis', function () {
  this.timeout(240000);
  let runtime: ModelRuntime;
  let work: string;
  let input: string;
  const logs: string[] = [];
  const ROWS = 20000;

  before(async function () {
    if (!bundledSentimentDir()) {
      console.log(`    (skipped: the bundled model ${SENTIMENT_ID} is not built)`);
      this.skip();
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-release-'));
    input = path.join(work, 'feedback.txt');
    const words = ['great', 'terrible', 'slow', 'fast', 'shipping', 'broke', 'love', 'strap', 'battery', 'price'];
    fs.writeFileSync(input, Array.from({ length: ROWS }, (_, i) => Array.from({ length: 10 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ') + ` ${i}`).join('\n'));
    runtime = new ModelRuntime({ workerScript: await buildWorker(), log: (l, m) => logs.push(`${l}: ${m}`) });
  });
  after(async () => {
    await runtime?.dispose();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  for (const change of ['unloaded', 'reloaded with another thread budget'] as const) {
    it(`an analysis finishes when its model is ${change} meanwhile`, async () => {
      const dir = bundledSentimentDir()!;
      const clf = await createSentimentClassifier(runtime, { modelId: SENTIMENT_ID, modelDir: dir, device: 'cpu', threads: 2 });
      let changed: Promise<unknown> | undefined;
      const job = await clf.analyze(
        { inputs: [input], itemsOnly: true, report: { workspaceDir: work, baseName: 'feedback', reportsDir: path.join(work, 'reports') } },
        {
          onProgress: (p) => {
            if (changed || p.itemsDone === 0) return;
            // as SentimentModelHost.drop() does on a settings change, or the next command loading the model anew
            changed = change === 'unloaded'
              ? clf.dispose()
              : createSentimentClassifier(runtime, { modelId: SENTIMENT_ID, modelDir: dir, device: 'cpu', threads: 1 });
          },
        },
      );
      assert.ok(changed, 'the model changed while the job ran');
      await changed;
      assert.equal(job.result.total, ROWS);
      assert.ok(job.report && fs.existsSync(job.report.resultsCsv));
      assert.ok(!logs.some((l) => /Session already disposed/.test(l)), logs.join('\n'));
      // the worker still works after the old sessions were released
      const again = await createSentimentClassifier(runtime, { modelId: SENTIMENT_ID, modelDir: dir, device: 'cpu', threads: 2 });
      const [s] = await again.classify(['the strap broke after a day']);
      assert.ok(s.negative > s.positive);
    });
  }
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFoldsHere, type FoldJob } from '../../src/core/train/cv';
import type { ModelKind } from '../../src/core/train/model';
import { csrRows } from '../../src/core/train/sparse';
import { createFoldPool, cvWorkerScript, defaultFoldHelpers } from '../../src/runtime/cv-pool';
import { CancelledError } from '../../src/core/types';
import { tableFromRecords, type Table } from '../../src/core/train/csv';
import { trainClassifier, type TrainOptions, type TrainResult } from '../../src/core/train/trainer';
import { predictProba } from '../../src/core/train/model';
import { xor } from './train.helpers';

/** Five folds of XOR-like data with every model kind. */
function jobs(models: ModelKind[] = ['logreg', 'mlp', 'rf', 'gb']): FoldJob[] {
  const { X, y } = xor(300, 7);
  const out: FoldJob[] = [];
  for (let f = 0; f < 5; f++) {
    const tr: number[] = [], te: number[] = [];
    for (let i = 0; i < y.length; i++) (i % 5 === f ? te : tr).push(i);
    out.push({
      X: csrRows(X, tr), y: Int32Array.from(tr, (i) => y[i]), Xte: csrRows(X, te), K: 2, models, seed: 0,
      settings: { C: 1, maxIter: 300, cw: 'none', nTrees: 20, nRounds: 20, mlp: { epochs: 20, learningRate: 1e-2, vShare: 0.1 } },
    });
  }
  return out;
}

/** Trains again with a 1-helper pool: the same candidates, scores, model and test accuracy as `one` (no pool). */
async function assertSameWithPool(t: Table, opts: TrainOptions, one: TrainResult): Promise<void> {
  const pool = createFoldPool({ helpers: 1 });
  try {
    const two = await trainClassifier(t, { ...opts, foldRunner: pool.run });
    assert.ok(pool.stats.onHelpers >= 1, 'no job ran on the helper');
    assert.deepEqual(two.candidates, one.candidates);
    assert.equal(two.classifier.network.kind, one.classifier.network.kind);
    assert.equal(two.metrics.accuracy, one.metrics.accuracy);
  } finally {
    await pool.dispose();
  }
}

describe('runtime: cross-validation pool', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-cv-pool-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('finds the built helper and leaves one core to the calling thread', () => {
    assert.ok(cvWorkerScript(), 'dist/cv-worker.js (npm test builds it first)');
    assert.equal(defaultFoldHelpers(1), 0);
    assert.equal(defaultFoldHelpers(2), 1);
    assert.equal(defaultFoldHelpers(64), 4);
  });

  it('helper threads give exactly the probabilities of running every fold here, and report each fold', async () => {
    const js = jobs();
    const here = await runFoldsHere(js, undefined, () => {});
    const pool = createFoldPool({ helpers: 2 });
    try {
      const seen: number[] = [];
      const spread = await pool.run(js, undefined, (done, total) => { assert.equal(total, 5); seen.push(done); });
      assert.deepEqual(seen, [1, 2, 3, 4, 5]);
      assert.equal(pool.stats.jobs, 5);
      assert.ok(pool.stats.onHelpers >= 1 && pool.stats.onHelpers <= 4, `folds on helpers: ${pool.stats.onHelpers}`);
      here.forEach((r, j) => {
        for (const m of ['logreg', 'mlp', 'rf', 'gb'] as ModelKind[]) assert.deepEqual(Array.from(spread[j].proba[m]!), Array.from(r.proba[m]!), `fold ${j} ${m}`);
      });
      // The helpers stay for the next run.
      const again = await pool.run(js.slice(0, 2), undefined, () => {});
      assert.deepEqual(Array.from(again[1].proba.rf!), Array.from(here[1].proba.rf!));
    } finally {
      await pool.dispose();
    }
  });

  it('idle helpers stop after the idle time and start again for the next run', async () => {
    const js = jobs(['logreg']);
    const pool = createFoldPool({ helpers: 1, idleMs: 100 });
    try {
      await pool.run(js, undefined, () => {});
      assert.equal(pool.liveHelpers, 1);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(pool.liveHelpers, 0);
      const again = await pool.run(js, undefined, () => {});
      assert.equal(again.length, 5);
      assert.equal(pool.liveHelpers, 1);
    } finally {
      await pool.dispose();
    }
    assert.equal(pool.liveHelpers, 0);
  });

  it('a helper that dies has its fold run on the calling thread', async () => {
    const broken = path.join(dir, 'broken-helper.js');
    await fs.writeFile(broken, "process.exit(3);\n");
    const js = jobs(['logreg', 'rf']);
    const pool = createFoldPool({ helpers: 2, script: broken });
    try {
      const r = await pool.run(js, undefined, () => {});
      const here = await runFoldsHere(js, undefined, () => {});
      r.forEach((res, j) => assert.deepEqual(Array.from(res.proba.logreg!), Array.from(here[j].proba.logreg!)));
      assert.deepEqual(pool.stats, { jobs: 5, onHelpers: 0 });
    } finally {
      await pool.dispose();
    }
  });

  it('cancelling stops the run with CancelledError, and the pool works again afterwards', async () => {
    const js = jobs(['mlp', 'gb']);
    const pool = createFoldPool({ helpers: 1 });
    try {
      const ac = new AbortController();
      const run = pool.run(js, ac.signal, () => {});
      setTimeout(() => ac.abort(), 20);
      await assert.rejects(run, CancelledError);
      const r = await pool.run(js.slice(0, 2), undefined, () => {});
      assert.equal(r.length, 2);
      assert.ok(r[1].proba.gb && r[1].proba.gb.length === js[1].Xte.rows * 2);
    } finally {
      await pool.dispose();
    }
  });

  it('a job that keeps its models gets them back from the helper, equal to the ones fitted here', async () => {
    const [job] = jobs(['rf', 'gb']);
    job.keep = true;
    const pool = createFoldPool({ helpers: 1 });
    try {
      const [there] = await pool.run([job], undefined, () => {}, { preferHelpers: true });
      const [here] = await runFoldsHere([job], undefined, () => {});
      for (const m of ['rf', 'gb'] as const) {
        const a = there.nets![m]!, b = here.nets![m]!;
        assert.equal(a.kind, m);
        assert.deepEqual(Array.from(predictProba(a, job.Xte)), Array.from(predictProba(b, job.Xte)), m);
        assert.deepEqual(Array.from(there.proba[m]!), Array.from(here.proba[m]!));
      }
    } finally {
      await pool.dispose();
    }
  });

  it('auto on a large table fits its tree models on a helper and chooses as on one thread', async () => {
    const { rows, y } = xor(6400, 9);
    const t = tableFromRecords(['a', 'b', 'c', 'd', 'label'], rows.map((r, i) => [...r.map(String), (y[i] === 1) !== (i % 10 === 0) ? 'odd' : 'even']));
    const one = await trainClassifier(t, { target: 'label', seed: 0, epochs: 15 });
    assert.equal(one.classifier.settings.cvFolds, undefined, 'above the cross-validation size');
    assert.deepEqual(one.candidates.map((c) => c.model), ['logreg', 'mlp', 'rf', 'gb']);
    await assertSameWithPool(t, { target: 'label', seed: 0, epochs: 15 }, one);
  });

  it('auto with the pool picks the same model with the same scores as on one thread', async () => {
    const { rows, y } = xor(400, 6);
    const t = tableFromRecords(['a', 'b', 'c', 'd', 'label'], rows.map((r, i) => [...r.map(String), y[i] ? 'odd' : 'even']));
    const opts = { target: 'label', seed: 0, epochs: 30 };
    await assertSameWithPool(t, opts, await trainClassifier(t, opts));
  });
});

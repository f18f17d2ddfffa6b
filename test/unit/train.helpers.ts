// Shared fixtures of the training tests: XOR-like data, a mixed-type table, and the CLI round trip
// (train --save --json, then predict) that every model kind goes through.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { tableFromRecords } from '../../src/core/train/csv';
import { CsrBuilder, rng, type Csr } from '../../src/core/train/sparse';
import { runPredict, runTrain } from '../../src/cli/train';
import type { Table } from '../../src/core/train/csv';
import { OnnxClassifier } from '../../src/core/train/predict';
import { loadClassifier } from '../../src/core/train/artifact';
import { Preprocessor } from '../../src/core/train/preprocess';
import { csrToDense } from '../../src/core/train/sparse';
import { ONNX_INPUT, ONNX_LABEL, ONNX_PROBABILITIES } from '../../src/core/train/onnx';
import { predictTable, type TrainResult } from '../../src/core/train/trainer';

/** XOR-like quadrants with two noise features: label = (x > 0) xor (y > 0). */
export function xor(n: number, seed: number): { X: Csr; y: Int32Array; rows: number[][] } {
  const rand = rng(seed);
  const b = new CsrBuilder(4);
  const y = new Int32Array(n);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r = [rand() * 2 - 1, rand() * 2 - 1, rand(), rand()];
    r.forEach((v, j) => b.push(j, v));
    b.endRow();
    y[i] = (r[0] > 0) !== (r[1] > 0) ? 1 : 0;
    rows.push(r);
  }
  return { X: b.build(), y, rows };
}

/** A table mixing numeric (with gaps), categorical and short text columns; 2 or 3 classes. */
export function mixedTable(n: number, classes = 3) {
  const words = ['refund', 'slow', 'love', 'crash', 'great', 'price', 'support', 'login'];
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    const label = ['billing', 'bug', 'praise'][k];
    const text = `${words[(i * 7) % 8]} ${k === 0 ? 'refund price' : k === 1 ? 'crash login' : 'love great'} ${words[(i * 3) % 8]}`;
    rows.push([String(i), i % 11 === 0 ? '' : String((k + 1) * 10 + (i % 5) + ((i * 13) % 7) / 3), ['web', 'ios', 'android'][(i + k) % 3], text, label]);
  }
  return tableFromRecords(['id', 'score', 'platform', 'comment', 'label'], rows);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs a CLI command with stdout and stderr captured (not shown). */
export async function quietly(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
  let out = '', err = '';
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => { out += s; return true; };
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => { err += s; return true; };
  try {
    return { code: await fn(), out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

/** `train` a 120-row mixed table with extra arguments, `--save` and `--json`, then `predict` on it: the JSON
 *  summary, the saved metadata and the prediction file's line count. */
export async function cliTrainAndPredict(dir: string, name: string, args: string[]): Promise<{ json: Record<string, unknown>; meta: Record<string, any>; predictedLines: number }> {
  const t = mixedTable(120);
  const csv = [t.columns.join(','), ...Array.from({ length: t.rowCount }, (_, r) => t.data.map((c) => c[r]).join(','))].join('\n');
  const file = path.join(dir, `${name}.csv`);
  await fs.writeFile(file, csv);
  const save = path.join(dir, name);
  const r = await quietly(() => runTrain([file, '--target', 'label', ...args, '--save', save, '--json']));
  if (r.code !== 0) throw new Error(`train exited with ${r.code}`);
  const meta = JSON.parse(await fs.readFile(path.join(save, 'metadata.json'), 'utf8'));
  const out = path.join(dir, `${name}-pred.csv`);
  const p = await quietly(() => runPredict([save, file, '--out', out]));
  if (p.code !== 0) throw new Error(`predict exited with ${p.code}`);
  return { json: JSON.parse(r.out), meta, predictedLines: (await fs.readFile(out, 'utf8')).trim().split('\n').length };
}

/** Loads a saved mixedTable classifier with onnxruntime and returns the largest probability difference from the
 *  in-process model on `t`; also predicts one typed record, which must get one of the labels. */
export async function onnxParity(saved: string, r: TrainResult, t: Table): Promise<number> {
  const clf = await OnnxClassifier.load(saved);
  try {
    const onnx = await clf.predictProba(t);
    const local = predictTable(r.classifier, t).proba;
    if (onnx.length !== local.length) throw new Error(`onnx gives ${onnx.length} probabilities, in-process ${local.length}`);
    const [one] = await clf.predictRecords([{ id: '1', score: '25', platform: 'ios', comment: 'app crash on login' }]);
    if (!r.classifier.labels.includes(one.label)) throw new Error(`typed record predicted as '${one.label}'`);
    const counts = await onnxLabelsAreArgmax(saved, t);
    if (counts.filter((c) => c > 0).length < 2) throw new Error(`every row predicted as one class (${counts.join(', ')}): the label check proves little`);
    return maxAbsDiff(onnx, local);
  } finally {
    await clf.dispose();
  }
}

/** Runs a saved classifier's model.onnx on the preprocessed rows of `t` as any ONNX consumer would (both outputs
 *  requested) and throws unless the `label` output is argmax(`probabilities`) on every row (first maximum on ties).
 *  Returns the number of rows per predicted class index. */
export async function onnxLabelsAreArgmax(saved: string, t: Table): Promise<number[]> {
  const ortMod = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const loaded = await loadClassifier(saved);
  const pre = new Preprocessor(loaded.preprocessing);
  const D = pre.nFeatures, K = loaded.metadata.labels.length;
  const session = await ortMod.InferenceSession.create(loaded.modelPath, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    const dense = csrToDense(pre.transform(t));
    const res = await session.run({ [ONNX_INPUT]: new ortMod.Tensor('float32', dense, [t.rowCount, D]) }, [ONNX_PROBABILITIES, ONNX_LABEL]);
    const p = res[ONNX_PROBABILITIES].data as Float32Array;
    const label = res[ONNX_LABEL].data as BigInt64Array;
    if (label.length !== t.rowCount) throw new Error(`label output has ${label.length} values for ${t.rowCount} rows`);
    const counts = new Array<number>(K).fill(0);
    const wrong: number[] = [];
    for (let row = 0; row < t.rowCount; row++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (p[row * K + k] > p[row * K + best]) best = k;
      // a near-tie may go either way in float32
      const tie = Math.abs(p[row * K + best] - p[row * K + Number(label[row])]) < 1e-6;
      if (Number(label[row]) !== best && !tie) wrong.push(row);
      counts[best]++;
    }
    if (wrong.length) throw new Error(`ONNX label output differs from argmax(probabilities) on ${wrong.length} of ${t.rowCount} rows (${loaded.metadata.modelKind}, ${K} classes; first row ${wrong[0]})`);
    return counts;
  } finally {
    await session.release?.();
  }
}

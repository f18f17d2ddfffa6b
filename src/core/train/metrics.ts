// Classification metrics and stratified splitting.
import { rng, shuffleInPlace } from './sparse';
import { UserError } from '../types';

export interface PerClass {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  accuracy: number;
  macroF1: number;
  perClass: PerClass[];
  /** confusion[true][predicted], in label order. */
  confusion: number[][];
  /** Rows evaluated. */
  rows: number;
}

/** Metrics of predicted class indices against true ones (labels give the names and K). */
export function computeMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: string[]): Metrics {
  const K = labels.length;
  const confusion = labels.map(() => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) {
    confusion[yTrue[i]][yPred[i]]++;
    if (yTrue[i] === yPred[i]) correct++;
  }
  const perClass: PerClass[] = labels.map((label, k) => {
    const tp = confusion[k][k];
    let predicted = 0, support = 0;
    for (let j = 0; j < K; j++) { predicted += confusion[j][k]; support += confusion[k][j]; }
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  // Macro average over classes present in the truth or the predictions (as sklearn's default labels).
  const present = perClass.filter((_, k) => perClass[k].support > 0 || confusion.some((row) => row[k] > 0));
  const macroF1 = present.length ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0;
  return { accuracy: yTrue.length ? correct / yTrue.length : 0, macroF1, perClass, confusion, rows: yTrue.length };
}

/** Warnings about the evaluation: rare classes, a small test set, classes absent from it. */
export function metricWarnings(trainCounts: number[], testCounts: number[], labels: string[]): string[] {
  const w: string[] = [];
  const rare = labels.filter((_, k) => trainCounts[k] < 10);
  if (rare.length) w.push(`rare class${rare.length > 1 ? 'es' : ''} with fewer than 10 training rows: ${rare.slice(0, 10).join(', ')}${rare.length > 10 ? ', ...' : ''}; their scores are unreliable`);
  const nTest = testCounts.reduce((a, b) => a + b, 0);
  if (nTest < 50) w.push(`the evaluation set has only ${nTest} rows; accuracy can move by ${Math.round(100 / Math.max(nTest, 1))} points per row`);
  const absent = labels.filter((_, k) => testCounts[k] === 0);
  if (absent.length) w.push(`class${absent.length > 1 ? 'es' : ''} missing from the evaluation set: ${absent.slice(0, 10).join(', ')}`);
  return w;
}

/**
 * Stratified split of row indices by class: about `share` of every class goes to the second part
 * (at least one row of each class with two or more rows). Deterministic for a seed.
 */
export function stratifiedSplit(y: ArrayLike<number>, K: number, share: number, seed: number): { train: Int32Array; test: Int32Array } {
  if (!(share > 0 && share < 1)) throw new UserError(`the split share must be between 0 and 1 (got ${share})`);
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const rand = rng(seed);
  const train: number[] = [], test: number[] = [];
  for (const rows of byClass) {
    shuffleInPlace(rows, rand);
    let nt = Math.round(rows.length * share);
    if (rows.length >= 2) nt = Math.min(Math.max(nt, 1), rows.length - 1);
    else nt = 0;
    for (let i = 0; i < rows.length; i++) (i < nt ? test : train).push(rows[i]);
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** Sorts labels naturally: numbers numerically, then strings. */
export function sortLabels(labels: Iterable<string>): string[] {
  return [...labels].sort((a, b) => {
    const x = Number(a), y = Number(b);
    const nx = a !== '' && !isNaN(x), ny = b !== '' && !isNaN(y);
    if (nx && ny) return x - y;
    if (nx !== ny) return nx ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

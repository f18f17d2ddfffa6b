// One fold of auto's cross-validation as a self-contained job: the fold's training rows, its held-out
// rows and the settings go in, each model's class probabilities on the held-out rows come out (and the
// fitted models when asked: auto on large data fits its tree models this way, on a helper thread). Jobs
// are plain data (typed arrays, numbers), so a FoldRunner may run them on other threads
// (src/runtime/cv-pool.ts) as well as here; the results are the same either way.
import { csrRows, pickInt32, type Csr } from './sparse';
import { fitLogReg, logregNetwork } from './logreg';
import { fitMlp } from './mlp';
import { fitForest } from './forest';
import { fitBoosted } from './boost';
import { predictProba, type ModelKind, type Network } from './model';
import { stratifiedSplit } from './metrics';

export interface CvSettings {
  C: number;
  maxIter: number;
  cw: 'none' | 'balanced';
  nTrees: number;
  nRounds: number;
  forestView?: Int32Array;
  mlp: { hidden?: number[]; dropout?: number; epochs?: number; batchSize?: number; learningRate?: number; alpha?: number; patience?: number; vShare: number };
}

export interface FoldJob {
  /** The fold's training rows and labels, and its held-out rows. */
  X: Csr;
  y: Int32Array;
  Xte: Csr;
  K: number;
  models: ModelKind[];
  seed: number;
  settings: CvSettings;
  /** Also return the fitted models. */
  keep?: boolean;
}

export interface FoldResult {
  /** Each model's probabilities on the held-out rows (rows x K, row-major). */
  proba: Partial<Record<ModelKind, Float64Array>>;
  /** The fitted models, when the job asked to keep them. */
  nets?: Partial<Record<ModelKind, Network>>;
}

/** Runs fold jobs (in any order, on any thread) and resolves with their results in job order; calls
 *  onDone after each finished job. Rejects with CancelledError when the signal aborts. preferHelpers: the
 *  calling thread has other work; it runs jobs only when no helper thread can. */
export type FoldRunner = (jobs: FoldJob[], signal: AbortSignal | undefined, onDone: (done: number, total: number) => void, opts?: { preferHelpers?: boolean }) => Promise<FoldResult[]>;

/** Balanced sample weights (n / (K * count of the row's class)) or none. */
export function classWeights(y: Int32Array, K: number, mode: 'none' | 'balanced'): Float64Array | undefined {
  if (mode !== 'balanced') return undefined;
  const counts = new Array<number>(K).fill(0);
  for (const k of y) counts[k]++;
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) w[i] = y.length / (K * counts[y[i]]);
  return w;
}

/** Fits every model of the job on its training rows and scores the held-out rows. */
export async function runFold(job: FoldJob, signal?: AbortSignal): Promise<FoldResult> {
  const { X, y, Xte, K, seed, settings: s } = job;
  const D = X.cols;
  const sw = classWeights(y, K, s.cw);
  const out: FoldResult = { proba: {} };
  if (job.keep) out.nets = {};
  for (const m of job.models) {
    let net: Network;
    if (m === 'logreg') {
      const fit = await fitLogReg(X, y, K, { C: s.C, maxIter: s.maxIter, sampleWeight: sw, signal });
      net = logregNetwork(fit.params, D, K);
    } else if (m === 'rf') {
      net = { kind: 'rf', forest: await fitForest(X, y, K, { nTrees: s.nTrees, seed, features: s.forestView, sampleWeight: sw, signal }) };
    } else if (m === 'gb') {
      net = { kind: 'gb', forest: await fitBoosted(X, y, K, { nRounds: s.nRounds, features: s.forestView, sampleWeight: sw, signal }) };
    } else {
      // Early stopping on an inner validation split of the fold's training rows.
      const counts = new Array<number>(K).fill(0);
      for (const c of y) counts[c]++;
      const inner = counts.every((c) => c === 0 || c >= 2) && y.length >= 20 ? stratifiedSplit(y, K, s.mlp.vShare, seed + 1) : undefined;
      const Xin = inner ? csrRows(X, inner.train) : X, yin = inner ? pickInt32(y, inner.train) : y;
      const Xv = inner ? csrRows(X, inner.test) : null, yv = inner ? pickInt32(y, inner.test) : null;
      const { vShare: _v, ...mlp } = s.mlp;
      net = (await fitMlp(Xin, yin, K, Xv, yv, { ...mlp, seed, sampleWeight: classWeights(yin, K, s.cw), signal })).network;
    }
    out.proba[m] = predictProba(net, Xte);
    if (out.nets) out.nets[m] = net;
  }
  return out;
}

/** Runs the jobs one after another on this thread. */
export const runFoldsHere: FoldRunner = async (jobs, signal, onDone) => {
  const out: FoldResult[] = [];
  for (const job of jobs) {
    out.push(await runFold(job, signal));
    onDone(out.length, jobs.length);
  }
  return out;
};

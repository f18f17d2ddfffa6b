// dist/cv-worker.js: a helper thread of the cross-validation pool (cv-pool.ts). It runs one fold job
// at a time ({id, job} in, {id, result} or {id, error} out) with the same code as the training thread,
// so a fold's probabilities do not depend on which thread ran it.
import { parentPort } from 'node:worker_threads';
import { runFold, type FoldJob, type FoldResult } from '../core/train/cv';

export type ToCvWorker = { id: number; job: FoldJob };
export type FromCvWorker = { id: number; result: FoldResult } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('cv-worker must run in a worker thread');

function isJob(v: unknown): v is ToCvWorker {
  const m = v as ToCvWorker;
  return !!m && typeof m.id === 'number' && !!m.job && Array.isArray(m.job.models) && m.job.y instanceof Int32Array && typeof m.job.K === 'number' && !!m.job.X && !!m.job.Xte && !!m.job.settings;
}

port.on('message', async (m: unknown) => {
  if (!isJob(m)) return;
  try {
    const result = await runFold(m.job);
    // The probabilities move to the caller; fitted models (when kept) are copied.
    const buffers = Object.values(result.proba).map((a) => a!.buffer as ArrayBuffer);
    port.postMessage({ id: m.id, result } satisfies FromCvWorker, buffers);
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message ?? String(e) } satisfies FromCvWorker);
  }
});

// Spreads auto's cross-validation folds over the CPU cores: the calling thread works through the fold
// queue together with helper threads (dist/cv-worker.js), each taking the next fold when it is free.
// Helpers start on first use and are kept for the next training, then stop after a minute without work
// (unref'd: they never keep a process alive). A helper that fails or dies has its fold run here instead,
// and is replaced next time; when no helper script exists (sources without a build) every fold runs here.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { keepOnnxRuntimeLocal } from '../core/ortPrivacy';
import { runFold, type FoldJob, type FoldResult, type FoldRunner } from '../core/train/cv';
import { CancelledError, throwIfAborted } from '../core/types';
import type { FromCvWorker } from './cv-worker';

/** dist/cv-worker.js next to the running bundle, or in the repository's dist/ when running from sources. */
export function cvWorkerScript(dir = __dirname): string | undefined {
  for (const p of [path.join(dir, 'cv-worker.js'), path.join(dir, '..', '..', 'dist', 'cv-worker.js')]) if (existsSync(p)) return p;
  return undefined;
}

/** Helper threads by default: one less than the cores (the calling thread is the other), at most 4 (5 folds). */
export function defaultFoldHelpers(cores = os.availableParallelism?.() ?? os.cpus().length): number {
  return Math.max(0, Math.min(4, cores - 1));
}

class Helper {
  private readonly worker: Worker;
  private pending: { id: number; resolve: (r: FoldResult) => void; reject: (e: Error) => void } | undefined;
  private nextId = 1;
  dead = false;

  constructor(script: string) {
    keepOnnxRuntimeLocal();
    this.worker = new Worker(script);
    this.worker.unref();
    this.worker.on('message', (m: FromCvWorker) => {
      const p = this.pending;
      if (!p || m.id !== p.id) return;
      this.pending = undefined;
      if ('error' in m) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    const die = (why: string) => {
      this.dead = true;
      this.pending?.reject(new Error(`cross-validation helper stopped (${why})`));
      this.pending = undefined;
    };
    this.worker.on('error', (e) => die(e.message));
    this.worker.on('exit', (code) => die(`exit code ${code}`));
  }

  run(job: FoldJob): Promise<FoldResult> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(new Error('cross-validation helper stopped'));
      this.pending = { id: this.nextId++, resolve, reject };
      this.worker.postMessage({ id: this.pending.id, job });
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

export interface FoldPool {
  readonly run: FoldRunner;
  /** Helper threads it uses besides the calling thread. */
  readonly helpers: number;
  /** Helper threads running now (started on first use, stopped when idle). */
  readonly liveHelpers: number;
  /** Fold jobs run since the last resetStats(), and how many of them ran on helper threads. */
  readonly stats: { jobs: number; onHelpers: number };
  resetStats(): void;
  dispose(): Promise<void>;
}

/** Idle helpers stop after this long (the next training starts them again and pays their start-up and JIT warm-up). */
export const FOLD_HELPER_IDLE_MS = 60_000;

export function createFoldPool(opts: { helpers?: number; script?: string; idleMs?: number } = {}): FoldPool {
  const script = opts.script ?? cvWorkerScript();
  const wanted = script ? opts.helpers ?? defaultFoldHelpers() : 0;
  const idleMs = opts.idleMs ?? FOLD_HELPER_IDLE_MS;
  let helpers: Helper[] = [];
  let idleTimer: NodeJS.Timeout | undefined;
  let running = 0;
  const stats = { jobs: 0, onHelpers: 0 };
  const stopHelpers = () => {
    const hs = helpers;
    helpers = [];
    return Promise.all(hs.map((h) => h.terminate()));
  };

  const run: FoldRunner = async (jobs, signal, onDone, runOpts) => {
    clearTimeout(idleTimer);
    running++;
    try {
      return await runJobs(jobs, signal, onDone, runOpts);
    } finally {
      if (--running === 0 && helpers.length) {
        idleTimer = setTimeout(() => { if (running === 0) void stopHelpers(); }, idleMs);
        idleTimer.unref();
      }
    }
  };

  const runJobs: FoldRunner = async (jobs, signal, onDone, runOpts) => {
    throwIfAborted(signal);
    helpers = helpers.filter((h) => !h.dead);
    // The calling thread takes a share of the jobs, unless it has other work and helpers can take them all.
    const n = runOpts?.preferHelpers ? Math.min(wanted, jobs.length) : Math.min(wanted, Math.max(0, jobs.length - 1));
    const hereToo = !(runOpts?.preferHelpers && n > 0);
    while (helpers.length < n) helpers.push(new Helper(script!));
    const results: FoldResult[] = new Array(jobs.length);
    // `stop`: a fold failed on this thread; the helpers take no further folds.
    let next = 0, done = 0, stop = false;
    const finished = (j: number, r: FoldResult, onHelper = false) => {
      results[j] = r;
      stats.jobs++;
      if (onHelper) stats.onHelpers++;
      onDone(++done, jobs.length);
    };
    const here = async () => {
      try {
        for (let j = next++; j < jobs.length; j = next++) {
          throwIfAborted(signal);
          finished(j, await runFold(jobs[j], signal));
        }
      } catch (e) {
        stop = true;
        throw e;
      }
    };
    const on = async (h: Helper) => {
      for (let j = next++; j < jobs.length && !stop; j = next++) {
        throwIfAborted(signal);
        let r: FoldResult;
        try {
          r = await h.run(jobs[j]);
        } catch {
          if (signal?.aborted) throw new CancelledError();
          // The helper failed or died: this fold runs here, and the helper takes no more.
          finished(j, await runFold(jobs[j], signal));
          return;
        }
        finished(j, r, true);
      }
    };
    // A cancelled training stops its helpers at once (they are replaced on the next run).
    const onAbort = () => { for (const h of helpers.slice(0, n)) void h.terminate(); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all([...(hereToo ? [here()] : []), ...helpers.slice(0, n).map(on)]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    throwIfAborted(signal);
    return results;
  };

  return {
    run,
    get helpers() { return wanted; },
    get liveHelpers() { return helpers.filter((h) => !h.dead).length; },
    get stats() { return { ...stats }; },
    resetStats() { stats.jobs = 0; stats.onHelpers = 0; },
    async dispose() {
      clearTimeout(idleTimer);
      await stopHelpers();
    },
  };
}

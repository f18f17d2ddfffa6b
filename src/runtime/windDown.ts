// Stopping a worker thread gracefully: it is asked to finish (cancel its jobs, remove unfinished output) and given up to
// a grace period to say it has, or to exit, before it is terminated (terminate() runs none of the worker's cleanup).
import type { Worker } from 'node:worker_threads';

/**
 * Calls `ask(worker)` (post the cancel or shutdown messages), waits until `finished(message)` is true for a message,
 * the worker exits, or `graceMs` passes, then terminates it.
 */
export async function windDown(w: Worker, graceMs: number, ask: (w: Worker) => void, finished: (message: unknown) => boolean): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      w.off('message', onMsg);
      w.off('exit', done);
      resolve();
    };
    const onMsg = (m: unknown) => {
      if (finished(m)) done();
    };
    const timer = setTimeout(done, graceMs);
    w.on('message', onMsg);
    w.on('exit', done);
    try {
      ask(w);
    } catch {
      done();
    }
  });
  await w.terminate();
}

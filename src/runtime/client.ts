// The host-side client of the model worker (extension host and CLI). One worker_threads Worker,
// started lazily by the first request. Requests carry ids; an AbortSignal sends a cancel and the
// promise rejects with CancelledError at once. If the worker dies, every pending request rejects with
// a 'worker-stopped' RuntimeError and the next request starts a fresh worker.
//
// Restart policy: the client does NOT replay 'load' requests into a new worker. Callers own their
// models: they watch `generation` / `onRestart` (or get a 'not-loaded' error) and load again.
// createSentimentClassifier (./sentiment) does this transparently.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../core/types';
import { keepOnnxRuntimeLocal } from '../core/ortPrivacy';
import { fromErrorInfo, RuntimeError, RuntimeUserError } from './errors';
import type { FromWorker, Method, RequestMap, ToWorker } from './protocol';
import { windDown } from './windDown';

export type LogLevel = 'info' | 'warn' | 'error';

export interface ModelRuntimeOptions {
  /** Absolute path of the bundled worker (dist/worker.js). */
  workerScript: string;
  /** Receives the worker's log lines and the client's own (worker start/stop). */
  log?: (level: LogLevel, msg: string) => void;
  /** Extra environment variables for the worker (added to process.env). */
  env?: Record<string, string>;
}

export interface RequestOptions<M extends Method> {
  signal?: AbortSignal;
  onProgress?: (p: RequestMap[M]['progress']) => void;
}

export interface RestartEvent {
  /** Why the previous worker stopped, e.g. "exit code 1: out of memory". */
  reason: string;
  /** The new value of ModelRuntime.generation. */
  generation: number;
}

interface Pending {
  method: Method;
  resolve(value: unknown): void;
  reject(err: Error): void;
  onProgress?: (p: unknown) => void;
  cleanup(): void;
}

export class ModelRuntime {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private gen = 0;
  private disposed = false;
  private lastError: string | undefined;
  private readonly restartListeners = new Set<(e: RestartEvent) => void>();

  constructor(private readonly opts: ModelRuntimeOptions) {}

  /**
   * Increases by one each time a worker stops (crash, exit, terminateWorker). Models loaded in an
   * earlier generation are gone: load them again before using them.
   */
  get generation(): number {
    return this.gen;
  }

  /** Whether a worker thread is running now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Called after a worker stopped unexpectedly (the next request starts a new one). */
  onRestart(listener: (e: RestartEvent) => void): { dispose(): void } {
    this.restartListeners.add(listener);
    return { dispose: () => this.restartListeners.delete(listener) };
  }

  request<M extends Method>(
    method: M,
    params: RequestMap[M]['params'],
    opts: RequestOptions<M> = {},
  ): Promise<RequestMap[M]['result']> {
    if (this.disposed) return Promise.reject(new RuntimeError('The model runtime was shut down.', 'worker-stopped'));
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (err) {
      return Promise.reject(err);
    }
    const id = this.nextId++;
    return new Promise<RequestMap[M]['result']>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.pending.has(id)) return;
        this.settle(id);
        this.post(worker, { kind: 'cancel', id });
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress as ((p: unknown) => void) | undefined,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      worker.ref();
      this.post(worker, { kind: 'request', id, method, params } as ToWorker);
    });
  }

  /**
   * Stops the worker and rejects pending requests. Later requests fail. The worker is asked to wind down first
   * (jobs cancelled and cleaned up, models released, inference threads ended after their current run), for at
   * most `graceMs` (above the worker's own limits: 4 s for the jobs, 4 s per model's threads), since stopping it in
   * the middle of an inference run can take the whole process down. Usually it takes milliseconds.
   */
  async dispose(graceMs = 12_000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.rejectAll(new RuntimeError('The model runtime was shut down.', 'worker-stopped'));
    if (!w) return;
    await windDown(w, graceMs, (x) => x.postMessage({ kind: 'shutdown' } satisfies ToWorker), (m) => (m as FromWorker | undefined)?.kind === 'shutdown-done');
  }

  /**
   * Terminates the current worker as if it had crashed: pending requests reject with a
   * 'worker-stopped' error, `generation` increases and restart listeners run. For tests and for a
   * "restart the model worker" action; the next request starts a new worker.
   */
  async terminateWorker(reason = 'terminated on request'): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.lastError = reason;
    await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    if (!existsSync(this.opts.workerScript)) {
      throw new RuntimeUserError(
        `The model worker ${this.opts.workerScript} is missing. Reinstall the extension (or run npm run build in a checkout).`,
        'runtime-unavailable',
      );
    }
    keepOnnxRuntimeLocal();
    const env = this.opts.env ? { ...process.env, ...this.opts.env } : process.env;
    const w = new Worker(this.opts.workerScript, { env });
    this.worker = w;
    this.lastError = undefined;
    w.unref();
    w.on('message', (msg: FromWorker) => this.onMessage(msg));
    w.on('error', (err) => {
      this.lastError = err?.message ?? String(err);
      this.log('error', `Model worker error: ${this.lastError}`);
    });
    w.on('messageerror', (err) => this.log('error', `Model worker sent an unreadable message: ${err.message}`));
    w.on('exit', (code) => this.onExit(w, code));
    this.log('info', `Model worker started (${this.opts.workerScript}).`);
    return w;
  }

  private onExit(w: Worker, code: number): void {
    if (this.worker !== w) return; // disposed, or an old worker
    this.worker = undefined;
    this.gen++;
    const reason = `exit code ${code}${this.lastError ? `: ${this.lastError}` : ''}`;
    this.log(this.pending.size ? 'error' : 'warn', `The model worker stopped (${reason}).`);
    this.rejectAll(
      new RuntimeError(
        `The model worker stopped unexpectedly (${reason}). It will be restarted on the next request.`,
        'worker-stopped',
      ),
    );
    for (const l of this.restartListeners) {
      try {
        l({ reason, generation: this.gen });
      } catch (err) {
        this.log('error', `A restart listener failed: ${(err as Error).message}`);
      }
    }
  }

  private onMessage(msg: FromWorker): void {
    if (msg.kind === 'log') {
      this.log(msg.level, msg.message);
      return;
    }
    if (msg.kind === 'shutdown-done') return;
    const p = this.pending.get(msg.id);
    if (!p) return; // cancelled or already settled
    if (msg.kind === 'progress') {
      try {
        p.onProgress?.(msg.data);
      } catch (err) {
        this.log('error', `A progress callback failed: ${(err as Error).message}`);
      }
      return;
    }
    this.settle(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(fromErrorInfo(msg.error));
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.cleanup();
    if (this.pending.size === 0) this.worker?.unref();
  }

  private rejectAll(err: Error): void {
    const all = [...this.pending.entries()];
    this.pending.clear();
    for (const [, p] of all) {
      p.cleanup();
      p.reject(err);
    }
  }

  private post(w: Worker, msg: ToWorker): void {
    try {
      w.postMessage(msg);
    } catch (err) {
      // Un-cloneable params: fail that request only.
      if (msg.kind === 'request') {
        const p = this.pending.get(msg.id);
        this.settle(msg.id);
        p?.reject(new RuntimeError(`Could not send the ${msg.method} request to the model worker: ${(err as Error).message}`, 'internal'));
      }
    }
  }

  private log(level: LogLevel, msg: string): void {
    this.opts.log?.(level, msg);
  }
}

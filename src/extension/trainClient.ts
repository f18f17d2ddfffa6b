// Host-side client of dist/train-worker.js: one worker, started on first use; typed requests with
// per-request progress callbacks; cancel by request id.
import { Worker } from 'node:worker_threads';
import { keepOnnxRuntimeLocal } from '../core/ortPrivacy';
import type { EpochInfo } from '../core/train/trainer';
import { isWorkerResponse, type WorkerRequest, type WorkerResponse } from '../core/train/worker-protocol';
import { CancelledError, UserError } from '../core/types';
import { windDown } from '../runtime/windDown';

type Req = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface RequestHandlers {
  onEpoch?: (e: EpochInfo) => void;
  onStage?: (s: string) => void;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export class TrainClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; h: RequestHandlers }>();

  /** `log` hears the worker's own log lines at their level, and the client's troubles as errors. */
  constructor(private readonly script: string, private readonly log: (msg: string, level?: 'info' | 'warn' | 'error') => void) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    keepOnnxRuntimeLocal();
    const w = new Worker(this.script);
    w.on('message', (m: unknown) => this.onMessage(m));
    w.on('error', (e) => {
      this.log(`train worker error: ${e.stack ?? e.message}`);
      this.failAll(new Error(`the training worker stopped: ${e.message}`));
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      if (this.pending.size) this.failAll(new Error(`the training worker exited (code ${code})`));
    });
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private onMessage(m: unknown): void {
    if (!isWorkerResponse(m)) {
      this.log('train worker sent a malformed message; ignored');
      return;
    }
    if (m.type === 'log') {
      this.log(`train worker: ${m.message}`, m.level);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    const r = m as WorkerResponse;
    switch (r.type) {
      case 'epoch': p.h.onEpoch?.(r.epoch); return;
      case 'stage': p.h.onStage?.(r.stage); return;
      case 'progress': p.h.onProgress?.(r.stage, r.done, r.total); return;
      case 'result': this.pending.delete(m.id); p.resolve(r.value); return;
      case 'error':
        this.pending.delete(m.id);
        if (r.kind === 'cancelled') p.reject(new CancelledError());
        else if (r.kind === 'user') p.reject(new UserError(r.message));
        else { this.log(`train worker: ${r.message}`); p.reject(new Error(r.message.split('\n')[0])); }
    }
  }

  /** Sends a request; returns its id (for cancel) and the reply. */
  request<T>(req: Req, h: RequestHandlers = {}): { id: number; done: Promise<T> } {
    const id = this.nextId++;
    const done = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, h });
      this.ensure().postMessage({ ...req, id });
    });
    return { id, done };
  }

  cancel(id: number): void {
    if (this.worker && this.pending.has(id)) this.worker.postMessage({ id: this.nextId++, type: 'cancel', target: id });
  }

  /**
   * Stops the worker. Running jobs are cancelled first and given up to `graceMs` to answer, so a prediction removes
   * its unfinished output file (terminating a thread runs none of its cleanup); then the thread is terminated.
   */
  dispose(graceMs = 3000): Promise<void> {
    // a second call (deactivate after the subscriptions, or the other way round) waits for the first
    this.stopping ??= this.stop(graceMs).finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private stopping: Promise<void> | undefined;

  private async stop(graceMs: number): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    const running = new Set(this.pending.keys());
    this.failAll(new CancelledError());
    if (!w) return;
    if (!running.size) {
      await w.terminate();
      return;
    }
    await windDown(
      w,
      graceMs,
      (x) => { for (const id of running) x.postMessage({ id: this.nextId++, type: 'cancel', target: id }); },
      (m) => isWorkerResponse(m) && (m.type === 'result' || m.type === 'error') && running.delete(m.id) && !running.size,
    );
  }
}

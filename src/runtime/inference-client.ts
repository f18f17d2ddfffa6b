// The model worker's side of the inference thread (src/runtime/inference-thread.ts): starts it for a
// loaded CPU classification model, sends padded batches (buffers transferred, not copied) and gets
// the logits back. When the thread cannot start or dies, callers fall back to running the session on
// the model worker's own thread (slower, same results): the inference thread is an optimisation only.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { keepOnnxRuntimeLocal } from '../core/ortPrivacy';

export interface InferenceThreadData {
  modelFile: string;
  sessionOptions: Record<string, unknown>;
  outputName: string;
}
export type ToInferenceThread =
  | { kind: 'run'; id: number; inputIds: BigInt64Array; mask: BigInt64Array; dims: number[]; tokenTypes: boolean }
  | { kind: 'close' };
export type FromInferenceThread =
  | { kind: 'ready'; inputNames: string[]; outputNames: string[] }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; logits: Float32Array; dims: number[] }
  | { kind: 'error'; id: number; message: string };

/** A batch was lost because its inference thread stopped (not a model error): run it again elsewhere. */
export class InferenceThreadStopped extends Error {
  constructor(reason: string) {
    super(`the inference thread stopped (${reason})`);
    this.name = 'InferenceThreadStopped';
  }
}

export interface Logits {
  data: Float32Array;
  dims: readonly number[];
}

/** dist/inference-thread.js next to the running bundle (undefined when running from sources, e.g. under tsx). */
export function inferenceThreadScript(dir = __dirname): string | undefined {
  const p = path.join(dir, 'inference-thread.js');
  return existsSync(p) ? p : undefined;
}

export class InferenceThread {
  private readonly pending = new Map<number, { resolve: (l: Logits) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private deadReason: string | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: string[],
  ) {
    worker.on('message', (m: FromInferenceThread) => {
      if (m.kind === 'result') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve({ data: m.logits, dims: m.dims });
      } else if (m.kind === 'error') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.reject(new Error(m.message));
      }
    });
    const die = (reason: string) => {
      if (this.deadReason) return;
      this.deadReason = reason;
      for (const p of this.pending.values()) p.reject(new InferenceThreadStopped(reason));
      this.pending.clear();
    };
    worker.on('error', (e) => die(e.message));
    worker.on('exit', (code) => die(`exit code ${code}`));
  }

  /** Starts the thread and waits until its session is ready; rejects with the reason when it cannot. */
  static start(script: string, data: InferenceThreadData): Promise<InferenceThread> {
    return new Promise((resolve, reject) => {
      keepOnnxRuntimeLocal();
      const worker = new Worker(script, { workerData: data });
      const onMessage = (m: FromInferenceThread) => {
        if (m.kind === 'ready') {
          cleanup();
          resolve(new InferenceThread(worker, m.inputNames));
        } else if (m.kind === 'failed') {
          cleanup();
          void worker.terminate();
          reject(new Error(m.message));
        }
      };
      const onError = (e: Error) => (cleanup(), reject(e));
      const onExit = (code: number) => (cleanup(), reject(new Error(`the inference thread exited with code ${code}`)));
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** Why the thread is no longer usable, or undefined while it is. */
  get stopped(): string | undefined {
    return this.deadReason;
  }

  /** Runs one batch; the buffers are transferred (unusable by the caller afterwards). */
  run(inputIds: BigInt64Array, mask: BigInt64Array, dims: number[], tokenTypes: boolean): Promise<Logits> {
    if (this.deadReason) return Promise.reject(new InferenceThreadStopped(this.deadReason));
    const id = this.nextId++;
    return new Promise<Logits>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const msg: ToInferenceThread = { kind: 'run', id, inputIds, mask, dims, tokenTypes };
      this.worker.postMessage(msg, [inputIds.buffer as ArrayBuffer, mask.buffer as ArrayBuffer]);
    });
  }

  /** Ends the thread once its current run is done (never terminated mid-run); resolves when it has exited. */
  close(): Promise<void> {
    if (this.deadReason) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ kind: 'close' } satisfies ToInferenceThread);
    this.worker.unref();
    return exited;
  }
}

/**
 * Several inference threads, each with its own single- or few-threaded session: on a small CPU, two
 * sessions with one intra-op thread each get more done than one session with two (no per-operator
 * barrier between the threads) and share the cores better with the worker's own JavaScript. Batches go
 * to the thread with the fewest outstanding; results come back per batch, so the caller keeps order.
 */
export class InferencePool {
  private readonly load: number[];

  private constructor(private readonly threads: InferenceThread[]) {
    this.load = threads.map(() => 0);
  }

  /** Starts `count` threads (each with `sessionOptions`); rejects when none starts. */
  static async start(script: string, data: InferenceThreadData, count: number): Promise<InferencePool> {
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, count) }, () => InferenceThread.start(script, data)));
    const ok = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (!ok.length) throw (settled[0] as PromiseRejectedResult).reason;
    return new InferencePool(ok);
  }

  get size(): number {
    return this.threads.length;
  }

  /** Why no thread is usable any more, or undefined while one is. */
  get stopped(): string | undefined {
    const live = this.threads.filter((t) => !t.stopped);
    return live.length ? undefined : this.threads[0].stopped;
  }

  run(inputIds: BigInt64Array, mask: BigInt64Array, dims: number[], tokenTypes: boolean): Promise<Logits> {
    let best = -1;
    for (let i = 0; i < this.threads.length; i++) {
      if (this.threads[i].stopped) continue;
      if (best < 0 || this.load[i] < this.load[best]) best = i;
    }
    if (best < 0) return Promise.reject(new InferenceThreadStopped(this.stopped ?? 'no thread left'));
    this.load[best]++;
    const i = best;
    return this.threads[i].run(inputIds, mask, dims, tokenTypes).finally(() => this.load[i]--);
  }

  close(): Promise<void> {
    return Promise.all(this.threads.map((t) => t.close())).then(() => undefined);
  }
}

// The inference thread: a worker_threads worker started by the model worker (src/runtime/worker.ts)
// for a text-classification model on CPU. It owns one ONNX Runtime session and only runs padded
// batches: onnxruntime-node's session.run blocks the thread that calls it, so running it here lets the
// model worker read, tokenize and aggregate the next items while this thread computes (see
// src/runtime/inference-client.ts). Intra-op threads do not spin while idle, so that work gets a core.
//
// Messages (typed in inference-client.ts): in {kind:'run', id, inputIds, mask, dims, tokenTypes} with
// transferred buffers; out {kind:'ready', inputNames, outputNames} once, then {kind:'result', id,
// logits, dims} or {kind:'error', id, message}. {kind:'close'} ends the thread after the current run
// (terminating a thread inside a native run would abort the process).
import { parentPort, workerData } from 'node:worker_threads';
import type { InferenceThreadData, ToInferenceThread, FromInferenceThread } from './inference-client';
import { lowerThreadPriority } from './priority';

lowerThreadPriority();

interface OrtModule {
  InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
}
interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;
  release?(): Promise<void>;
}

const port = parentPort;
if (!port) throw new Error('src/runtime/inference-thread.ts must run in a worker thread.');
const data = workerData as InferenceThreadData;

function post(msg: FromInferenceThread, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

async function main(): Promise<void> {
  let ort: OrtModule;
  let session: OrtSession;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('onnxruntime-node') as OrtModule & { default?: OrtModule };
    ort = mod.default ?? mod;
    session = await ort.InferenceSession.create(data.modelFile, data.sessionOptions);
  } catch (err) {
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  post({ kind: 'ready', inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
  // One run at a time, in arrival order.
  let chain: Promise<void> = Promise.resolve();
  port!.on('message', (msg: ToInferenceThread) => {
    if (msg?.kind === 'close') {
      chain = chain.then(async () => {
        await session.release?.().catch(() => undefined);
        port!.close();
      });
      return;
    }
    if (msg?.kind !== 'run') return;
    chain = chain.then(async () => {
      try {
        const dims = msg.dims;
        const feeds: Record<string, unknown> = {
          input_ids: new ort.Tensor('int64', msg.inputIds, dims),
          attention_mask: new ort.Tensor('int64', msg.mask, dims),
        };
        if (msg.tokenTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(msg.inputIds.length), dims);
        const out = await session.run(feeds);
        const logits = out[data.outputName];
        if (!logits) throw new Error(`the model has no output "${data.outputName}"`);
        // Copy into a buffer we own so it can be transferred (ORT's may be a view of a larger one).
        const copy = new Float32Array(logits.data);
        post({ kind: 'result', id: msg.id, logits: copy, dims: [...logits.dims] }, [copy.buffer as ArrayBuffer]);
      } catch (err) {
        post({ kind: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
}

void main();

// A TextGenerator over the model worker: 'generate' requests with streamed { token } progress.
// The runtime is passed in (structurally typed) so src/core stays free of the extension host.
import { CancelledError } from '../types';
import { IncompleteOutputError, type TextGenerator, type TextRequest } from './types';

export interface GenerateRuntimeLike {
  request(
    method: 'generate',
    params: { modelId: string; messages: TextRequest['messages']; maxNewTokens: number; temperature?: number; topP?: number; stop?: string[]; seed?: number },
    opts?: { signal?: AbortSignal; onProgress?: (p: { token: string }) => void },
  ): Promise<{ text: string; finishReason: 'stop' | 'length' | 'cancelled'; tokens: number; contextFull?: number }>;
}

export class LocalGenerator implements TextGenerator {
  readonly label: string;
  lastFinishReason: string | undefined;
  lastContextFull: number | undefined;
  constructor(private readonly runtime: GenerateRuntimeLike, readonly modelId: string) {
    this.label = `local: ${modelId}`;
  }

  async *stream(req: TextRequest): AsyncIterable<string> {
    if (req.signal?.aborted) throw new CancelledError();
    this.lastFinishReason = undefined;
    this.lastContextFull = undefined;
    // The worker's request is cancelled with the caller's signal, and also when the caller stops reading early
    // (a copy field long enough, an error downstream): the model does not go on writing for no one.
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const queue: string[] = [];
    let done = false;
    let error: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let produced = '';
    const p = this.runtime
      .request(
        'generate',
        { modelId: this.modelId, messages: req.messages, maxNewTokens: req.maxNewTokens, temperature: req.temperature, topP: req.topP, stop: req.stop, seed: req.seed },
        { signal: ac.signal, onProgress: (x) => { queue.push(x.token); notify(); } },
      )
      .then(
        (r) => {
          this.lastFinishReason = r.finishReason;
          this.lastContextFull = r.contextFull;
          if (r.finishReason === 'cancelled') error = new CancelledError();
          done = true;
          notify();
        },
        (e) => {
          error = e;
          done = true;
          notify();
        },
      );
    try {
      while (true) {
        while (queue.length) {
          const t = queue.shift()!;
          produced += t;
          yield t;
        }
        if (done) break;
        await new Promise<void>((r) => (wake = r));
      }
      await p;
      if (error) {
        // a failure after the model wrote something (its worker stopped, a runtime error) leaves a partial answer
        if (produced && !(error instanceof CancelledError) && !req.signal?.aborted) {
          throw new IncompleteOutputError(`the local model stopped: ${error instanceof Error ? error.message : String(error)}`, produced);
        }
        throw error;
      }
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      if (!done) ac.abort();
    }
  }
}

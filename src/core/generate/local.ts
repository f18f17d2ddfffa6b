// A TextGenerator over the model worker: 'generate' requests with streamed { token } progress.
// The runtime is passed in (structurally typed) so src/core stays free of the extension host.
import { CancelledError } from '../types';
import type { TextGenerator, TextRequest } from './types';

export interface GenerateRuntimeLike {
  request(
    method: 'generate',
    params: { modelId: string; messages: TextRequest['messages']; maxNewTokens: number; temperature?: number; topP?: number; stop?: string[]; seed?: number },
    opts?: { signal?: AbortSignal; onProgress?: (p: { token: string }) => void },
  ): Promise<{ text: string; finishReason: 'stop' | 'length' | 'cancelled'; tokens: number }>;
}

export class LocalGenerator implements TextGenerator {
  readonly label: string;
  lastFinishReason: string | undefined;
  constructor(private readonly runtime: GenerateRuntimeLike, readonly modelId: string) {
    this.label = `local: ${modelId}`;
  }

  async *stream(req: TextRequest): AsyncIterable<string> {
    if (req.signal?.aborted) throw new CancelledError();
    this.lastFinishReason = undefined;
    const queue: string[] = [];
    let done = false;
    let error: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const p = this.runtime
      .request(
        'generate',
        { modelId: this.modelId, messages: req.messages, maxNewTokens: req.maxNewTokens, temperature: req.temperature, topP: req.topP, stop: req.stop, seed: req.seed },
        { signal: req.signal, onProgress: (x) => { queue.push(x.token); notify(); } },
      )
      .then(
        (r) => {
          this.lastFinishReason = r.finishReason;
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
    while (true) {
      while (queue.length) yield queue.shift()!;
      if (done) break;
      await new Promise<void>((r) => (wake = r));
    }
    await p;
    if (error) throw error;
  }
}

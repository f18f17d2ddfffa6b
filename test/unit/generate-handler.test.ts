// The worker-side 'generate' handler, run in-process against the tiny random-weight ONNX decoder
// (test/fixtures/models/tiny-random-decoder, made by scripts/models/make_tiny_decoder.py).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate, StopStringTracker } from '../../src/runtime/handlers/generate';
import type { HandlerContext, LoadedModel } from '../../src/runtime/handlers/context';
import type { GenerateResult } from '../../src/runtime/protocol';
import { IncompleteOutputError, LocalGenerator, type GenerateRuntimeLike } from '../../src/core/generate';
import { CancelledError } from '../../src/core/types';
import { transformers } from '../../src/runtime/transformers';

const MODEL_DIR = path.resolve(__dirname, '../fixtures/models/tiny-random-decoder');
const ref = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'reference.json'), 'utf8')) as { prompt: string; prompt_ids: number[]; greedy_ids: number[] };

describe('generate handler (tiny random decoder, in-process)', function () {
  this.timeout(60000);
  const models = new Map<string, LoadedModel>();
  let lm: LoadedModel;

  before(async () => {
    const tf = await transformers();
    const tokenizer = await tf.AutoTokenizer.from_pretrained(MODEL_DIR, { local_files_only: true });
    const model = await tf.AutoModelForCausalLM.from_pretrained(MODEL_DIR, { local_files_only: true, dtype: 'fp32', device: 'cpu' });
    const config = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'config.json'), 'utf8'));
    lm = { modelId: 'tiny', task: 'text-generation', device: 'cpu', modelDir: MODEL_DIR, model, tokenizer, encode: (t) => tokenizer.encode(t, { add_special_tokens: false }), config };
    models.set('tiny', lm);
  });
  after(async () => {
    await lm?.model?.dispose?.();
  });

  function ctx(signal = new AbortController().signal) {
    const pieces: string[] = [];
    const c: HandlerContext = { signal, progress: (d) => pieces.push((d as { token: string }).token), log: () => undefined, models };
    return { c, pieces };
  }
  const messages = [{ role: 'user' as const, content: 'Write a summary of the feedback.' }];

  it('applies the chat template and reproduces the PyTorch greedy continuation (KV cache path)', async () => {
    const prompt = lm.tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
    assert.equal(prompt, ref.prompt);
    const { c, pieces } = ctx();
    const r = await generate({ modelId: 'tiny', messages, maxNewTokens: ref.greedy_ids.length }, c);
    const eos = ref.greedy_ids.findIndex((id) => id >= 471);
    const expected = lm.tokenizer.decode(eos >= 0 ? ref.greedy_ids.slice(0, eos) : ref.greedy_ids, { skip_special_tokens: true });
    assert.equal(r.text, expected);
    assert.equal(r.tokens, eos >= 0 ? eos + 1 : ref.greedy_ids.length);
    assert.equal(pieces.join(''), r.text, 'streamed pieces add up to the result');
    assert.ok(pieces.length > 1, 'text arrives in several pieces');
  });

  it('respects maxNewTokens', async () => {
    const { c } = ctx();
    const r = await generate({ modelId: 'tiny', messages, maxNewTokens: 5 }, c);
    assert.ok(r.tokens <= 5);
    assert.equal(r.finishReason, r.tokens === 5 ? 'length' : 'stop');
  });

  it('stops at a stop string and never emits it', async () => {
    const { c: c1 } = ctx();
    const full = await generate({ modelId: 'tiny', messages, maxNewTokens: 40 }, c1);
    assert.ok(full.text.length > 12, `greedy text long enough: ${JSON.stringify(full.text)}`);
    const stop = full.text.slice(8, 11);
    const cut = full.text.indexOf(stop);
    const { c, pieces } = ctx();
    const r = await generate({ modelId: 'tiny', messages, maxNewTokens: 40, stop: [stop] }, c);
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.text, full.text.slice(0, cut));
    assert.equal(pieces.join(''), r.text);
    assert.ok(r.tokens < full.tokens);
  });

  it('samples reproducibly with a seed', async () => {
    const a = await generate({ modelId: 'tiny', messages, maxNewTokens: 20, temperature: 1, topP: 0.9, seed: 7 }, ctx().c);
    const b = await generate({ modelId: 'tiny', messages, maxNewTokens: 20, temperature: 1, topP: 0.9, seed: 7 }, ctx().c);
    assert.equal(a.text, b.text);
  });

  it('cancels mid-generation with finishReason cancelled and partial text', async () => {
    const ac = new AbortController();
    let n = 0;
    const c: HandlerContext = {
      signal: ac.signal,
      progress: () => {
        if (++n === 2) ac.abort();
      },
      log: () => undefined,
      models,
    };
    const r = await generate({ modelId: 'tiny', messages, maxNewTokens: 200 }, c);
    assert.equal(r.finishReason, 'cancelled');
    assert.ok(r.tokens < 200 && r.tokens >= 2, `tokens ${r.tokens}`);
  });

  /**
   * The worker's side of LocalGenerator in this process: each request runs the real handler; like the runtime
   * client, a cancel rejects at once with CancelledError while the handler stops at its next token.
   */
  function inProcess(fail?: { afterTokens: number }) {
    const runs: Promise<GenerateResult>[] = [];
    const runtime: GenerateRuntimeLike = {
      request(_method, params, opts) {
        const ac = new AbortController();
        let n = 0;
        const run = generate(params, {
          signal: ac.signal,
          progress: (d) => {
            opts?.onProgress?.(d as { token: string });
            if (fail && ++n === fail.afterTokens) throw new Error('the model worker stopped (simulated crash)');
          },
          log: () => undefined,
          models,
        });
        runs.push(run.catch((e: Error) => ({ text: e.message, finishReason: 'cancelled' as const, tokens: -1 })));
        return new Promise((resolve, reject) => {
          opts?.signal?.addEventListener('abort', () => {
            ac.abort();
            reject(new CancelledError());
          }, { once: true });
          run.then(resolve, reject);
        });
      },
    };
    return { runtime, runs };
  }

  it('LocalGenerator streams the handler\'s pieces as they come, and says why it stopped', async () => {
    const { runtime, runs } = inProcess();
    const gen = new LocalGenerator(runtime, 'tiny');
    const pieces: string[] = [];
    for await (const p of gen.stream({ messages, maxNewTokens: 12 })) pieces.push(p);
    const r = await runs[0];
    assert.equal(pieces.join(''), r.text);
    assert.ok(pieces.length > 1);
    assert.equal(gen.lastFinishReason, r.finishReason);
    assert.equal(r.finishReason, r.tokens === 12 ? 'length' : 'stop');
  });

  it('LocalGenerator: cancel rejects at once and the model stops writing', async () => {
    const { runtime, runs } = inProcess();
    const ac = new AbortController();
    let n = 0;
    let text = '';
    await assert.rejects(async () => {
      for await (const p of new LocalGenerator(runtime, 'tiny').stream({ messages, maxNewTokens: 300, signal: ac.signal })) {
        text += p;
        if (++n === 3) ac.abort();
      }
    }, CancelledError);
    const r = await runs[0];
    assert.equal(r.finishReason, 'cancelled');
    assert.ok(r.tokens < 300, `${r.tokens} tokens`);
    assert.ok(text.length > 0 && r.text.startsWith(text));
  });

  it('LocalGenerator: a reader that stops early (a copy field full) stops the model too', async () => {
    const { runtime, runs } = inProcess();
    let n = 0;
    for await (const _ of new LocalGenerator(runtime, 'tiny').stream({ messages, maxNewTokens: 300 })) {
      void _;
      if (++n === 2) break;
    }
    const r = await runs[0];
    assert.equal(r.finishReason, 'cancelled');
    assert.ok(r.tokens < 300, `${r.tokens} tokens`);
  });

  it('LocalGenerator: a failure after some text is an incomplete answer that keeps it', async () => {
    const { runtime } = inProcess({ afterTokens: 3 });
    let text = '';
    let err: unknown;
    try {
      for await (const p of new LocalGenerator(runtime, 'tiny').stream({ messages, maxNewTokens: 100 })) text += p;
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof IncompleteOutputError, String(err));
    assert.match((err as Error).message, /^the local model stopped: the model worker stopped \(simulated crash\)$/);
    assert.equal((err as IncompleteOutputError).partial, text);
    assert.ok(text.length > 0);
  });

  it("an answer stopped by the model's context (not by maxNewTokens) says so, and LocalGenerator tells the document", async () => {
    const prompt = lm.tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true }) as string;
    const promptTokens = lm.tokenizer(prompt, { add_special_tokens: false }).input_ids.dims.at(-1) as number;
    // the same model, read as if its context ended 6 tokens after this prompt
    models.set('tiny-short', { ...lm, modelId: 'tiny-short', config: { ...lm.config, max_position_embeddings: promptTokens + 6 } });
    try {
      const r = await generate({ modelId: 'tiny-short', messages, maxNewTokens: 50 }, ctx().c);
      assert.equal(r.tokens, 6);
      assert.equal(r.finishReason, 'length');
      assert.equal(r.contextFull, promptTokens + 6);
      // within the context, no such note
      const within = await generate({ modelId: 'tiny-short', messages, maxNewTokens: 3 }, ctx().c);
      assert.equal(within.contextFull, undefined);
      // a prompt longer than the context: what to do
      await assert.rejects(generate({ modelId: 'tiny-short', messages: [{ role: 'user', content: 'Write a summary of the feedback. '.repeat(20) }], maxNewTokens: 5 }, ctx().c), /reads at most \d+: give less evidence or a shorter brief, or use a model with a longer context/);
      const gen = new LocalGenerator(inProcess().runtime, 'tiny-short');
      for await (const _ of gen.stream({ messages, maxNewTokens: 50 })) void _;
      assert.equal(gen.lastContextFull, promptTokens + 6);
    } finally {
      models.delete('tiny-short');
    }
  });

  it('rejects a model that is not loaded', async () => {
    await assert.rejects(generate({ modelId: 'nope', messages, maxNewTokens: 3 }, ctx().c), /not loaded/);
  });
});

describe('StopStringTracker', () => {
  it('holds back a possible stop prefix and cuts at the stop', () => {
    const t = new StopStringTracker(['END']);
    assert.equal(t.update('abc E'), 'abc ');
    assert.equal(t.update('abc EN'), '');
    assert.equal(t.update('abc ENX'), 'ENX');
    assert.equal(t.update('abc ENX END tail'), ' ');
    assert.equal(t.stopped, true);
    assert.equal(t.text, 'abc ENX ');
  });
  it('holds back an incomplete UTF-8 character', () => {
    const t = new StopStringTracker([]);
    assert.equal(t.update('ab\uFFFD'), 'ab');
    assert.equal(t.update('abé'), 'é');
    assert.equal(t.flush('abé!'), '!');
  });
});

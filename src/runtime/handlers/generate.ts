// 'generate': chat-style text generation with a loaded transformers.js causal LM (worker side only).
// The tokenizer's chat template builds the prompt; tokens are streamed back as ctx.progress({ token })
// pieces; generation stops on eos, on a stop string (never included in the output), at maxNewTokens,
// or when ctx.signal is aborted (finishReason 'cancelled', partial text kept).
import type { GenerateParams, GenerateResult } from '../protocol';
import { workerError } from '../errors';
import { transformers } from '../transformers';
import type { HandlerContext, LoadedModel } from './context';

/**
 * Turns the growing decoded text into safe-to-send pieces: holds back an incomplete UTF-8 sequence
 * (decoded as U+FFFD at the end) and any tail that could still become a stop string; cuts at the
 * first stop string.
 */
export class StopStringTracker {
  private sent = 0;
  text = '';
  stopped = false;

  constructor(private readonly stops: string[]) {}

  /** Feed the full decoded text so far; returns the new piece that may be emitted now ('' if none). */
  update(full: string): string {
    if (this.stopped) return '';
    let end = full.length;
    let cut = -1;
    for (const s of this.stops) {
      const i = full.indexOf(s);
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    if (cut >= 0) {
      this.stopped = true;
      end = cut;
    } else {
      while (end > this.sent && full.charCodeAt(end - 1) === 0xfffd) end--;
      end -= this.heldBack(full.slice(0, end));
    }
    this.text = full.slice(0, Math.max(end, this.sent));
    if (end <= this.sent) return '';
    const piece = full.slice(this.sent, end);
    this.sent = end;
    return piece;
  }

  /** Emits whatever was held back (end of generation). */
  flush(full: string): string {
    if (this.stopped) return '';
    const piece = full.slice(this.sent);
    this.sent = full.length;
    this.text = full;
    return piece;
  }

  private heldBack(text: string): number {
    let keep = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, text.length); n > keep; n--) {
        if (text.endsWith(s.slice(0, n))) {
          keep = n;
          break;
        }
      }
    }
    return keep;
  }
}

function validate(params: GenerateParams): void {
  if (!Array.isArray(params.messages) || params.messages.length === 0) throw workerError('bad-request', 'generate: messages must be a non-empty array');
  for (const m of params.messages) {
    if (!m || typeof m.content !== 'string' || !['system', 'user', 'assistant'].includes(m.role)) {
      throw workerError('bad-request', 'generate: each message needs a role (system|user|assistant) and string content');
    }
  }
  if (!Number.isInteger(params.maxNewTokens) || params.maxNewTokens < 1) throw workerError('bad-request', 'generate: maxNewTokens must be a positive integer');
  if (params.temperature !== undefined && !(params.temperature >= 0)) throw workerError('bad-request', 'generate: temperature must be >= 0');
  if (params.topP !== undefined && !(params.topP > 0 && params.topP <= 1)) throw workerError('bad-request', 'generate: topP must be in (0, 1]');
}

function buildPrompt(lm: LoadedModel, params: GenerateParams, ctx: HandlerContext): string {
  const tok = lm.tokenizer;
  if (tok.chat_template || tok.config?.chat_template) {
    return tok.apply_chat_template(params.messages, { tokenize: false, add_generation_prompt: true }) as string;
  }
  ctx.log('warn', `${lm.modelId} has no chat template; using a plain "role: content" prompt`);
  return params.messages.map((m) => `${m.role}: ${m.content}`).join('\n\n') + '\n\nassistant: ';
}

function eosIds(lm: LoadedModel): Set<number> {
  const out = new Set<number>();
  const add = (v: unknown) => {
    if (typeof v === 'number') out.add(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  add(lm.model.generation_config?.eos_token_id);
  add(lm.config.eos_token_id);
  return out;
}

export async function generate(params: GenerateParams, ctx: HandlerContext): Promise<GenerateResult> {
  validate(params);
  const lm = ctx.models.get(params.modelId);
  if (!lm) throw workerError('not-loaded', `model ${params.modelId} is not loaded; load it first`);
  if (lm.task !== 'text-generation') throw workerError('bad-request', `model ${params.modelId} was loaded for ${lm.task}, not text-generation`);
  if (ctx.signal.aborted) return { text: '', finishReason: 'cancelled', tokens: 0 };

  const tf = await transformers();
  const tokenizer = lm.tokenizer;
  const prompt = buildPrompt(lm, params, ctx);
  // The chat template already wrote every special token the model needs.
  const inputs = tokenizer(prompt, { add_special_tokens: false });
  const promptTokens: number = inputs.input_ids.dims.at(-1);
  const maxPos = Number(lm.config.max_position_embeddings ?? 0);
  if (maxPos > 0 && promptTokens + 1 > maxPos) {
    throw workerError('bad-request', `the prompt is ${promptTokens} tokens and ${params.modelId} reads at most ${maxPos}: give less evidence or a shorter brief, or use a model with a longer context`);
  }
  const maxNewTokens = maxPos > 0 ? Math.min(params.maxNewTokens, maxPos - promptTokens) : params.maxNewTokens;

  const stops = (params.stop ?? []).filter((s) => typeof s === 'string' && s.length > 0);
  const tracker = new StopStringTracker(stops);
  const eos = eosIds(lm);
  const generated: bigint[] = [];
  let sawEos = false;
  const decodeAll = (): string => (generated.length ? (tokenizer.decode(generated, { skip_special_tokens: true }) as string) : '');

  // Streamer: receives the prompt once, then every new token; sends text pieces as they become safe.
  class ProgressStreamer extends tf.BaseStreamer {
    private prompt = true;
    override put(value: bigint[][]): void {
      if (this.prompt) {
        this.prompt = false;
        return;
      }
      const id = value[0]?.[0];
      if (id === undefined) return;
      generated.push(id);
      if (eos.has(Number(id))) {
        sawEos = true;
        return;
      }
      const piece = tracker.update(decodeAll());
      if (piece) ctx.progress({ token: piece });
    }
    override end(): void {
      /* the final flush happens after generate() returns */
    }
  }
  // Stops the loop after the current token when a stop string appeared or the request was cancelled.
  class StopCriteria extends tf.StoppingCriteria {
    override _call(inputIds: unknown[][]): boolean[] {
      const done = tracker.stopped || ctx.signal.aborted;
      return inputIds.map(() => done);
    }
  }
  const criteria = new tf.StoppingCriteriaList();
  criteria.push(new StopCriteria());

  const sample = params.temperature !== undefined && params.temperature > 0;
  if (sample && params.seed !== undefined) tf.random.seed(params.seed);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const genOptions: any = {
    ...inputs,
    max_new_tokens: maxNewTokens,
    do_sample: sample,
    streamer: new ProgressStreamer(),
    stopping_criteria: criteria,
  };
  if (sample) {
    genOptions.temperature = params.temperature;
    if (params.topP !== undefined) genOptions.top_p = params.topP;
  }
  const t0 = Date.now();
  // Held while it writes: an unload or a reload meanwhile (another model or device chosen) frees it afterwards.
  const unhold = lm.hold?.();
  try {
    await lm.model.generate(genOptions);
  } catch (e) {
    if (ctx.signal.aborted) return { text: tracker.text, finishReason: 'cancelled', tokens: generated.length };
    throw e;
  } finally {
    unhold?.();
  }
  let finishReason: GenerateResult['finishReason'];
  if (tracker.stopped) finishReason = 'stop';
  else if (ctx.signal.aborted && !sawEos && generated.length < maxNewTokens) finishReason = 'cancelled';
  else {
    const rest = tracker.flush(decodeAll());
    if (rest) ctx.progress({ token: rest });
    finishReason = sawEos ? 'stop' : 'length';
  }
  // stopped by the model's context, not by maxNewTokens: the caller's advice differs (a shorter prompt, not a higher limit)
  const contextFull = finishReason === 'length' && maxNewTokens < params.maxNewTokens ? maxPos : undefined;
  const ms = Date.now() - t0;
  ctx.log('info', `generate ${params.modelId}: prompt ${promptTokens} tokens, ${generated.length} new in ${ms} ms (${finishReason})`);
  return { text: tracker.text, finishReason, tokens: generated.length, ...(contextFull ? { contextFull } : {}) };
}

// A local sentence-embedding model as a TextEmbedder (src/core/train/embed.ts): a Hugging Face folder
// (BERT-style encoder, onnx/model.onnx with last_hidden_state) loaded through the same 'load' handler as
// every model (device choice with CPU fallback), mean-pooled over the attention mask and L2-normalised,
// as sentence-transformers models are used. It runs on the thread that calls it: the Train view's
// worker (src/runtime/train-worker.ts) or the CLI, never the extension host.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolveModel, sha256File } from '../core/models/registry';
import type { TextEmbedder } from '../core/train/embed';
import { UserError, type DeviceSetting } from '../core/types';
import type { HandlerContext } from './handlers/context';
import { load, unload } from './handlers/load';

export interface LoadedEmbedder extends TextEmbedder {
  /** Device the model runs on ('cpu', 'cuda', ...). */
  readonly device: string;
  readonly fallbackReason?: string;
  dispose(): Promise<void>;
}

/** Refuses a model whose onnx/model.onnx is not the one a saved classifier recorded (`expected`, when given). */
export function assertSameModel(modelDir: string, sha256: string, expected: string | undefined): void {
  if (expected && expected !== sha256) {
    throw new UserError(`${modelDir} is not the embedding model the classifier was trained with (onnx/model.onnx sha256 ${sha256.slice(0, 12)}…, expected ${expected.slice(0, 12)}…): give that model (--embedding-model DIR, the models path or productForge.train.embeddingModel)`);
  }
}

/** Most tokens per text (special tokens included); longer texts are truncated, as sentence-transformers does. */
const MAX_TOKENS = 256;

export async function loadTextEmbedder(opts: {
  modelId: string;
  modelDir: string;
  device?: DeviceSetting;
  threads?: number;
  signal?: AbortSignal;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The sha256 of onnx/model.onnx a saved classifier recorded: another model is refused before loading. */
  expectSha256?: string;
}): Promise<LoadedEmbedder> {
  const onnx = path.join(opts.modelDir, 'onnx', 'model.onnx');
  if (!existsSync(onnx)) throw new UserError(`${opts.modelDir} has no onnx/model.onnx: a text embedding model needs one (Hugging Face layout, as transformers.js loads it)`);
  const sha256 = await sha256File(onnx, opts.signal);
  assertSameModel(opts.modelDir, sha256, opts.expectSha256);
  const ctx: HandlerContext = {
    signal: opts.signal ?? new AbortController().signal,
    progress: () => undefined,
    log: opts.log ?? (() => undefined),
    models: new Map(),
  };
  const r = await load({ modelId: opts.modelId, modelDir: opts.modelDir, task: 'feature-extraction', device: opts.device ?? 'auto', dtype: 'fp32', threads: opts.threads }, ctx);
  const m = ctx.models.get(opts.modelId)!;
  const mpe = Number(m.config.max_position_embeddings);
  const maxLength = Math.min(MAX_TOKENS, Number.isFinite(mpe) && mpe > 8 ? mpe : MAX_TOKENS);
  const dims = Number(m.config.hidden_size);
  if (!Number.isInteger(dims) || dims < 1) throw new Error(`${opts.modelDir}/config.json has no hidden_size: not an encoder model`);

  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    if (!texts.length) return [];
    const inputs = m.tokenizer(texts, { padding: true, truncation: true, max_length: maxLength });
    const out = await m.model(inputs);
    const hidden = out.last_hidden_state ?? out.token_embeddings;
    if (!hidden) throw new Error(`${opts.modelId} returned no last_hidden_state: not a feature-extraction model`);
    const [B, T, H] = hidden.dims as number[];
    const h = hidden.data as Float32Array;
    const mask = inputs.attention_mask.data as ArrayLike<bigint | number>;
    const vecs: Float32Array[] = [];
    for (let b = 0; b < B; b++) {
      const v = new Float32Array(H);
      let count = 0;
      for (let t = 0; t < T; t++) {
        if (!Number(mask[b * T + t])) continue;
        count++;
        const o = (b * T + t) * H;
        for (let d = 0; d < H; d++) v[d] += h[o + d];
      }
      let norm = 0;
      for (let d = 0; d < H; d++) {
        v[d] /= Math.max(count, 1);
        norm += v[d] * v[d];
      }
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < H; d++) v[d] /= norm;
      vecs.push(v);
    }
    hidden.dispose?.();
    return vecs;
  };

  return {
    modelId: opts.modelId,
    sha256,
    dims,
    device: r.device,
    fallbackReason: r.fallbackReason,
    embed,
    dispose: async () => {
      await unload({ modelId: opts.modelId }, ctx);
    },
  };
}

/**
 * The folder of an embedding model named by `idOrDir`: a model folder itself (its name is the id; a
 * relative path counts from the current folder unless `absoluteOnly`), else an id resolved like every
 * model (productForge.modelsPath / --models-path, the bundled models, the cache; never a download here).
 * A UserError says where it looked.
 */
export async function findEmbeddingModel(
  idOrDir: string,
  opts: { modelsPath?: string; bundledDir: string; cacheDir?: string; signal?: AbortSignal; absoluteOnly?: boolean },
): Promise<{ modelId: string; modelDir: string }> {
  const asDir = path.resolve(idOrDir);
  const mayBeDir = !opts.absoluteOnly || path.isAbsolute(idOrDir);
  if (mayBeDir && existsSync(path.join(asDir, 'config.json')) && statSync(asDir).isDirectory()) return { modelId: path.basename(asDir), modelDir: asDir };
  try {
    const r = await resolveModel(idOrDir, { modelsPath: opts.modelsPath, bundledDir: opts.bundledDir, cacheDir: opts.cacheDir, allowDownload: false, signal: opts.signal });
    return { modelId: idOrDir, modelDir: r.dir };
  } catch (e) {
    if (e instanceof UserError) {
      throw new UserError(`text embedding model "${idOrDir}" not found: ${e.message} Give a model folder (a sentence-embedding model in the Hugging Face layout with onnx/model.onnx), or put it under the models path as ${idOrDir}/.`);
    }
    throw e;
  }
}

// 'classify': sentiment scores for a list of texts through the batched, windowed fast path.
import { RuntimeUserError } from '../errors';
import type { ClassifyParams, ClassifyResult } from '../protocol';
import type { HandlerContext, LoadedModel } from './context';
import { scoreTexts, sentimentColumns, toSentimentScores } from './scoring';

export function loadedModel(ctx: HandlerContext, modelId: string, task: LoadedModel['task']): LoadedModel {
  const m = ctx.models.get(modelId);
  if (!m) {
    throw new RuntimeUserError(`Model ${modelId} is not loaded in the model worker; load it first.`, 'not-loaded');
  }
  if (m.task !== task) throw new RuntimeUserError(`Model ${modelId} was loaded for ${m.task}, not ${task}.`, 'bad-request');
  return m;
}

export async function classify(params: ClassifyParams, ctx: HandlerContext): Promise<ClassifyResult> {
  if (!params || !Array.isArray(params.texts)) throw new RuntimeUserError('classify needs a list of texts.', 'bad-request');
  if (params.batchSize !== undefined && (!Number.isInteger(params.batchSize) || params.batchSize < 1 || params.batchSize > 4096)) {
    throw new RuntimeUserError(`batchSize must be an integer from 1 to 4096 (got ${params.batchSize}).`, 'bad-request');
  }
  const m = loadedModel(ctx, params.modelId, 'text-classification');
  const cols = sentimentColumns(m);
  const total = params.texts.length;
  let last = -1;
  // Held while it scores: an unload or a reload meanwhile (a setting changed) frees it after this request.
  const unhold = m.hold?.();
  let probs: Float64Array[];
  try {
    probs = await scoreTexts(m, params.texts, {
      batchSize: params.batchSize,
      signal: ctx.signal,
      onProgress: (done) => {
        if (done !== last) ctx.progress({ done, total });
        last = done;
      },
    });
  } finally {
    unhold?.();
  }
  return { scores: probs.map((row) => toSentimentScores(row, cols)) };
}

// 'explain': occlusion attribution of one text (src/core/analysis/explain.ts). Each word (a Chinese word of
// one to three characters, or a Japanese or Korean character) is removed in turn, every variant is re-scored in one batched pass, and a unit's weight is
// how much the predicted label's probability drops without it (negative: the unit argued against it), with the drop
// of its log-odds (which still moves where the model is sure of the text).
import { twoWayScores } from '../../core/analysis/analyze';
import { occlusionWeights, splitUnits, withoutUnit } from '../../core/analysis/explain';
import { SENTIMENT_LABELS } from '../../core/types';
import { RuntimeUserError } from '../errors';
import type { ExplainParams, ExplainResult, TokenAttribution } from '../protocol';
import { loadedModel } from './classify';
import type { HandlerContext } from './context';
import { scoreTexts, sentimentColumns, toSentimentScores } from './scoring';

/** Most units one explain request may occlude (each costs one more model input). */
export const MAX_EXPLAIN_UNITS = 512;

export async function explain(params: ExplainParams, ctx: HandlerContext): Promise<ExplainResult> {
  if (!params || typeof params.text !== 'string') throw new RuntimeUserError('explain needs a text.', 'bad-request');
  const text = params.text;
  if (!text.trim()) throw new RuntimeUserError('Select some text to explain: the selection is empty.', 'bad-request');
  const m = loadedModel(ctx, params.modelId, 'text-classification');
  const cols = sentimentColumns(m);
  const units = splitUnits(text);
  if (units.length > MAX_EXPLAIN_UNITS) {
    throw new RuntimeUserError(
      `The text has ${units.length} words; select at most ${MAX_EXPLAIN_UNITS} words to explain.`,
      'bad-request',
    );
  }
  const variants = [text, ...units.map((u) => withoutUnit(text, u))];
  const unhold = m.hold?.();
  let probs: Float64Array[];
  try {
    probs = await scoreTexts(m, variants, { signal: ctx.signal });
  } finally {
    unhold?.();
  }
  const view = (row: Float64Array) => (params.twoWay ? twoWayScores(toSentimentScores(row, cols)) : toSentimentScores(row, cols));
  const scores = view(probs[0]);
  let label: (typeof SENTIMENT_LABELS)[number] = params.twoWay ? (scores.positive > scores.negative ? 'positive' : 'negative') : 'neutral';
  if (!params.twoWay) for (const l of SENTIMENT_LABELS) if (cols[l] >= 0 && (cols[label] < 0 || scores[l] > scores[label])) label = l;
  const tokens: TokenAttribution[] = occlusionWeights(units, scores, label, probs.slice(1).map(view));
  return { label, scores, tokens };
}

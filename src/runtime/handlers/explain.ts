// 'explain': occlusion attribution of one text (src/core/analysis/explain.ts). Each word (a Chinese word, a Japanese or
// Korean character, an address, a run of emoji; in a long text, passages of a few words: explainUnits) is removed in
// turn, every variant is re-scored in one batched pass, and a unit's weight is how much the predicted label's
// probability drops without it (negative: the unit argued against it), with the drop of its log-odds (which still moves
// where the model is sure of the text).
import { twoWayScores } from '../../core/analysis/analyze';
import { explainUnits, MAX_EXPLAIN_CHARS, occlusionWeights, withoutUnit } from '../../core/analysis/explain';
import { SENTIMENT_LABELS } from '../../core/types';
import { RuntimeUserError } from '../errors';
import type { ExplainParams, ExplainResult, TokenAttribution } from '../protocol';
import { loadedModel } from './classify';
import type { HandlerContext } from './context';
import { scoreTexts, sentimentColumns, toSentimentScores } from './scoring';

export async function explain(params: ExplainParams, ctx: HandlerContext): Promise<ExplainResult> {
  if (!params || typeof params.text !== 'string') throw new RuntimeUserError('explain needs a text.', 'bad-request');
  const text = params.text;
  if (!text.trim()) throw new RuntimeUserError('Nothing to explain: the text is empty.', 'bad-request');
  if (text.length > MAX_EXPLAIN_CHARS) {
    throw new RuntimeUserError(
      `The text is ${text.length.toLocaleString('en-US')} characters long; Explain Sentiment takes at most ${MAX_EXPLAIN_CHARS.toLocaleString('en-US')} (about 8,000 words) at a time: explain a part of it.`,
      'bad-request',
    );
  }
  const m = loadedModel(ctx, params.modelId, 'text-classification');
  const cols = sentimentColumns(m);
  // every word, or for a long text passages of a few words (explainUnits)
  const { units, wordsPerUnit } = explainUnits(text);
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
  return { label, scores, tokens, units: wordsPerUnit > 1 ? 'passages' : 'words', wordsPerUnit };
}

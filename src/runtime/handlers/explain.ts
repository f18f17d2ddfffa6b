// 'explain': occlusion attribution. Each word (or each CJK character) is removed in turn, every
// variant is re-scored in one batched pass, and a unit's weight is how much the predicted label's
// probability drops without it (negative: the unit argued against the prediction).
import { SENTIMENT_LABELS } from '../../core/types';
import { RuntimeUserError } from '../errors';
import type { ExplainParams, ExplainResult, TokenAttribution } from '../protocol';
import { loadedModel } from './classify';
import type { HandlerContext } from './context';
import { scoreTexts, sentimentColumns, toSentimentScores } from './scoring';

/** Most units one explain request may occlude (each costs one more model input). */
export const MAX_EXPLAIN_UNITS = 512;

export interface TextUnit {
  token: string;
  start: number;
  end: number;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;
const JOINER = /['’\-_.]/u;

/** Words (letters/digits, with inner apostrophes, hyphens, dots) and single CJK characters, with UTF-16 spans. */
export function splitUnits(text: string): TextUnit[] {
  const units: TextUnit[] = [];
  const chars = Array.from(text);
  let pos = 0;
  let wordStart = -1;
  const close = (end: number): void => {
    if (wordStart >= 0) {
      let e = end;
      while (e > wordStart && JOINER.test(text[e - 1])) e--; // no trailing joiners ("end." -> "end")
      units.push({ token: text.slice(wordStart, e), start: wordStart, end: e });
      wordStart = -1;
    }
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const next = chars[i + 1] ?? '';
    if (CJK.test(ch)) {
      close(pos);
      units.push({ token: ch, start: pos, end: pos + ch.length });
    } else if (WORD.test(ch)) {
      if (wordStart < 0) wordStart = pos;
    } else if (wordStart >= 0 && JOINER.test(ch) && WORD.test(next) && !CJK.test(next)) {
      // inner joiner: "don't", "e-mail", "v2.1"
    } else {
      close(pos);
    }
    pos += ch.length;
  }
  close(pos);
  return units;
}

/** The text without one unit; a word takes one neighbouring space with it. */
export function withoutUnit(text: string, u: TextUnit): string {
  let { start, end } = u;
  const space = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
  if (space(text[end]) && (start === 0 || space(text[start - 1]))) end++;
  else if (space(text[start - 1]) && end === text.length) start--;
  return text.slice(0, start) + text.slice(end);
}

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
  const probs = await scoreTexts(m, variants, { signal: ctx.signal });
  const scores = toSentimentScores(probs[0], cols);
  let label: (typeof SENTIMENT_LABELS)[number] = 'neutral';
  for (const l of SENTIMENT_LABELS) if (cols[l] >= 0 && (cols[label] < 0 || scores[l] > scores[label])) label = l;
  const base = scores[label];
  const tokens: TokenAttribution[] = units.map((u, i) => ({
    token: u.token,
    start: u.start,
    end: u.end,
    weight: base - toSentimentScores(probs[i + 1], cols)[label],
  }));
  return { label, scores, tokens };
}

// Pure formatting of explain() results (unit-tested; no 'vscode').
import { SENTIMENT_LABELS } from '../core/types';
import type { ExplainResult, TokenAttribution } from '../runtime/protocol';
import { driverSide as side, driverStrength as strength, MIN_DRIVER_LOG_ODDS, shortUnit, weightText } from '../core/analysis/drivers-format';

export { side, shortUnit };

/**
 * Words worth highlighting: the 12 strongest, ignoring near-zero ones: below minAbs of probability (a point) and, when
 * the log-odds drop is known, below twice MIN_DRIVER_LOG_ODDS there too.
 */
export function significantTokens(tokens: readonly TokenAttribution[], max = 12, minAbs = 0.01): TokenAttribution[] {
  return tokens
    .filter((t) => Number.isFinite(t.weight) && t.end > t.start && (Math.abs(t.weight) >= minAbs || (Number.isFinite(t.logOdds) && Math.abs(t.logOdds!) >= 2 * MIN_DRIVER_LOG_ODDS)))
    .sort((a, b) => strength(b) - strength(a) || a.start - b.start)
    .slice(0, max)
    .sort((a, b) => a.start - b.start);
}

/**
 * One line: "Negative (probability 0.91; neutral 0.06, positive 0.03). Driven by "slow", "crash"; against: "love"."
 * `lines`: how many non-empty lines the text spans (several: said to be explained as one text).
 */
export function explainSummary(r: ExplainResult, opts: { lines?: number } = {}): string {
  const label = r.label.charAt(0).toUpperCase() + r.label.slice(1);
  const top = r.scores[r.label as keyof typeof r.scores];
  const others = SENTIMENT_LABELS.filter((l) => l !== r.label).map((l) => `${l} ${fmt(r.scores[l])}`);
  const sig = significantTokens(r.tokens);
  const byWeight = (sign: 1 | -1): string[] =>
    sig
      .filter((t) => side(t) === sign)
      .sort((a, b) => strength(b) - strength(a))
      .slice(0, 5)
      .map((t) => `"${shortUnit(t.token)}"`);
  const pro = byWeight(1);
  const con = byWeight(-1);
  const passages = r.units === 'passages';
  let s = `${label} (probability ${typeof top === 'number' ? fmt(top) : '?'}; ${others.join(', ')}).`;
  if (pro.length) s += ` Driven by ${passages ? 'the passages ' : ''}${pro.join(', ')}`;
  if (con.length) s += `${pro.length ? '; against' : ` Against it${passages ? ', the passages' : ''}`}: ${con.join(', ')}`;
  if (pro.length || con.length) s += '.';
  else s += passages ? ' No single passage changes the prediction much.' : ' No single word changes the prediction much.';
  if (passages) s += ` A long text: scored without each passage of ${r.wordsPerUnit} words in turn, not word by word (select a part to see single words).`;
  if ((opts.lines ?? 1) > 1) s += ` The ${opts.lines} selected lines were explained as one text; select one line (or put the cursor on it) to explain one item.`;
  return s;
}

/**
 * The hover of a highlighted unit: which side it is on and what removing it does to the label's probability
 * ("without this word, P(negative) falls by 0.15, 0.85 → 0.71"); where the model is so sure that the probability
 * hardly moves, the log-odds too.
 */
export function hoverText(t: TokenAttribution, r: Pick<ExplainResult, 'label' | 'scores' | 'units'>): string {
  const supports = side(t) >= 0;
  const what = r.units === 'passages' ? 'passage' : 'word';
  const p = r.scores[r.label as keyof typeof r.scores];
  const without = typeof p === 'number' ? Math.min(1, Math.max(0, p - t.weight)) : undefined;
  const change = `${t.weight >= 0 ? 'falls' : 'rises'} by ${weightText(t.weight)}${without !== undefined ? ` (${fmt(p)} → ${fmt(without)})` : ''}`;
  const logOdds = Math.abs(t.weight) < 0.001 && Number.isFinite(t.logOdds) ? `; its log-odds ${t.logOdds! >= 0 ? 'fall' : 'rise'} by ${Math.abs(t.logOdds!).toFixed(2)} (the model is sure of this text)` : '';
  return `**${supports ? 'Supports' : 'Argues against'}** *${r.label}*: without this ${what}, P(${r.label}) ${change}${logOdds}.`;
}

function fmt(n: number | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : '?';
}

/** How many lines of `text` have something on them. */
export function nonEmptyLines(text: string): number {
  return text.split(/\r\n|\r|\n/).filter((l) => l.trim()).length;
}

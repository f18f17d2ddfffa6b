// Pure formatting of explain() results (unit-tested; no 'vscode').
import { SENTIMENT_LABELS } from '../core/types';
import type { ExplainResult, TokenAttribution } from '../runtime/protocol';
import { driverSide as side, driverStrength as strength, MIN_DRIVER_LOG_ODDS } from '../core/analysis/drivers-format';

export { side };

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

/** One line: "Negative (0.91; neutral 0.06, positive 0.03). Driven by "slow", "crash"; against: "love"." */
export function explainSummary(r: ExplainResult): string {
  const label = r.label.charAt(0).toUpperCase() + r.label.slice(1);
  const top = r.scores[r.label as keyof typeof r.scores];
  const others = SENTIMENT_LABELS.filter((l) => l !== r.label).map((l) => `${l} ${fmt(r.scores[l])}`);
  const sig = significantTokens(r.tokens);
  const byWeight = (sign: 1 | -1): string[] =>
    sig
      .filter((t) => side(t) === sign)
      .sort((a, b) => strength(b) - strength(a))
      .slice(0, 5)
      .map((t) => `"${t.token}"`);
  const pro = byWeight(1);
  const con = byWeight(-1);
  let s = `${label} (${typeof top === 'number' ? fmt(top) : '?'}; ${others.join(', ')}).`;
  if (pro.length) s += ` Driven by ${pro.join(', ')}`;
  if (con.length) s += `${pro.length ? '; against' : ' Against it'}: ${con.join(', ')}`;
  if (pro.length || con.length) s += '.';
  else s += ' No single word changes the prediction much.';
  return s;
}

function fmt(n: number | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : '?';
}

// Pure formatting of explain() results (unit-tested; no 'vscode').
import { SENTIMENT_LABELS } from '../core/types';
import type { ExplainResult, TokenAttribution } from '../runtime/protocol';

/** Words worth highlighting: the 12 with the largest |weight|, ignoring near-zero ones. */
export function significantTokens(tokens: readonly TokenAttribution[], max = 12, minAbs = 0.01): TokenAttribution[] {
  return tokens
    .filter((t) => Number.isFinite(t.weight) && Math.abs(t.weight) >= minAbs && t.end > t.start)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.start - b.start)
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
      .filter((t) => sign * t.weight > 0)
      .sort((a, b) => sign * (b.weight - a.weight))
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

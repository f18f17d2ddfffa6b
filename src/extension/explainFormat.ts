// Pure formatting of explain() results (unit-tested; no 'vscode').
import { SENTIMENT_LABELS } from '../core/types';
import type { ExplainResult, TokenAttribution } from '../runtime/protocol';
import { driverSide as side, driverStrength as strength, MIN_DRIVER_LOG_ODDS, shortUnit, weightText } from '../core/analysis/drivers-format';
import { isFunctionWord } from '../core/functionWords';

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

/** One line: "Negative (probability 0.91; neutral 0.06, positive 0.03). Driven by "slow", "crash"; against: "love"." */
export function explainSummary(r: ExplainResult): string {
  const label = r.label.charAt(0).toUpperCase() + r.label.slice(1);
  const top = r.scores[r.label as keyof typeof r.scores];
  const others = SENTIMENT_LABELS.filter((l) => l !== r.label).map((l) => `${l} ${fmt(r.scores[l])}`);
  const pro = strongest(r, 1, 5);
  const con = strongest(r, -1, 5);
  const passages = r.units === 'passages';
  let s = `${label} (probability ${typeof top === 'number' ? fmt(top) : '?'}; ${others.join(', ')}).`;
  if (pro.length) s += ` Driven by ${passages ? 'the passages ' : ''}${pro.join(', ')}`;
  if (con.length) s += `${pro.length ? '; against' : ` Against it${passages ? ', the passages' : ''}`}: ${con.join(', ')}`;
  if (pro.length || con.length) s += '.';
  else if (passages) s += ' No single passage changes the prediction much.';
  else {
    // only words without a meaning of their own ("the", "is") move it: said, not hidden (they are highlighted)
    const fw = significantTokens(r.tokens).sort((a, b) => strength(b) - strength(a)).slice(0, 3).map((t) => `"${shortUnit(t.token)}"`);
    s += fw.length ? ` Only words without a meaning of their own move it (${fw.join(', ')}); no word that says something does.` : ' No single word changes the prediction much.';
  }
  if (passages) s += ` A long text: scored without each passage of ${r.wordsPerUnit} words in turn, not word by word (select a part to see single words).`;
  return s;
}

/**
 * The `n` strongest highlighted words on one side, quoted and short: words that say something, as the report names an
 * item's drivers (functionWords.ts: "the", "is", "to" are highlighted where the model leans on them, but a short list of
 * them tells a reader nothing; negations, "but", "too" stay). Passages are named whatever they hold.
 */
function strongest(r: Pick<ExplainResult, 'tokens' | 'units'>, sign: 1 | -1, n: number): string[] {
  return significantTokens(r.tokens)
    .filter((t) => side(t) === sign && (r.units === 'passages' || !isFunctionWord(t.token)))
    .sort((a, b) => strength(b) - strength(a))
    .slice(0, n)
    .map((t) => `"${shortUnit(t.token)}"`);
}

/** The note at the end of an item's line when several items are explained: "negative 0.91: "slow", "crash"; against: "love"". */
export function itemNote(r: ExplainResult): string {
  const pro = strongest(r, 1, 3);
  const con = strongest(r, -1, 2);
  const top = r.scores[r.label as keyof typeof r.scores];
  let s = `${r.label} ${typeof top === 'number' ? fmt(top) : '?'}`;
  if (pro.length) s += `: ${pro.join(', ')}`;
  if (con.length) s += `${pro.length ? '; against' : ', against'}: ${con.join(', ')}`;
  return s;
}

/**
 * The message after several items are explained: "Explained 5 feedback items (lines 3-9): 3 negative, 2 positive. …";
 * `count` items were selected, of which the first results.length (MAX_EXPLAIN_ITEMS) were explained.
 */
export function itemsSummary(results: readonly { line: number; result: Pick<ExplainResult, 'label'> }[], count: number): string {
  const n = results.length;
  const lines = n ? `line${n > 1 ? 's' : ''} ${results[0].line}${n > 1 ? `-${results[n - 1].line}` : ''}` : '';
  const by = SENTIMENT_LABELS.map((l) => [l, results.filter((x) => x.result.label === l).length] as const).filter(([, k]) => k > 0);
  let s = `Explained ${n} feedback item${n === 1 ? '' : 's'} (${lines}): ${by.map(([l, k]) => `${k} ${l}`).join(', ')}. Each item's label and strongest words are at the end of its line; hover a highlighted word for what it counts.`;
  if (count > n) s += ` The selection holds ${count} items: only the first ${n} were explained; select the others to explain them, or run Analyze Feedback for the words that drove every item.`;
  return s;
}

/**
 * Where each character of `text`, an item as a reader gives it (a run of whitespace as one space), is in `region`, the
 * document text it came from: text.length + 1 offsets into region (the last: the end of the item); undefined when the
 * region does not hold it that way (a quoted cell with escaped quotes, Markdown markup dropped). The item must start
 * before `startBefore` (on its own line).
 */
export function locateText(text: string, region: string, startBefore = region.length): Int32Array | undefined {
  if (!text) return undefined;
  const pattern = text
    .split(/\s+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  const m = new RegExp(pattern).exec(region);
  if (!m || m.index >= startBefore) return undefined;
  const at = new Int32Array(text.length + 1);
  let j = m.index;
  for (let i = 0; i < text.length; ) {
    at[i] = j;
    if (/\s/.test(text[i])) {
      // a run of whitespace in the item: the region's run
      while (i < text.length && /\s/.test(text[i])) at[i++] = j;
      while (j < region.length && /\s/.test(region[j])) j++;
    } else {
      i++;
      j++;
    }
  }
  at[text.length] = j;
  return at;
}

/** The non-empty lines of a selected text, trimmed, with their offsets in it: one item each where nothing better is known. */
export function lineItems(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  const re = /[^\r\n]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const lead = m[0].length - m[0].trimStart().length;
    const t = m[0].trim();
    if (t) out.push({ text: t, start: m.index + lead });
  }
  return out;
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

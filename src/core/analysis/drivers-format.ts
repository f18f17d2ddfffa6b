// Which occlusion weights count as drivers, and how they are written. No imports: the Report view's webview bundles
// it, beside the CLI, the extension's Explain Sentiment and the analysis.

/** Weights below this (half a point of probability) are not drivers of an item the model is not sure of. */
export const MIN_DRIVER_WEIGHT = 0.005;
/**
 * The least drop in the label's log-odds, log(p / (1 - p)), of a driver. An item the model is sure of (0.998, or
 * 0.99999) can hardly lose half a point of probability to any one word, since the other words still carry it; its
 * log-odds still move (a word whose removal takes 0.99999 to 0.9999 drops them by 2.3). So the report's most
 * positive and most negative items, nearly all scored 0.99 and up, still name their words. Near 0.9 this is
 * about half a point of probability, like MIN_DRIVER_WEIGHT.
 */
export const MIN_DRIVER_LOG_ODDS = 0.05;

/** Whether a unit with this weight (probability drop) and log-odds drop drove (or argued against) the label. */
export function isDriver(weight: number, logOdds?: number): boolean {
  return Math.abs(weight) >= MIN_DRIVER_WEIGHT || (logOdds !== undefined && Math.abs(logOdds) >= MIN_DRIVER_LOG_ODDS);
}

/** A unit's weight and, when known, its log-odds drop (explain.ts Driver). */
interface Weighted {
  weight: number;
  logOdds?: number;
}

/** How strongly a unit drove its label: its log-odds drop when known (it still moves where the model is sure), else its weight. */
export function driverStrength(d: Weighted): number {
  return Math.abs(Number.isFinite(d.logOdds) ? d.logOdds! : d.weight);
}

/** 1: the unit drove the label; -1: it argued against it (the log-odds' sign when known: a weight can round to 0 near 1). */
export function driverSide(d: Weighted): number {
  return Math.sign(Number.isFinite(d.logOdds) ? d.logOdds! : d.weight);
}

/** A weight (probability) without its sign, to as many decimals as a small one needs: "0.36", "0.004", "0.0003". */
export function weightText(w: number): string {
  const a = Math.abs(w);
  return a >= 0.01 ? a.toFixed(2) : a >= 0.001 ? a.toFixed(3) : a >= 0.0001 ? a.toFixed(4) : '<0.0001';
}

/** A weight in points of probability without its sign: "36.2", "0.4", "0.03", "<0.01". */
export function pointsText(w: number): string {
  const a = Math.abs(w) * 100;
  return a >= 0.095 ? a.toFixed(1) : a >= 0.01 ? a.toFixed(2) : '<0.01';
}

/**
 * A unit as a line of text names it: spaces collapsed, and a passage (a long text's unit) over `max` characters cut in
 * the middle at word boundaries ("the acting was wooden…from the start").
 */
export function shortUnit(token: string, max = 40): string {
  const t = token.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const room = Math.max(2, max - 1);
  let head = t.slice(0, Math.ceil(room / 2));
  let tail = t.slice(t.length - Math.floor(room / 2));
  // whole words at both ends when there is a space to cut at
  if (head.includes(' ') && t[head.length] !== ' ') head = head.slice(0, head.lastIndexOf(' '));
  if (tail.includes(' ') && t[t.length - tail.length - 1] !== ' ') tail = tail.slice(tail.indexOf(' ') + 1);
  return `${head.trimEnd()}…${tail.trimStart()}`;
}

// Occlusion attribution: which words drove a sentiment label. Each word (Chinese: words of one to three characters) is removed
// in turn and the text re-scored; a word's weight is how much the predicted label's probability drops
// without it (negative: the word argued against the label). Used by Explain Sentiment (one text, every
// word) and by Analyze Feedback (the words that drove each listed item, or every item with --explain).
import { SENTIMENT_LABELS, type SentimentClassifier, type SentimentLabel, type SentimentScores } from '../types';
import { zhReaderWords } from './phrases';
import { driverSide, driverStrength, isDriver, MIN_DRIVER_WEIGHT, weightText } from './drivers-format';

export { MIN_DRIVER_WEIGHT };

export interface TextUnit {
  token: string;
  /** UTF-16 span in the text. */
  start: number;
  end: number;
}

/** A unit with its weight: the drop of the predicted label's probability when it is removed. */
export interface Driver extends TextUnit {
  weight: number;
  /**
   * The drop of the label's log-odds, log(p / (1 - p)), without the unit: where the probability barely moves because
   * the model is sure of the text (0.99999), this still does. Set by Explain Sentiment; an analysis's drivers leave it out.
   */
  logOdds?: number;
}

/** Words or phrases occluded per item in an analysis: longer texts are occluded in runs of words. */
export const MAX_ITEM_OCCLUSIONS = 32;
/**
 * The report's listed items: about this many characters of re-scoring per item, so a long review gets
 * fewer, longer runs (a 1,300-character review: 8 runs, not 32), at least MIN_LISTED_OCCLUSIONS.
 */
export const LISTED_CHAR_BUDGET = 8000;
export const MIN_LISTED_OCCLUSIONS = 8;
/** Drivers kept per item (the strongest by absolute weight). */
export const MAX_ITEM_DRIVERS = 5;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** What starts a word: a letter or a digit (a mark only continues one: a lone variation selector is no word). */
const WORD_START = /[\p{L}\p{N}]/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;
const JOINER = /['’\-_.]/u;
/**
 * Units a reader takes whole: a web address or an e-mail address (ASCII up to a space; a trailing ".", ",", ")" and the
 * like is the sentence's), and a run of emoji with their modifiers, joiners and variation selectors ("😍😍", "👍🏽",
 * "👨‍👩‍👧", "❤️", flags).
 */
const WHOLE_UNITS = new RegExp(
  [
    String.raw`(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+`,
    // (an address starts where a run of its characters does: tried inside a long run, "[…]+@" was quadratic)
    String.raw`(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`,
    String.raw`(?:(?:\p{Extended_Pictographic}|\p{Regional_Indicator})(?:\uFE0F|\u20E3|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic})*)+`,
  ].join('|'),
  'gu',
);
/** Sentence punctuation after an address, not part of it. */
const ADDRESS_TAIL = /[.,;:!?'")\]]/;
const count = (s: string, c: string): number => s.split(c).length - 1;

/** Spans of WHOLE_UNITS in the text, by start (UTF-16). */
function wholeUnits(text: string): Map<number, number> {
  const spans = new Map<number, number>();
  for (const m of text.matchAll(WHOLE_UNITS)) {
    let s = m[0];
    // the sentence's punctuation after an address is not the address's; a ")" it opened is ("…/Foo_(bar)")
    while (s && ADDRESS_TAIL.test(s[s.length - 1]) && !(s.endsWith(')') && count(s, '(') >= count(s, ')'))) s = s.slice(0, -1);
    if (s) spans.set(m.index!, m.index! + s.length);
  }
  return spans;
}

/**
 * Words (letters/digits, with inner apostrophes, hyphens, dots), Chinese words (zhReaderWords: 闪退, 好用, 但是, 打不开, 很),
 * single Japanese/Korean characters, web and e-mail addresses and runs of emoji, with UTF-16 spans.
 */
export function splitUnits(text: string): TextUnit[] {
  const units: TextUnit[] = [];
  // Japanese (kana beside the kanji): every character on its own, as before; Chinese: words
  const japanese = KANA.test(text);
  const whole = wholeUnits(text);
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
    const wholeEnd = wordStart < 0 ? whole.get(pos) : undefined;
    if (wholeEnd !== undefined) {
      units.push({ token: text.slice(pos, wholeEnd), start: pos, end: wholeEnd });
      while (pos < wholeEnd) pos += chars[i++].length;
      i--;
      continue;
    }
    if (HAN.test(ch) && !japanese) {
      close(pos);
      let run = ch;
      while (i + 1 < chars.length && HAN.test(chars[i + 1])) run += chars[++i];
      for (const w of zhReaderWords(run)) {
        units.push({ token: w, start: pos, end: pos + w.length });
        pos += w.length;
      }
      continue;
    } else if (CJK.test(ch)) {
      close(pos);
      units.push({ token: ch, start: pos, end: pos + ch.length });
    } else if (wordStart >= 0 ? WORD.test(ch) : WORD_START.test(ch)) {
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

/** The text without one unit (or run of units); a word takes one neighbouring space with it. */
export function withoutUnit(text: string, u: TextUnit): string {
  let { start, end } = u;
  const space = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
  if (space(text[end]) && (start === 0 || space(text[start - 1]))) end++;
  else if (space(text[start - 1]) && end === text.length) start--;
  return text.slice(0, start) + text.slice(end);
}

/**
 * The units to occlude, at most `max`: single words while they fit, else runs of consecutive words
 * (a 200-word review is explained by phrases of 7 words, not by 200 re-scorings of the whole review).
 */
export function occlusionUnits(text: string, max = MAX_ITEM_OCCLUSIONS): TextUnit[] {
  return runsOf(text, splitUnits(text), max).units;
}

/** Units in runs of consecutive ones so that at most `max` remain (each run: `per` units, the last maybe fewer). */
function runsOf(text: string, units: TextUnit[], max: number): { units: TextUnit[]; per: number } {
  if (units.length <= max) return { units, per: 1 };
  const per = Math.ceil(units.length / max);
  const runs: TextUnit[] = [];
  for (let i = 0; i < units.length; i += per) {
    const first = units[i];
    const last = units[Math.min(units.length, i + per) - 1];
    runs.push({ token: text.slice(first.start, last.end), start: first.start, end: last.end });
  }
  return { units: runs, per };
}

/** Units Explain Sentiment removes one at a time, at most (each costs one more model input). */
export const MAX_EXPLAIN_UNITS = 512;
/**
 * Characters Explain Sentiment scores in all, at most (the text's length, once per unit): every word of a text up to
 * about 2,900 characters (a 450-word review); a longer one is explained by passages of a few words, fewer the longer it is.
 */
export const EXPLAIN_CHAR_BUDGET = 1_500_000;
/** The longest text Explain Sentiment takes (about 8,000 words: passages of about 280 words). */
export const MAX_EXPLAIN_CHARS = 50_000;
/** Feedback items Explain Sentiment (and `explain --line A-B`) explains at a time, one after the other. */
export const MAX_EXPLAIN_ITEMS = 20;

/**
 * What Explain Sentiment removes in turn from `text`: its words (splitUnits), or, for a text with more words than
 * MAX_EXPLAIN_UNITS or than EXPLAIN_CHAR_BUDGET allows for its length, passages of `wordsPerUnit` consecutive words.
 */
export function explainUnits(text: string): { units: TextUnit[]; wordsPerUnit: number } {
  const max = Math.max(1, Math.min(MAX_EXPLAIN_UNITS, Math.floor(EXPLAIN_CHAR_BUDGET / Math.max(1, text.length))));
  const { units, per } = runsOf(text, splitUnits(text), max);
  return { units, wordsPerUnit: per };
}

/** The label with the highest score (the first of negative, neutral, positive on ties). */
export function topLabel(s: SentimentScores): SentimentLabel {
  let best: SentimentLabel = 'neutral';
  let v = -Infinity;
  for (const l of SENTIMENT_LABELS) {
    const x = Number(s[l]);
    if (x > v) (v = x), (best = l);
  }
  return best;
}

/** The label's log-odds in `s`: log p - log(the other labels' probabilities), which keeps its precision near p = 1. */
export function labelLogOdds(s: SentimentScores, label: SentimentLabel): number {
  let rest = 0;
  for (const l of SENTIMENT_LABELS) if (l !== label) rest += Number(s[l]) || 0;
  return Math.log(Math.max(Number(s[label]) || 0, 1e-300)) - Math.log(Math.max(rest, 1e-300));
}

/**
 * Every unit's weight, the predicted label's probability in `base` minus that in its occluded variant, and the drop of
 * the label's log-odds.
 */
export function occlusionWeights(units: TextUnit[], base: SentimentScores, label: SentimentLabel, variants: SentimentScores[]): Driver[] {
  const b = labelLogOdds(base, label);
  return units.map((u, i) => ({ ...u, weight: base[label] - Number(variants[i][label]), logOdds: b - labelLogOdds(variants[i], label) }));
}

/**
 * The strongest drivers, at most `k`: units whose removal lowers (or raises) the label's probability by half a point, or
 * its log-odds by MIN_DRIVER_LOG_ODDS (drivers-format.ts), strongest log-odds drop first. The log-odds are left out
 * (the CSV, JSON and Report view carry the weight).
 */
export function topDrivers(weighted: Driver[], k = MAX_ITEM_DRIVERS): Driver[] {
  return weighted
    // a weight of 0 (scores in float32 near 1 step by 6e-8) or of the other sign than the log-odds has no side to show
    .filter((d) => isDriver(d.weight, d.logOdds) && d.weight !== 0 && (d.logOdds === undefined || Math.sign(d.logOdds) === Math.sign(d.weight)))
    .sort((a, b) => driverStrength(b) - driverStrength(a) || a.start - b.start)
    .slice(0, k)
    .map(({ logOdds: _, ...d }) => ({ ...d, weight: roundWeight(d.weight) }));
}

/** A weight to 4 decimals, or to 3 significant digits when smaller (it keeps its sign: 3.1e-7, not 0). */
function roundWeight(w: number): number {
  return Math.abs(w) >= 0.001 ? Math.round(w * 10000) / 10000 : Number(w.toPrecision(3));
}

/**
 * Drivers of several texts whose scores are known, in two classifier calls (all variants batched).
 * Returns, per text, its strongest drivers for the label of its scores. Each text is occluded in at
 * most charBudget / its length units (8 to 32), so the cost stays near charBudget characters a text;
 * where those units are runs of words (long texts), the strongest runs are then named by a word (nameRuns).
 */
export async function explainScored(
  classifier: Pick<SentimentClassifier, 'classify'>,
  items: { text: string; scores: SentimentScores }[],
  opts: { signal?: AbortSignal; top?: number; charBudget?: number } = {},
): Promise<Driver[][]> {
  const budget = opts.charBudget ?? LISTED_CHAR_BUDGET;
  const maxUnits = (t: string) => Math.max(MIN_LISTED_OCCLUSIONS, Math.min(MAX_ITEM_OCCLUSIONS, Math.floor(budget / Math.max(1, t.length))));
  const plans = items.map((it) => occlusionUnits(it.text, maxUnits(it.text)));
  const variants: string[] = [];
  items.forEach((it, i) => {
    for (const u of plans[i]) variants.push(withoutUnit(it.text, u));
  });
  const scored = variants.length ? await classifier.classify(variants, { signal: opts.signal }) : [];
  if (scored.length !== variants.length) throw new Error(`classifier returned ${scored.length} results for ${variants.length} texts`);
  let at = 0;
  const out = items.map((it, i) => {
    const units = plans[i];
    const drivers = topDrivers(occlusionWeights(units, it.scores, topLabel(it.scores), scored.slice(at, at + units.length)), opts.top);
    at += units.length;
    return drivers;
  });
  await nameRuns(classifier, items, out, opts.signal);
  return out;
}

/** Runs of words per item that nameRuns names by a word: every driver. */
export const MAX_NAMED_RUNS = MAX_ITEM_DRIVERS;
/** Words of a run scored without them, at most: the run's first 40 (a run is 1/8 to 1/32 of a long text). */
const MAX_RUN_WORDS = 40;

/**
 * A long text is occluded in runs of words, so its drivers are passages ("unhelpful, and I suspect that the passages
 * I found funny we…"). Each of the item's strongest runs (up to MAX_NAMED_RUNS) is named by its strongest word: the
 * passage is scored on its own, without each of its words, and each word alone, in one more classifier call for all
 * items. Of the words that say the item's label on their own (for a run that argued against it: the opposite label), the
 * one whose removal moves the passage most away from that label takes the run's place, with the run's weight
 * ("unhelpful"; not a name or "the" that the passage's score happens to hang on). A run with no such word stays, as
 * do the runs of a neutral item (a word neutral on its own names nothing).
 */
export async function nameRuns(classifier: Pick<SentimentClassifier, 'classify'>, items: { text: string; scores: SentimentScores }[], drivers: Driver[][], signal?: AbortSignal): Promise<void> {
  const jobs: { item: number; at: number; passage: string; units: TextUnit[] }[] = [];
  drivers.forEach((ds, item) => {
    // a neutral item's passages stay: a word that is neutral on its own names nothing
    if (topLabel(items[item].scores) === 'neutral') return;
    let named = 0;
    ds.forEach((d, at) => {
      if (named >= MAX_NAMED_RUNS) return;
      const passage = items[item].text.slice(d.start, d.end);
      const units = splitUnits(passage);
      if (units.length < 2) return;
      jobs.push({ item, at, passage, units: units.slice(0, MAX_RUN_WORDS) });
      named++;
    });
  });
  if (!jobs.length) return;
  const texts = jobs.flatMap((j) => [j.passage, ...j.units.map((u) => withoutUnit(j.passage, u)), ...j.units.map((u) => u.token)]);
  const scored = await classifier.classify(texts, { signal });
  if (scored.length !== texts.length) throw new Error(`classifier returned ${scored.length} results for ${texts.length} texts`);
  let k = 0;
  for (const j of jobs) {
    const n = j.units.length;
    const base = scored[k], variants = scored.slice(k + 1, k + 1 + n), alone = scored.slice(k + 1 + n, k + 1 + 2 * n);
    k += 1 + 2 * n;
    const run = drivers[j.item][j.at];
    const sign = run.weight < 0 ? -1 : 1;
    const label = topLabel(items[j.item].scores);
    // for it: a word that says the label on its own; against it: one that says the opposite label
    const says = sign > 0 ? label : label === 'positive' ? 'negative' : 'positive';
    const words = occlusionWeights(j.units, base, label, variants).filter((w, i) => driverSide(w) === sign && topLabel(alone[i]) === says);
    if (!words.length) continue;
    const best = words.reduce((a, b) => (driverStrength(b) > driverStrength(a) ? b : a));
    const start = run.start + best.start;
    drivers[j.item][j.at] = { token: best.token, start, end: start + (best.end - best.start), weight: run.weight };
  }
}

/** "confusing +0.36; page -0.25": drivers as one CSV cell. */
export function formatDrivers(drivers: Driver[]): string {
  return drivers.map((d) => `${d.token.replace(/\s+/g, ' ')} ${d.weight >= 0 ? '+' : '-'}${weightText(d.weight)}`).join('; ');
}

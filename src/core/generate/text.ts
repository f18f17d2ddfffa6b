// Small text utilities for grounded generation: word tokens for TF-IDF, sentence splitting that keeps
// verbatim substrings, cue detection, and length-limited trimming at word boundaries.

import { chineseTermKeys } from '../analysis/phrases';
import { mulberry32 } from '../random';

const STOP = new Set(
  (
    'a an and are as at be been but by can could did do does doing for from had has have having he her here hers him his how i if in into is it its ' +
    "it's itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their " +
    'theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with ' +
    "would you your yours also get got i'm im ive i've dont don't doesn't didn't isn't can't cant won't wont really even still much many one two any all " +
    'every each been being am us lot lots thing things way make made use used using app please thanks thank since after before again about because ' +
    'would like want wish need needs wanted hope able'
  ).split(/\s+/),
);

/**
 * Lower-cased word tokens (letters/digits), stop words removed, then the Chinese terms: 2-4-character
 * n-grams of the function-free segments, as Analyze Feedback's themes find them (not single characters,
 * which made "了" and "很" the most mentioned "topics" of Chinese feedback).
 */
export function words(text: string): string[] {
  const out: string[] = [];
  // Letters and digits other than Han (Han runs give the Chinese terms below).
  const re = /(?:(?!\p{Script=Han})[\p{L}\p{N}])(?:(?!\p{Script=Han})[\p{L}\p{N}'’-])*/gu;
  for (const m of text.toLowerCase().matchAll(re)) {
    const w = m[0].replace(/['’-]+$/, '').replace(/’/g, "'");
    if (w.length < 2) continue;
    if (STOP.has(w) || /^\d+$/.test(w)) continue;
    out.push(w);
  }
  out.push(...chineseTermKeys(text));
  return out;
}

/** Sentences of `text` as exact substrings (so quotes stay verbatim), trimmed, non-empty. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  // A sentence ends at . ! ? followed by a space or the end (so "2.0" and "e.g." inside words stay whole).
  const re = /[^\s][^\n]*?(?:[.!?]+["”’)]?(?=\s|$)|[。！？]+|(?=\n)|$)/gu;
  for (const m of text.matchAll(re)) {
    const s = m[0].trim();
    if (s.length >= 2) out.push(s);
  }
  return out.length ? out : text.trim() ? [text.trim()] : [];
}

/** At most `max` characters, cut at a word boundary with an ellipsis when shortened. */
export function fitLength(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  if (max <= 1) return t.slice(0, Math.max(0, max));
  const cut = t.slice(0, max - 1);
  const sp = cut.lastIndexOf(' ');
  const base = (sp > max * 0.5 ? cut.slice(0, sp) : cut).replace(/[\s,;:.!?-]+$/, '');
  return `${base}…`;
}

export interface Cues {
  goal: boolean;
  frustration: boolean;
  motivation: boolean;
  behaviour: boolean;
}

const GOAL = /\b(want|wants|wanted|need|needs|wish|would like|would love|hope|looking for|trying to|so that|in order to|goal|should be able|let me|allow(?:s)? me|ability to|please add|add an?|support for)\b/i;
const FRUSTRATION =
  /\b(slow|slower|lag|laggy|crash(?:es|ed|ing)?|bug(?:s|gy)?|broken|fail(?:s|ed|ing|ure)?|error(?:s)?|confus(?:ing|ed)|hard to|difficult|annoying|frustrat\w*|hate|terrible|awful|worst|can't|cannot|can not|doesn't work|does not work|won't|unable|lost|missing|too (?:many|much|long|expensive)|expensive|freez\w*|stuck|disappointed|useless|problem(?:s)?|issue(?:s)?)\b|太慢|崩溃|失败|问题|难用/i;
const MOTIVATION = /\b(love|loved|great|helps?|helped|saves?|saved|easy|easier|fast|faster|reliable|best|enjoy|favorite|favourite|useful|simple|so i can|so we can|perfect|recommend|amazing|excellent|works well)\b|喜欢|方便|好用/i;
const BEHAVIOUR =
  /\b(every (?:day|morning|week|month|time)|daily|weekly|monthly|always|usually|often|sometimes|each (?:day|week)|i use|we use|i've been using|using it|use it|on my (?:phone|laptop|ipad|desktop)|my team|our team|at work|workflow|switched|export(?:ed)? to|share with)\b|每天|经常/i;

export function cues(text: string): Cues {
  return { goal: GOAL.test(text), frustration: FRUSTRATION.test(text), motivation: MOTIVATION.test(text), behaviour: BEHAVIOUR.test(text) };
}

/** Non-functional requirement areas and the words that signal them in feedback. */
export const NFR_AREAS: { area: string; re: RegExp; requirement: string }[] = [
  { area: 'Performance', re: /\b(slow|slower|lag|laggy|fast|faster|speed|load(?:ing)? time|takes forever|freez\w*|latency|performance)\b|太慢|卡/i, requirement: 'Common actions respond quickly; set a latency budget for the slow paths users name.' },
  { area: 'Reliability', re: /\b(crash(?:es|ed|ing)?|bug(?:s|gy)?|broken|fail(?:s|ed|ing|ure)?|error(?:s)?|data loss|lost|sync(?:ing)? (?:fails|issue|problem))\b|崩溃|闪退/i, requirement: 'No crashes or silent failures in the affected flows; errors are reported with a way to recover.' },
  { area: 'Usability', re: /\b(confus(?:ing|ed)|hard to|difficult|unclear|intuitive|can't find|cannot find|learning curve|complicated)\b|难用/i, requirement: 'First-time users complete the core flow without help; labels and settings are discoverable.' },
  { area: 'Security & privacy', re: /\b(privacy|private|secure|security|password|leak|gdpr|tracking|permissions?)\b|隐私/i, requirement: 'User data stays protected; permissions and data use are explained.' },
  { area: 'Accessibility', re: /\b(accessib\w*|screen reader|font size|contrast|dark mode|colou?r ?blind)\b/i, requirement: 'Meets WCAG 2.1 AA for the changed screens (contrast, keyboard, screen readers).' },
  { area: 'Cost', re: /\b(price|pricing|expensive|cost(?:s|ly)?|subscription|refund|billing|charged?)\b|太贵/i, requirement: 'Pricing and billing changes are clear before the user pays.' },
];

/** Deterministic PRNG (mulberry32) so clustering and variant choices repeat exactly. */
export const rng = mulberry32;

export function pct(n: number, total: number): string {
  if (!total) return '0%';
  const p = (100 * n) / total;
  return `${p >= 10 || Number.isInteger(p) ? Math.round(p) : p.toFixed(1)}%`;
}

export function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

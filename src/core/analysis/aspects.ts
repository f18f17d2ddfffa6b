// Contrastive feedback ("fast shipping but the strap broke", "物流很快，但是质量很差"): split at contrast
// markers so each clause can be classified on its own.
import { isZhEvaluation, zhWords } from './phrases';

// "yet" contrasts only as a conjunction (", yet", "and yet", a sentence's first word, or "yet" opening a clause with
// its subject: "fast shipping yet the strap broke"), not as the adverb of "I have yet to see it", "not yet", "the best yet".
const EN_MARKERS =
  /\s*(?:[,;]\s*)?\b(?:but|however|although|though|even though|whereas|except that|except|on the other hand|unfortunately|sadly|apart from that|other than that)\b[,:]?\s*|\s*(?:[,;]\s*(?:and\s+)?|\band\s+|(?<=^|[.!?]\s*))\byet\b[,:]?\s*|\s+yet\s+(?=(?:the|it|its|it's|i|i'm|they|we|this|that|these|those|my|our|your|their|there|he|she|you|nothing|no one)\b)/gi;
// Not a contrast: 不但 / 非但 ("not only": 不但…而且, like 不仅…还, which has no marker), 可是 after its subject as "really"
// ("这可是新机": this is a new phone!; but a pronoun after a verb is its object, and 可是 then contrasts: "很喜欢它可是
// 电池太差"), 只不过 inside a clause / 再好不过 / 不过如此 / 忙不过来 ("merely", "couldn't be
// better", "just so-so", "too much to handle"), 冷却 ("cooling"), and 只是 as "only" inside a clause ("距离只是马路对面": the
// distance is only across the road); 只是 and 只不过 contrast opening a clause ("，只是送餐慢", "很好，只不过吃完拉肚子了")
// or, 只是, before a reservation ("不错只是有点贵").
// Nor is 不过 the complement of a verb ("比不过", "信不过", "熬不过", "干不过": cannot beat / trust / last / outdo) or "merely"
// after 也 ("也不过就是一两年前的事"). 却, and 就是 / 只是 before a reservation, are adverbs: they stand after the subject of
// their clause, so the cut goes before that subject (zhCuts).
const ZH_MARKERS =
  /\s*[，,;；]?\s*(?:(?<![不非])但是?(?![愿凡])|(?<!(?:^|[^欢爱给帮让用买送找问诉对叫请])[这那我你他她它]们?)可是|(?<!只|再|最|再好|最好|再合适|最合适|也|[比信熬逃干算打斗跑躲拼敌])不过(?!瘾|如此|来|去)|然而|(?<![冷忘退])却|(?<=^|[\s，,;；。.!！?？…])(?:只是|只不过)|(?<!不)只是(?=有点|有些|稍|略|太|不)|可惜|就是(?=有点))\s*[，,]?\s*/g;
/** Markers that are adverbs after their clause's subject ("质量却很差", "质量就是有点差"), not conjunctions opening it. */
const ZH_ADVERB_MARKER = /^(?:却|就是|只是)$/;
/** Where a clause ends in Chinese text: its punctuation (or a space between words). */
const ZH_CLAUSE_END = /[\s，,;；。.!！?？…、~～]/;
const ZH_CLAUSE_END_ANY = new RegExp(ZH_CLAUSE_END.source);

function meaningful(clause: string): boolean {
  const han = (clause.match(/\p{Script=Han}/gu) ?? []).length;
  const words = (clause.match(/[A-Za-z]{2,}/g) ?? []).length;
  return han >= 2 || words >= 2;
}

/**
 * Clauses of a contrastive text, or [] when it has no contrast marker (or only one meaningful side).
 * The marker is dropped; "Although A, B" keeps A and B.
 */
export function splitContrast(text: string): string[] {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length > 1000) return [];
  const hasEn = /\b(but|however|although|though|yet|whereas|except|unfortunately|sadly|on the other hand)\b/i.test(t);
  const hasZh = /但是|但|可是|不过|然而|却|只是|可惜|就是有点/.test(t);
  if (!hasEn && !hasZh) return [];
  let parts = [t];
  if (hasEn) parts = parts.flatMap(splitEnglish);
  if (hasZh) parts = parts.flatMap(splitChinese);
  const clauses = parts.map(tidyClause).filter(meaningful);
  return clauses.length >= 2 ? clauses.slice(0, 4) : [];
}

/** The most pieces a contrastive text is classified in (its clauses cut at their sentence ends). */
export const MAX_CONTRAST_UNITS = 12;

/**
 * What a contrastive text is classified in: the clauses of splitContrast, each cut at its sentence ends, so that a
 * clause running over several sentences ("The price was fair. The battery lasts all day. The screen is dim, but …")
 * does not give its one label to every aspect it names. A piece too short to say anything ("Enjoy!") stays with the
 * sentence before it. [] when the text has no contrast. Past MAX_CONTRAST_UNITS pieces, those nearest a contrast cut
 * are kept (the sentences either side of a "but"), in the text's order.
 */
export function contrastUnits(text: string): string[] {
  const clauses = splitContrast(text);
  if (!clauses.length) return clauses;
  const out: { text: string; near: number }[] = [];
  clauses.forEach((c, ci) => {
    const spans: [number, number][] = [];
    for (const [from, to] of sentenceSpans(c)) {
      const prev = spans[spans.length - 1];
      // (a short first sentence goes with the one after it: "Wow. The screen is dim")
      if (prev && (!meaningful(c.slice(from, to)) || (spans.length === 1 && !meaningful(c.slice(prev[0], prev[1]))))) prev[1] = to;
      else spans.push([from, to]);
    }
    // how many sentences away from a cut: the first sentence after one, the last before one are 0
    spans.forEach(([from, to], j) => out.push({ text: c.slice(from, to).trim(), near: Math.min(ci > 0 ? j : Infinity, ci < clauses.length - 1 ? spans.length - 1 - j : Infinity) }));
  });
  if (out.length <= MAX_CONTRAST_UNITS) return out.map((u) => u.text);
  const keep = new Set([...out].sort((a, b) => a.near - b.near).slice(0, MAX_CONTRAST_UNITS));
  return out.filter((u) => keep.has(u)).map((u) => u.text);
}

/** Abbreviations whose full stop ends no sentence ("e.g. the", "Mr. Smith", "approx. 5 hours"). */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'jr', 'sr', 'vs', 'etc', 'eg', 'ie', 'no', 'vol', 'approx', 'inc', 'ltd', 'co', 'ft', 'fig', 'pp', 'ca']);

/**
 * Where the sentences of a clause are ([start, end) each): cut after ! ? … ; (and their Chinese forms 。！？；) followed by
 * a space or a Chinese character, and after a full stop that ends a word (not an abbreviation or an initial: "e.g.",
 * "U.S.", "3.5") before a space, or next to a Chinese character. The end punctuation stays with its sentence.
 */
function sentenceSpans(clause: string): [number, number][] {
  const out: [number, number][] = [];
  const han = (ch: string | undefined) => !!ch && /\p{Script=Han}/u.test(ch);
  let last = 0;
  for (const m of clause.matchAll(/[.!?…。！？；;]+/g)) {
    const at = m.index!, end = at + m[0].length;
    const rest = clause.slice(end);
    if (!rest.trim()) break;
    const spaced = /^\s/.test(rest);
    const next = rest.trimStart()[0];
    let cut: boolean;
    if (/[。！？；]/.test(m[0]) || han(next) || (han(clause[at - 1]) && m[0] !== '.')) cut = true;
    else if (m[0] !== '.') cut = spaced;
    else if (han(clause[at - 1])) cut = true;
    else {
      // the word the full stop ends: an initial ("U.S.", "J. Smith") or an abbreviation ends no sentence
      const word = /([A-Za-z]+)$/.exec(clause.slice(Math.max(0, at - 12), at))?.[1] ?? '';
      const initial = word.length < 2 || clause[at - word.length - 1] === '.';
      cut = spaced && !initial && !ABBREVIATIONS.has(word.toLowerCase());
    }
    if (!cut) continue;
    if (clause.slice(last, end).trim()) out.push([last, end]);
    last = end;
  }
  if (clause.slice(last).trim()) out.push([last, clause.length]);
  return out;
}

/**
 * Chinese clauses at the contrast markers. A conjunction (但是, 可是, 不过, 可惜) opens its clause and is dropped; an
 * adverb (却, 就是 / 只是 before 有点…) stands after its clause's subject, so the cut goes before the subject and the adverb
 * stays: "价格便宜，质量却很差" gives 价格便宜 | 质量却很差, not 价格便宜，质量 | 很差 (which praised the quality). The
 * subject runs back to the clause's punctuation; without any ("价格便宜质量却很差"), it is the last word before the adverb
 * when an evaluation (便宜, 好) ends the words before it, else the cut stays at the adverb.
 */
function splitChinese(p: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of p.matchAll(ZH_MARKERS)) {
    const at = m.index!;
    const end = at + m[0].length;
    const word = m[0].replace(/^[\s，,;；]+|[\s，,]+$/g, '');
    if (ZH_ADVERB_MARKER.test(word) && !/^[\s，,;；]/.test(m[0])) {
      const before = p.slice(last, at);
      // 但…却… is one contrast: the adverb in the clause a conjunction opened ("但是订了卤蛋却没有") cuts nothing more
      if (out.length && !ZH_CLAUSE_END_ANY.test(before)) continue;
      const subject = subjectStart(before);
      if (subject >= 0) {
        out.push(p.slice(last, last + subject));
        last += subject;
        continue;
      }
    }
    out.push(p.slice(last, at));
    last = end;
  }
  out.push(p.slice(last));
  return out;
}

/** Where the subject of an adverb's clause starts in `before` (the text since the last cut), or -1 (none: cut at the adverb). */
function subjectStart(before: string): number {
  if (!before || ZH_CLAUSE_END.test(before[before.length - 1])) return -1;
  for (let i = before.length - 1; i >= 0; i--) if (ZH_CLAUSE_END.test(before[i])) return i + 1;
  const run = /\p{Script=Han}+$/u.exec(before);
  if (!run) return -1;
  const words = zhWords(run[0]);
  const subject = words[words.length - 1], prev = words[words.length - 2];
  if (!prev || Array.from(subject).length < 2 || isZhEvaluation(subject) || !isZhEvaluation(prev)) return -1;
  return before.length - subject.length;
}

/**
 * What makes a "but" no contrast, the words before it: "nothing but praise", "anything but friendly", "everyone but
 * me", "all but forgotten" (almost; "not at all but" is a contrast), "can't help but be drawn in", "no choice but to
 * return it", "last but not least" (with what follows).
 */
const BUT_NOT_CONTRAST =
  /(?:\b(?:nothing|anything|everything|everyone|everybody|nobody|no one|none|(?<!\bat\s)all)|\b(?:can(?:not|'t|’t|\s+not)|could(?:n't|n’t|\s+not))\s+(?:\w+\s+)?help|\b(?:no|little|any)\s+(?:other\s+)?(?:choice|option|alternative)s?)\s*$/i;
/** Subjects that open a clause: "… everything but it still crashes". */
const CLAUSE_SUBJECT = /^(?:i|i'm|i've|i’m|i’ve|he|she|we|they|it|it's|it’s|there|you)\s+\S/i;
/** A noun phrase opening a clause: "… all but the price is too high" (its verb within a few words). */
const CLAUSE_NOUN = /^(?:the|my|our|your|their|its|his|her|this|these|those)\s+(?:[\w'’-]+\s+){0,3}?(?:is|was|are|were|isn't|wasn't|aren't|weren't|isn’t|wasn’t|aren’t|weren’t|has|have|had|hasn't|haven't|hasn’t|haven’t|does|did|doesn't|didn't|doesn’t|didn’t|don't|don’t|can|can't|can’t|cannot|could|couldn't|couldn’t|will|won't|won’t|would|wouldn't|wouldn’t|keeps|kept|still|never)\b/i;

/**
 * Whether the "but" after an idiom word is a conjunction all the same: the word ends a clause of its own ("I tried
 * everything", "I love it all", "I had no other choice": something stands before it in its sentence) and a clause follows
 * ("but it still crashes", "but the price is too high"), not a noun ("nothing but problems", "everyone but me", "all but
 * forgotten"). "Everything but the strap is great" opens its sentence with the idiom: that "but" is "except".
 */
function conjunctionBut(before: string, rest: string): boolean {
  const opening = before.slice(before.search(/[^.!?]*$/)).replace(BUT_NOT_CONTRAST, '').trim();
  if (!opening) return false;
  const after = rest.replace(/^[\s,]*but\s+/i, '').split(/[,;:.!?]/)[0];
  return CLAUSE_SUBJECT.test(after) || CLAUSE_NOUN.test(after);
}

/** "Not only A but (also) B", "not just A but B": what the "but" adds agrees with A, in the same sentence. */
const NOT_ONLY = /\bnot\s+(?:only|just|merely|simply)\b/gi;

/**
 * Whether the marker `word` found at `at` (its match `m`, spaces and a comma before it included) in `p` contrasts
 * nothing: "but" in the idioms above or after "not only" in its sentence ("not only fast but also cheap": a "but also"
 * without it contrasts, "informative, but also a bit confusing"), and "though" in "as though".
 */
function notAContrast(p: string, at: number, m: string, word: string): boolean {
  const before = p.slice(0, at);
  // a comma before the marker ends the phrase: "I had nothing, but the store…" contrasts
  const comma = /[,;]/.test(m.slice(0, m.toLowerCase().indexOf(word)));
  if (word === 'though') return !comma && /\bas\s*$/i.test(before);
  if (word !== 'but') return false;
  if (!comma && BUT_NOT_CONTRAST.test(before) && !conjunctionBut(before, p.slice(at))) return true;
  if (/\blast\s*$/i.test(before) && /^[\s,]*but\s+not\s+least\b/i.test(p.slice(at))) return true;
  // "not only" since the sentence began, and no "but" after it yet (its "but" is the first)
  const sentence = before.slice(before.search(/[^.!?]*$/));
  const notOnly = [...sentence.matchAll(NOT_ONLY)].pop();
  return !!notOnly && !/\bbut\b/i.test(sentence.slice(notOnly.index! + notOnly[0].length));
}

/** Subordinators of a concession: "Although A, B" contrasts A with B. */
const CONCESSIONS = new Set(['although', 'though', 'even though', 'whereas']);
/** The markers, matched once (a non-global copy of EN_MARKERS for search). */
const EN_MARKERS_ONCE = new RegExp(EN_MARKERS.source, 'i');
/** Markers that are sentence adverbs, not conjunctions: they may also stand inside their clause. */
const SENTENCE_ADVERBS = new Set(['however', 'unfortunately', 'sadly', 'on the other hand']);
/** Words that open a clause with its subject ("…, unfortunately the battery…", "great however it crashes"). */
const SUBJECT_START = /^(?:the|a|an|it|its|it's|i|i'm|i've|they|we|this|that|these|those|my|our|your|their|there|he|she|you|nothing|no one)\b/i;
/** A verb that makes the words before a parenthetical adverb a clause of their own ("Food was good, however, …"). */
const CLAUSE_VERB = /\b(?:is|was|are|were|am|be|been|has|have|had|does|did|do|can|could|will|would|should|isn't|wasn't|aren't|weren't|doesn't|didn't|don't|can't|won't|it's|that's)\b/i;

/**
 * Whether a sentence adverb (however, unfortunately, sadly) stands inside its clause ("which I unfortunately bought",
 * "This book, sadly, does not rank among them", "The screen, however, is dim") rather than opening one ("Great screen,
 * however the battery dies", "…; unfortunately, it crashes", "great unfortunately it crashes"). `before` is its
 * sentence up to the adverb, `after` the text after it.
 */
function insideClause(before: string, after: string): boolean {
  if (!before.trim()) return false;
  const next = after.replace(/^[\s,:;–—-]+/, '');
  if (SUBJECT_START.test(next)) return false;
  const punctBefore = /[,–—-]\s*$/.test(before);
  const punctAfter = /^\s*[,–—-]/.test(after);
  if (!punctBefore) return true;
  if (!punctAfter) return false;
  // between commas: a parenthetical after the subject ("This book, sadly, does…"), unless a clause precedes it
  const words = before.match(/[A-Za-z0-9'’]+/g) ?? [];
  return words.length <= 3 && !CLAUSE_VERB.test(before);
}

/**
 * English clauses at the contrast markers. A sentence adverb inside its clause ("This book, sadly, does not rank among
 * them") contrasts its whole sentence with what came before: the cut goes at the start of that sentence and the adverb
 * stays in its clause, so "This book" is not a clause of its own and the book is not praised with the sentence before.
 */
function splitEnglish(p: string): string[] {
  const out: string[] = [];
  let last = 0;
  let first = true;
  for (const m of p.matchAll(EN_MARKERS)) {
    const at = m.index!;
    const end = at + m[0].length;
    // a marker inside a leading concession's clause, already taken whole up to its comma ("Although it was cheap and
    // although it looked nice, it broke"), cuts nothing: cutting there would go back and repeat that text
    if (at < last) continue;
    const word = m[0].replace(/^[\s,;]+|[\s,:]+$/g, '').replace(/\s+/g, ' ').toLowerCase();
    if (notAContrast(p, at, m[0], word)) continue;
    const opens = first && !p.slice(0, at).trim();
    first = false;
    // "Although the app is fast, it crashes": the comma after a leading concession is the boundary. Only a concession:
    // after a leading "Unfortunately," or "However," the comma ends no clause ("Unfortunately, the laptop was also a Dell
    // and again, I hated it" is one complaint, not a praised "the laptop was also a Dell and again").
    if (opens && CONCESSIONS.has(word)) {
      const rest = p.slice(end);
      const comma = rest.search(/,\s*/);
      const next = comma >= 0 ? rest.slice(comma).search(EN_MARKERS_ONCE) : -1;
      if (comma >= 0 && next !== 0) {
        out.push('', rest.slice(0, comma));
        last = end + comma + 1;
        continue;
      }
    }
    if (SENTENCE_ADVERBS.has(word)) {
      const wordAt = at + m[0].toLowerCase().indexOf(word);
      // the start of the adverb's sentence, not before the current clause
      let sentence = last;
      for (const b of p.slice(last, wordAt).matchAll(/[.!?;:]+\s+/g)) sentence = last + b.index! + b[0].length;
      if (insideClause(p.slice(sentence, wordAt), p.slice(wordAt + word.length))) {
        if (sentence > last) out.push(p.slice(last, sentence));
        last = sentence;
        continue;
      }
    }
    out.push(p.slice(last, at));
    last = end;
  }
  out.push(p.slice(last));
  return out;
}

/**
 * A clause without what the cut left at its edges: punctuation, a dash or an opening bracket before the marker ("off
 * the charts -", "for a table ("), a closing bracket whose opening one went with the clause before ("we had
 * reservations)."), and a conjunction the marker followed ("stunning and although …").
 */
function tidyClause(p: string): string {
  let c = p.replace(/^[\s,.;:，。；：!！?？)\]）】–—-]+|[\s,;:，；：(\[（【–—-]+$/g, '');
  for (let prev = ''; prev !== c; ) {
    prev = c;
    c = c.replace(/\s+(?:and|or|and so)$/i, '').replace(/[\s,;:(\[–—-]+$/, '');
  }
  const unmatched = (open: string, close: string) => c.split(close).length > c.split(open).length;
  // "we had reservations)." → "we had reservations."
  if (unmatched('(', ')')) c = c.replace(/\)([.!?]*)$/, '$1');
  if (unmatched('[', ']')) c = c.replace(/\]([.!?]*)$/, '$1');
  return c.trim();
}

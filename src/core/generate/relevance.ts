// Which evidence relates to the brief: themes and items that share the brief's topic words or their
// variants (sync / synced / syncing, connection / connections / connect, notes / note). Documents list
// these first and say which evidence is other feedback.
import { isCjk, isStopWord, isTopicWord } from '../analysis/phrases';
import type { EvidenceItem } from './evidence';
import { words } from './text';

/** A crude English stem for matching word variants: sync, synced, syncing, syncs → sync; connections → connect. */
export function stemKey(word: string): string {
  let w = word.toLowerCase().replace(/'s$/, '');
  if (isCjk(w) || w.length <= 3) return w;
  const strip = (suffix: string, min = 3): boolean => {
    if (w.endsWith(suffix) && w.length - suffix.length >= min) {
      w = w.slice(0, -suffix.length);
      return true;
    }
    return false;
  };
  if (strip('ies')) w += 'y';
  else if (!w.endsWith('ss')) strip('s');
  // after dropping a plural: -ions, -ing, -ed, -able, -ly, -ment, -er
  for (const s of ['ations', 'ation', 'ions', 'ion', 'ings', 'ing', 'edly', 'ed', 'ably', 'able', 'ibly', 'ible', 'ments', 'ment', 'ly', 'ers', 'er', 'e']) if (strip(s)) break;
  // doubled final consonant (syncing ok; "stopped" → stopp → stop)
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  return w;
}

export interface BriefFocus {
  /** Topic words of the brief as written (lower case), in order of first use. */
  terms: string[];
  /** Whether a theme term (a word or a Chinese term) relates to the brief. */
  relates(term: string): boolean;
  /** Whether an evidence item mentions one of the brief's topic words (or a variant). */
  mentions(item: EvidenceItem): boolean;
}

/** The brief's topic words (not sentiment, generic or function words) and matchers for themes and items. */
export function briefFocus(briefText: string): BriefFocus {
  const terms: string[] = [];
  const stems = new Set<string>();
  const cjk: string[] = [];
  for (const w of words(briefText)) {
    if (!isTopicWord(w)) continue;
    if (isCjk(w)) {
      if (w.length === 2 && !cjk.includes(w)) cjk.push(w);
      continue;
    }
    const k = stemKey(w);
    if (k.length < 3 || stems.has(k)) continue;
    stems.add(k);
    terms.push(w);
  }
  // A function word is no variant of a topic word, though the crude stem may match: "not" (notes, noted), "them"
  // (themes), "off" (offers), "own" (owners).
  const variant = (w: string): boolean => !isStopWord(w) && stems.has(stemKey(w));
  const relates = (term: string): boolean => {
    if (isCjk(term)) return cjk.some((c) => term.includes(c)) || briefText.includes(term);
    return term.split(/\s+/).some(variant);
  };
  const mentions = (item: EvidenceItem): boolean => words(item.text).some((w) => (isCjk(w) ? w.length === 2 && cjk.includes(w) : variant(w)));
  return { terms: [...terms, ...cjk], relates, mentions };
}

// Which topics the evidence's words name, read as Analyze Feedback's report reads them: the words it counts
// (phrases.ts extractTerms: no "cost" in "cost us a whole afternoon", no "display" in "it displays the time") and the
// theme each joins in this evidence (themes.ts variantGroups: "crashed" in "it crashed twice" joins "crash",
// "purchased" in "I purchased this laptop" does not join "purchase"). Generate's brief matching (relevance.ts) and its
// personas' features (insights.ts) read the evidence through it; its themes are the report's own (computeThemes), so a
// document counts a topic as the report does.
import { extractTerms, isCjk, isVerbParticle, normalizeWord, themeGroupKey, type WordUse } from '../analysis/phrases';
import { variantGroups } from '../analysis/themes';

/** A word the report counts in a text: its term key and its written form (lower case). */
export interface TopicWord {
  key: string;
  form: string;
}

/**
 * The single-word terms of a text (English words, Chinese terms) the report counts, each once, with their uses (verb,
 * noun, participle with or without an object) added to `uses`.
 */
export function topicWords(text: string, uses?: Map<string, WordUse>): TopicWord[] {
  const out: TopicWord[] = [];
  for (const t of extractTerms(text, uses)) {
    const cjk = isCjk(t.key);
    // (English phrases are the report's themes, which Generate takes as they are; these are words, and a verb with its
    // particle, "log in", is one)
    if (!cjk && t.key.includes(' ') && !isVerbParticle(t.key)) continue;
    out.push({ key: t.key, form: cjk ? t.key : t.surface.toLowerCase().replace(/’/g, "'") });
  }
  return out;
}

/** The term key of a written word ("Notes" → "note", "log-in" → "login"), as extractTerms keys it. */
export function wordKey(word: string): string {
  const w = word.toLowerCase().replace(/’/g, "'").replace(/[-']+$/, '');
  return isCjk(w) ? w : normalizeWord(w).replace(/-/g, '');
}

/** The evidence's words and the theme each joins. */
export class EvidenceTopics {
  /** Each text's words, in the order of `texts`. */
  readonly words: TopicWord[][];
  /** Items per term key. */
  readonly df = new Map<string, number>();
  private readonly group = new Map<string, string>();
  /** The term keys of each theme (group key), in the order first met. */
  readonly groups: Map<string, string[]>;

  constructor(texts: readonly string[]) {
    const uses = new Map<string, WordUse>();
    this.words = texts.map((t) => topicWords(t, uses));
    for (const ws of this.words) for (const w of ws) this.df.set(w.key, (this.df.get(w.key) ?? 0) + 1);
    this.groups = variantGroups(this.df, uses);
    for (const [g, keys] of this.groups) for (const k of keys) this.group.set(k, g);
  }

  /**
   * The theme a term key joins: its group in this evidence; for a word the evidence does not hold (a brief's), its
   * inflections' and synonyms' (themeGroupKey). Undefined for a participle the evidence uses in stories ("purchased
   * this laptop"), which joins no theme.
   */
  themeOf(key: string): string | undefined {
    if (this.df.has(key)) return this.group.get(key);
    return themeGroupKey(key);
  }

  /** Whether the report counts a term key with its word here (not "purchased" where the evidence tells stories with it). */
  counts(key: string): boolean {
    return !this.df.has(key) || this.group.has(key);
  }

  /** The term keys of a text (a sentence of an item, or any text) that the report counts with their word here. */
  keysIn(text: string): string[] {
    return topicWords(text).map((w) => w.key).filter((k) => this.counts(k));
  }
}

/** No evidence: every word the report counts joins its inflections and synonyms. */
export const NO_EVIDENCE = new EvidenceTopics([]);

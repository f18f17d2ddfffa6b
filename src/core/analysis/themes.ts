// Themes: the recurring topics of a feedback sample, ranked by how much negative feedback they explain.
//
// Candidates come from phrases.ts (English noun-phrase-like chunks, Chinese 2-4-character n-grams).
// Which of them are themes is decided by statistics over the sample:
// - support: in at least max(2, 0.3%) of the items, and in at most 60% (a word in most items
//   distinguishes nothing: the product's own name, "app"); a one-word theme in 10% or more that feedback names with a
//   demonstrative ("this book", 这款手机) in 15% of its items is the product itself, set apart (`product`), not ranked;
// - variants are one theme: "log in" / "log-in" / "login", plurals and possessives (folded keys), the inflections of
//   a word ("sync", "syncing", and "synced", which joins a theme but makes none: phrases.ts inflectionKey), common
//   product words across English and Chinese ("login" / 登录, phrases.ts ZH_EN_THEMES) and English near-synonyms of
//   product feedback ("shipping" / "delivery", "screen" / "display": phrases.ts EN_SYNONYMS);
// - an English word used mostly as a verb ("I watch", "you'll read") is an activity, not a theme; one used mostly as an
//   adjective ("was delicious", "very funny") is an evaluation or a property, not a theme either;
// - Chinese n-grams must be words: accessor variety (distinct characters or boundaries on each side)
//   of at least 2, and no single neighbour on one side in 75% of the occurrences ("深色模" is always
//   followed by "式");
// - a phrase whose items are mostly (70%) covered by longer candidates containing it is a head word of
//   those and gives way ("mode" -> "dark mode", "offline mode"); near-identical item sets of phrases
//   sharing a word keep the one that explains more, and a phrase whose items lie mostly inside a theme
//   ranked above it is a facet of that theme ("columns" of "export to csv"), not a theme of its own.
// Every loop yields through `tick`, so the thread an analysis runs on (the model worker's) keeps answering cancel and other requests.
import type { SentimentLabel } from '../types';
import { yielder, type Tick } from '../yielder';
import type { LabelCounts, Theme, GrowingTheme } from './analyze';
import { demonstratedKeys, extractTerms, isCjk, isCrossLingualTerm, isGenericWord, isVerbForm, joinsThemeOnly, mergedNames, notATopic, themeGroupKey, usedAsName, zhContexts, type WordUse } from './phrases';

/** What themes are computed on (one item of the analysis' reservoir sample). */
export interface ThemeSampleItem {
  text: string;
  source: string;
  line: number;
  label: SentimentLabel;
  score: number;
  day?: number;
  /** The clauses of contrastive feedback ("fast shipping but the strap broke"), each classified on its own. */
  clauses?: { text: string; label: SentimentLabel; score?: number }[];
}

/**
 * A clause's label stands for the theme it names only when the model is this sure of it (the default low-confidence
 * threshold): "Returned laptop for a 4th repair and it came back" (positive 50%, negative 45%) does not make the repair
 * praised in a review that is surely a complaint.
 */
export const CLAUSE_MIN_SCORE = 0.6;

/** Terms of each clause of an item, computed once per item. */
const clauseTerms = new WeakMap<ThemeSampleItem, { keys: Set<string>; label: SentimentLabel; sure: boolean }[]>();

/**
 * The sentiment an item gives a theme: the label of the clause(s) that mention it when the item is contrastive and
 * they agree ("shipping" is praised in "fast shipping but the strap broke", "strap" criticized), else the item's label.
 * A clause the model is unsure of (below CLAUSE_MIN_SCORE) says nothing here. `keys` are the theme's variants ("login",
 * "log in", 登录): a clause names the theme by any of them.
 */
export function themeLabel(item: ThemeSampleItem, keys: readonly string[]): SentimentLabel {
  if (!item.clauses?.length) return item.label;
  let cl = clauseTerms.get(item);
  if (!cl) clauseTerms.set(item, (cl = item.clauses.map((c) => ({ keys: new Set(extractTerms(c.text).map((t) => t.key)), label: c.label, sure: (c.score ?? 1) >= CLAUSE_MIN_SCORE }))));
  let found: SentimentLabel | undefined;
  for (const c of cl) {
    if (!c.sure || !keys.some((k) => c.keys.has(k))) continue;
    if (found && found !== c.label) return item.label;
    found = c.label;
  }
  return found ?? item.label;
}

export interface SampleTerms {
  /** Term keys of each sample item (computeThemes adds each theme's key to the items it covers). */
  sets: Set<string>[];
  /** Items per term key. */
  df: Map<string, number>;
  /** Written forms per key with their counts (a few). */
  surfaces: Map<string, Map<string, number>>;
  /** How English content words are used across the sample (verb or noun). */
  uses: Map<string, WordUse>;
  /** Items per term key that name it with a demonstrative ("this book", 这款手机): see PRODUCT_NAMED_SHARE. */
  demonstrated: Map<string, number>;
}

/** Minimum share of the sample a theme is mentioned in (and at least 2 items). */
export const MIN_SUPPORT_SHARE = 0.003;
/** A term in more than this share of the items (of 20 or more) is no theme. */
export const MAX_DF_SHARE = 0.6;
/** A phrase whose items are covered this much by longer candidates gives way to them. */
const COVERAGE = 0.7;
/** A "<head> to/of/for <x>" candidate covers its head's items only when it holds at least this share of them. */
const MIN_LONGER_SHARE = 0.2;
/** Chinese: the largest share of occurrences one neighbour character may take. */
const MAX_NEIGHBOUR_SHARE = 0.75;
/** Near-duplicate themes (sharing a word): Jaccard similarity of their items. */
const DUPLICATE_JACCARD = 0.7;
/** A candidate whose items lie this much inside one theme already taken is a facet of it, not a theme. */
const FACET_SHARE = 0.8;
/** Candidates examined at most (the most frequent), which bounds the work on huge samples. */
const MAX_CANDIDATES = 4000;
/**
 * The product itself: a one-word theme in at least PRODUCT_MIN_SHARE of the items (of 20 or more) that at least
 * PRODUCT_NAMED_SHARE of its items name with a demonstrative, as a review names what it reviews ("this book", "this
 * laptop", 这款手机, 该酒店: 19-64% of their items on public review sets; topics about the product, "the battery",
 * 屏幕, "the plot", are named so in 0-10%). It is no theme: its mix repeats the overall one, and it topped the themes
 * of phone reviews (手机, in 27% of them) where the MAX_DF_SHARE rule catches it only in most items ("movie" in IMDb's).
 */
export const PRODUCT_MIN_SHARE = 0.1;
export const PRODUCT_NAMED_SHARE = 0.15;
/** At most this many themes are set apart as the product itself (Amazon's books and DVDs: book, movie, film, DVD). */
const MAX_PRODUCTS = 4;

function zero(): LabelCounts {
  return { negative: 0, neutral: 0, positive: 0 };
}

/** Extracts the candidate terms of each sample item (df and written forms). */
export async function sampleTerms(sample: readonly ThemeSampleItem[], tick: Tick): Promise<SampleTerms> {
  const sets: Set<string>[] = new Array(sample.length);
  const df = new Map<string, number>();
  const surfaces = new Map<string, Map<string, number>>();
  const uses = new Map<string, WordUse>();
  const demonstrated = new Map<string, number>();
  for (let i = 0; i < sample.length; i++) {
    const y = tick();
    if (y) await y;
    const set = new Set<string>();
    for (const t of extractTerms(sample[i].text, uses)) {
      set.add(t.key);
      df.set(t.key, (df.get(t.key) ?? 0) + 1);
      let sm = surfaces.get(t.key);
      if (!sm) surfaces.set(t.key, (sm = new Map()));
      if (sm.size < 8 || sm.has(t.surface)) sm.set(t.surface, (sm.get(t.surface) ?? 0) + 1);
    }
    sets[i] = set;
    for (const k of demonstratedKeys(sample[i].text)) if (set.has(k)) demonstrated.set(k, (demonstrated.get(k) ?? 0) + 1);
  }
  return { sets, df, surfaces, uses, demonstrated };
}

interface Candidate {
  /** Canonical key (the most frequent variant). */
  key: string;
  /** Variant keys folded into it ("log in", "login"). */
  keys: string[];
  /** Sample indexes of the items mentioning it, ascending. */
  items: number[];
  cjk: boolean;
  dropped?: boolean;
}

/** Contiguous sub-phrases of a key (word sequences / substrings), shorter than the key itself. */
function subPhrases(key: string, cjk: boolean): string[] {
  const out: string[] = [];
  if (cjk) {
    for (let len = 2; len < key.length; len++) for (let i = 0; i + len <= key.length; i++) out.push(key.slice(i, i + len));
  } else {
    const w = key.split(' ');
    for (let len = 1; len < w.length; len++) for (let i = 0; i + len <= w.length; i++) out.push(w.slice(i, i + len).join(' '));
  }
  return out;
}

/** Connectors of "<head> <connector> <x>" phrases ("shipping to paris", "export to csv"). */
const QUALIFIERS = new Set(['to', 'of', 'for', 'with', 'on', 'in']);

/** Whether `longer` is `head` followed by a connector and its object ("shipping to paris" of "shipping"). */
function qualifies(longer: string, head: string): boolean {
  if (!longer.startsWith(`${head} `)) return false;
  return QUALIFIERS.has(longer.slice(head.length + 1).split(' ')[0]);
}

/** Words (English) or characters (Chinese) of a key, for "shares a word". */
function units(key: string, cjk: boolean): string[] {
  return cjk ? [...key] : key.split(' ');
}

/**
 * Which theme each term key of a sample joins, by the words' uses in it: the report's rule, and Generate's (its themes
 * and its brief matching, core/generate/topics.ts), so that both count a topic alike. Returns each group's key and its
 * term keys, in the order first met; a key in no group (a participle that tells a story) is in none.
 *
 * A word's inflections are one theme ("sync", "syncing", "synced") when the sample names it rather than narrates with
 * it: not a verb the sample mostly uses as one ("I play", "they live", "understand": its -ing forms and irregular forms
 * stay apart, as before), and its participles ("synced") join when they are not most of its mentions, or when they are
 * mostly used without an object, as what the thing does ("it crashed twice", "froze during sync", "was charged twice"):
 * those name the topic, where "purchased this laptop" is a story and "shared notebooks" no sharing (WordUse.bare).
 */
export function variantGroups(df: ReadonlyMap<string, number>, uses: ReadonlyMap<string, WordUse>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const add = (c: string, key: string) => {
    const g = groups.get(c);
    if (g) g.push(key);
    else groups.set(c, [key]);
  };
  const inflected = new Map<string, string[]>();
  for (const key of df.keys()) {
    const c = themeGroupKey(key);
    const ks = inflected.get(c);
    if (ks) ks.push(key);
    else inflected.set(c, [key]);
  }
  for (const [c, all] of inflected) {
    // a name is none of a word's inflections ("Manning" of "man", "Fanning" of "fan": usedAsName)
    const keys = all.length > 1 ? all.filter((k) => !usedAsName(uses.get(k))) : all;
    for (const k of all) if (!keys.includes(k)) add(themeGroupKey(k, false), k);
    if (!keys.length) continue;
    if (keys.length === 1) {
      add(c, keys[0]);
      continue;
    }
    const u = { verb: 0, noun: 0 };
    for (const k of keys) {
      const w = uses.get(k);
      if (w) (u.verb += w.verb), (u.noun += w.noun);
    }
    if (u.verb >= 3 && 3 * u.verb > u.noun) {
      for (const k of keys) add(themeGroupKey(k, false), k);
      continue;
    }
    const own = keys.filter((k) => !joinsThemeOnly(k));
    const ownDf = own.reduce((a, k) => a + (df.get(k) ?? 0), 0);
    const participles = keys.filter(joinsThemeOnly);
    const partDf = participles.reduce((a, k) => a + (df.get(k) ?? 0), 0);
    for (const k of own) add(c, k);
    // (a participle the sample grades, "very excited", "so concerned", "too involved", is an adjective there, a property
    // and no behaviour, also without a degree word: "I was concerned", "involved in this film"; one grading in 20 uses
    // is no slip)
    const bare = (k: string) => {
      const w = uses.get(k);
      const b = w?.bare ?? 0, o = w?.object ?? 0, g = w?.graded ?? 0;
      return b > o && !(g > 0 && g * 20 >= b + o);
    };
    for (const k of participles) if (partDf * 2 <= ownDf || bare(k)) add(c, k);
  }
  return groups;
}

/**
 * Themes from the sample: corpus-supported topic phrases ranked by the negative items they explain,
 * each with its sentiment mix and two quotes with their source line.
 */
export async function computeThemes(
  sample: readonly ThemeSampleItem[],
  total: number,
  limit = 15,
  tick: Tick = yielder(),
  terms?: SampleTerms,
): Promise<(Theme & { key: string; product?: boolean })[]> {
  void total; // counts are of the sample; the report says when it is one
  const { sets, df, surfaces, uses, demonstrated } = terms ?? (await sampleTerms(sample, tick));
  const n = sample.length;
  if (!n) return [];
  const minSupport = Math.max(2, Math.ceil(n * MIN_SUPPORT_SHARE));
  const maxDf = n >= 20 ? Math.floor(n * MAX_DF_SHARE) : n;

  // 1. Variants (by compound key) whose summed df could reach the support.
  const groups = new Map<string, { keys: string[]; df: number }>();
  for (const [c, keys] of variantGroups(df, uses)) groups.set(c, { keys, df: keys.reduce((a, k) => a + (df.get(k) ?? 0), 0) });
  const chosen = [...groups.values()]
    // (participles join the theme of their word, "synced" that of "sync", and are none alone)
    .filter((g) => g.df >= minSupport && !g.keys.every(joinsThemeOnly))
    .sort((a, b) => b.df - a.df)
    .slice(0, MAX_CANDIDATES);
  const byKey = new Map<string, Candidate>();
  const cands: Candidate[] = [];
  for (const g of chosen) {
    // most frequent first (a participle last: the theme is named by its word); on a tie, English before Chinese (as
    // the theme is named) and the shorter spelling
    g.keys.sort((a, b) => Number(joinsThemeOnly(a)) - Number(joinsThemeOnly(b)) || (df.get(b) ?? 0) - (df.get(a) ?? 0) || Number(isCjk(a)) - Number(isCjk(b)) || a.length - b.length);
    const c: Candidate = { key: g.keys[0], keys: g.keys, items: [], cjk: isCjk(g.keys[0]) };
    cands.push(c);
    for (const k of g.keys) byKey.set(k, c);
  }

  // 2. Items of each candidate (a variant group counts an item once).
  for (let i = 0; i < n; i++) {
    const y = tick();
    if (y) await y;
    for (const k of sets[i]) {
      const c = byKey.get(k);
      if (c && c.items[c.items.length - 1] !== i) c.items.push(i);
    }
  }
  for (const c of cands) if (c.items.length < minSupport || c.items.length > maxDf) c.dropped = true;

  // 3. Chinese n-grams must behave like words: varied neighbours on both sides.
  const zh = new Map<string, { left: Map<string, number>; right: Map<string, number>; occ: number; lb: number; rb: number }>();
  // (the product words of the English-Chinese table are words by construction, and a group with English variants
  // stands on those: neither is tested)
  for (const c of cands) if (c.cjk && !c.dropped && !isCrossLingualTerm(c.key) && c.keys.every(isCjk)) zh.set(c.key, { left: new Map(), right: new Map(), occ: 0, lb: 0, rb: 0 });
  if (zh.size) {
    const wanted = new Set(zh.keys());
    const seen = new Set<number>();
    for (const c of cands) {
      if (!c.cjk || c.dropped) continue;
      for (const i of c.items) {
        if (seen.has(i)) continue;
        seen.add(i);
        const y = tick();
        if (y) await y;
        zhContexts(sample[i].text, wanted, (g, l, r) => {
          const s = zh.get(g)!;
          s.occ++;
          if (l) s.left.set(l, (s.left.get(l) ?? 0) + 1);
          else s.lb++;
          if (r) s.right.set(r, (s.right.get(r) ?? 0) + 1);
          else s.rb++;
        });
      }
    }
    for (const c of cands) {
      const s = zh.get(c.key);
      if (!s || !s.occ) {
        if (s) c.dropped = true;
        continue;
      }
      // Accessor variety: each boundary occurrence counts as a distinct neighbour.
      const av = Math.min(s.left.size + s.lb, s.right.size + s.rb);
      const dominant = Math.max(0, ...s.left.values(), ...s.right.values()) / s.occ;
      if (av < 2 || dominant >= MAX_NEIGHBOUR_SHARE) c.dropped = true;
    }
  }

  // 3b. An English word the sample mostly uses as a verb ("I watch", "you'll read", "will see") names an activity, and
  // one it mostly uses as an adjective ("was delicious", "very funny") an evaluation,
  // not a topic: no theme alone (its phrases stay candidates). "can't sync" counts as neither (see WordUse).
  // In a group with Chinese variants ("sync" / 同步) only the English variants go, whichever language is more
  // frequent: the Chinese items stay a theme, as in aspects.
  for (const c of cands) {
    if (c.dropped) continue;
    const en = c.keys.filter((k) => !isCjk(k));
    if (!en.length || en[0].includes(' ')) continue;
    // An -ing form after a copula reads as an adjective ("is relaxing") but is as often the progressive of a verb whose
    // base the sample names ("it is crashing" with "the crash"): where the base form is mentioned too, its uses decide.
    const base = en.some((k) => !isVerbForm(k));
    const u = { verb: 0, noun: 0, adj: 0 };
    for (const k of en) {
      const w = uses.get(k);
      if (w) (u.verb += w.verb), (u.noun += w.noun), (u.adj += base && isVerbForm(k) ? 0 : w.adj);
    }
    if (!notATopic(u)) continue;
    if (en.length === c.keys.length) {
      c.dropped = true;
      continue;
    }
    c.keys = c.keys.filter(isCjk);
    c.key = c.keys[0];
    c.cjk = true;
    const items: number[] = [];
    for (const i of c.items) {
      const y = tick();
      if (y) await y;
      if (c.keys.some((k) => sets[i].has(k))) items.push(i);
    }
    c.items = items;
    if (items.length < minSupport) c.dropped = true;
  }

  // 4. Head words give way to the longer candidates that cover most of their items.
  const live = cands.filter((c) => !c.dropped);
  const liveByKey = new Map<string, Candidate>();
  for (const c of live) for (const k of c.keys) liveByKey.set(k, c);
  const longer = new Map<Candidate, Set<Candidate>>();
  for (const c of live) {
    for (const k of c.keys) {
      for (const sub of subPhrases(k, isCjk(k))) {
        const s = liveByKey.get(sub);
        if (!s || s === c) continue;
        let set = longer.get(s);
        if (!set) longer.set(s, (set = new Set()));
        set.add(c);
      }
    }
  }
  const split: Candidate[] = [];
  for (const [s, ls] of longer) {
    const y = tick();
    if (y) await y;
    // A head word qualified in many small ways ("shipping to Paris", "shipping to Oslo", ...) is the topic, and the
    // variants become its facets: a "<head> to/of/for/... <x>" phrase covers it only when it holds a good share of its
    // items. Compounds ("screen flicker", "screen crack") are problems of their own and always count.
    const keys = [...ls].filter((l) => !qualifies(l.key, s.key) || l.items.length >= MIN_LONGER_SHARE * s.items.length).flatMap((l) => l.keys);
    let covered = 0;
    for (const i of s.items) if (keys.some((k) => sets[i].has(k))) covered++;
    if (covered >= COVERAGE * s.items.length) s.dropped = true;
    else continue;
    // A theme named in both languages whose English head word gives way ("battery" to "battery life") keeps its
    // Chinese mentions (电池) as a theme of their own when the longer phrases do not cover those.
    const zhKeys = s.keys.filter(isCjk);
    if (!zhKeys.length || zhKeys.length === s.keys.length) continue;
    const zhItems = s.items.filter((i) => zhKeys.some((k) => sets[i].has(k)));
    if (zhItems.length < minSupport || zhItems.filter((i) => keys.some((k) => sets[i].has(k))).length >= COVERAGE * zhItems.length) continue;
    zhKeys.sort((a, b) => (df.get(b) ?? 0) - (df.get(a) ?? 0) || a.length - b.length);
    split.push({ key: zhKeys[0], keys: zhKeys, items: zhItems, cjk: true });
  }
  live.push(...split);
  // A longer phrase that only adds generic words to a theme that stands ("app crash" to "crash") is that theme.
  for (const [s, ls] of longer) {
    if (s.dropped || s.cjk) continue;
    const words = new Set(s.key.split(' '));
    for (const l of ls) if (!l.dropped && l.key.split(' ').every((w) => words.has(w) || isGenericWord(w))) l.dropped = true;
  }

  // 4b. The product itself ("this book", 这款手机) is set apart: reported beside the themes, not ranked among them.
  const product = (c: Candidate) =>
    n >= 20 && !c.key.includes(' ') && c.items.length >= PRODUCT_MIN_SHARE * n && c.keys.reduce((a, k) => a + (demonstrated.get(k) ?? 0), 0) >= PRODUCT_NAMED_SHARE * c.items.length;

  // 5. Rank by negative items explained; skip near-duplicates of a theme already taken.
  // themeLabel splits an item's clauses into terms the first time it sees the item: yield inside the loop.
  const stats: { c: Candidate; counts: LabelCounts }[] = [];
  for (const c of live) {
    if (c.dropped) continue;
    const counts = zero();
    for (const i of c.items) {
      const y = tick();
      if (y) await y;
      counts[themeLabel(sample[i], c.keys)]++;
    }
    stats.push({ c, counts });
  }
  stats.sort((a, b) => b.counts.negative - a.counts.negative || b.c.items.length - a.c.items.length || b.c.key.length - a.c.key.length || (a.c.key < b.c.key ? -1 : 1));
  const taken: { c: Candidate; counts: LabelCounts; itemSet: Set<number>; units: Set<string> }[] = [];
  const products = stats.filter((s) => product(s.c)).slice(0, MAX_PRODUCTS);
  for (const s of stats) {
    if (taken.length >= limit) break;
    if (products.includes(s)) continue;
    const y = tick();
    if (y) await y;
    const u = units(s.c.key, s.c.cjk);
    const dup = taken.some((t) => {
      let inter = 0;
      for (const i of s.c.items) if (t.itemSet.has(i)) inter++;
      // A facet of a theme already taken (its items are mostly that theme's: "columns" of "export to csv"), unless
      // the feedback says the opposite about it (the strap that broke in the items praising shipping).
      // A mostly neutral one is a facet too ("I waited a month for shipping to Lisbon" under shipping's complaints),
      // but a complaint or praise is never hidden under a mostly neutral theme ("checkout crashes" under "checkout").
      const own = dominantOf(s.counts);
      if (inter >= FACET_SHARE * s.c.items.length && (own === dominantOf(t.counts) || own === 'neutral')) return true;
      return u.some((w) => t.units.has(w)) && inter / (s.c.items.length + t.itemSet.size - inter) >= DUPLICATE_JACCARD;
    });
    if (dup) continue;
    taken.push({ ...s, itemSet: new Set(s.c.items), units: new Set(u) });
  }

  const themes: (Theme & { key: string; product?: boolean })[] = [];
  // items already quoted by a theme ranked higher: a review naming several topics is quoted once where others will do
  const quoted = new Set<ThemeSampleItem>();
  for (const { c, counts } of [...taken, ...products]) {
    const y = tick();
    if (y) await y;
    // Growing themes (and callers) look the theme up by its canonical key in `sets`.
    for (const i of c.items) sets[i].add(c.key);
    const members = c.items.map((i) => sample[i]);
    themes.push({
      phrase: displayForm(c, df, surfaces),
      variants: variantForms(c, df, surfaces),
      key: c.key,
      count: members.length,
      counts,
      negativeShare: members.length ? counts.negative / members.length : 0,
      quotes: pickQuotes(members, counts, c.keys, quoted),
      ...(products.some((p) => p.c === c) ? { product: true } : {}),
    });
  }
  return themes;
}

/** The most frequent written form of a key ("Toshiba", "PC"), else the key. */
function surfaceOf(key: string, surfaces: Map<string, Map<string, number>>): string {
  const forms = surfaces.get(key);
  if (!forms?.size) return key;
  return [...forms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}

/** The written forms of a theme's variants, most frequent first ("notes", "note", "笔记"): how its items say it. */
function variantForms(c: Candidate, df: Map<string, number>, surfaces: Map<string, Map<string, number>>): string[] {
  const keys = [...c.keys].sort((a, b) => (df.get(b) ?? 0) - (df.get(a) ?? 0));
  return [...new Set(keys.slice(0, 12).map((k) => surfaceOf(k, surfaces)))];
}

function displayForm(c: Candidate, df: Map<string, number>, surfaces: Map<string, Map<string, number>>): string {
  const keys = [...c.keys].sort((a, b) => Number(joinsThemeOnly(a)) - Number(joinsThemeOnly(b)) || (df.get(b) ?? 0) - (df.get(a) ?? 0) || Number(isCjk(a)) - Number(isCjk(b)));
  const form = (key: string) => surfaceOf(key, surfaces);
  // a theme named in both languages shows both ("login / 登录"), and distinct Chinese words of the English-Chinese table
  // merged into one theme are all named ("shipping / 物流 / 快递", "物流 / 快递"): three names at most
  const names = mergedNames(keys, (k) => (df.get(k) ?? 0) >= 2);
  return names.map(form).join(' / ');
}

/**
 * Two quotes: the clearest of the theme's dominant sentiment, then the clearest of the other polarity (or the next
 * best). With `keys`, each quote's sentiment is what it says about the theme (themeLabel: the clause that mentions it).
 * With `used`, an item another theme already quotes is taken only when no other of the same sentiment reads as well
 * (a long review naming 系统, XP, 京东 and 散热 was the quote of all four), and the quotes taken are added to it.
 */
export function pickQuotes(items: readonly ThemeSampleItem[], c: LabelCounts, keys?: readonly string[], used?: Set<ThemeSampleItem>): Theme['quotes'] {
  const origin = new Map<ThemeSampleItem, ThemeSampleItem>();
  const members = keys
    ? items.map((m) => {
        if (!m.clauses?.length) return m;
        const copy = { ...m, label: themeLabel(m, keys) };
        origin.set(copy, m);
        return copy;
      })
    : items;
  const source = (m: ThemeSampleItem) => origin.get(m) ?? m;
  const fresh = (m: ThemeSampleItem) => !used?.has(source(m));
  const dominant: SentimentLabel = dominantOf(c);
  // Confident and readable: short texts win ties, very short or very long ones are used only when nothing else is there.
  const rank = (a: ThemeSampleItem, b: ThemeSampleItem) => b.score - a.score || a.text.length - b.text.length || a.line - b.line;
  // Han characters count double toward "long enough to read" (8 units: "配送时间太长" qualifies) and toward "too long"
  // (150 characters of Chinese read like 300 of English: a 290-character spec sheet was a theme's quote).
  const size = (t: string) => t.length + (t.match(/\p{Script=Han}/gu)?.length ?? 0);
  const fits = (t: string) => {
    const n = size(t);
    return n >= 8 && n <= 300;
  };
  const best = (pred: (m: ThemeSampleItem) => boolean): ThemeSampleItem | undefined => {
    let b: ThemeSampleItem | undefined, bFits = false, bFresh = false;
    for (const m of members) {
      if (!pred(m)) continue;
      const f = fits(m.text), u = fresh(m);
      if (!b || (f && !bFits) || (f === bFits && ((u && !bFresh) || (u === bFresh && rank(m, b) < 0)))) (b = m), (bFits = f), (bFresh = u);
    }
    return b;
  };
  const first = best((m) => m.label === dominant) ?? best(() => true);
  if (!first) return [];
  const other: SentimentLabel = dominant === 'negative' ? 'positive' : 'negative';
  const second = best((m) => m !== first && m.label === other && m.text !== first.text) ?? best((m) => m !== first && m.text !== first.text);
  for (const m of [first, second]) if (m) used?.add(source(m));
  return [first, second].filter((m): m is ThemeSampleItem => !!m).map((m) => ({ text: m.text, source: m.source, line: m.line, label: m.label }));
}

/** Themes whose share of items grew from the first half of the period to the second. */
export async function growingThemes(
  sample: readonly ThemeSampleItem[],
  sets: Set<string>[],
  themes: readonly { phrase: string; key: string }[],
  lastEarlyDay: number,
  minHalf = 20,
  tick: Tick = yielder(),
): Promise<GrowingTheme[]> {
  // The halves split at a day (analysis/time.ts medianSplit): items up to `lastEarlyDay` are the first half.
  const early: number[] = [], late: number[] = [];
  sample.forEach((s, i) => {
    if (s.day !== undefined) (s.day <= lastEarlyDay ? early : late).push(i);
  });
  if (early.length < minHalf || late.length < minHalf) return [];
  const out: GrowingTheme[] = [];
  for (const { phrase, key } of themes) {
    const y = tick();
    if (y) await y;
    const e = early.filter((i) => sets[i].has(key)).length;
    const lateItems = late.filter((i) => sets[i].has(key)).map((i) => sample[i]);
    const es = e / early.length, ls = lateItems.length / late.length;
    // A couple of mentions is no trend: at least 3 recent and 5 in all.
    if (lateItems.length >= 3 && e + lateItems.length >= 5 && ls > es * 1.5 && ls - es >= 0.02) {
      out.push({ phrase, earlyShare: es, lateShare: ls, lateCount: lateItems.length, earlyCount: e, negativeShare: lateItems.filter((s) => s.label === 'negative').length / lateItems.length });
    }
  }
  return out.sort((a, b) => b.lateShare - b.earlyShare - (a.lateShare - a.earlyShare)).slice(0, 5);
}

/** The label most items of a theme give it (negative first on ties, then positive). */
function dominantOf(c: LabelCounts): SentimentLabel {
  return c.negative >= c.positive && c.negative >= c.neutral ? 'negative' : c.positive >= c.neutral ? 'positive' : 'neutral';
}

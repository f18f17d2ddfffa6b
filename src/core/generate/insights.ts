// Figures computed from the evidence (never invented): counts, shares, themes, sentiment, ratings,
// non-functional areas, and data-driven segments (personas) with verbatim, cited points.
import { isCjk, isTopicWord, joinsThemeOnly } from '../analysis/phrases';
import { computeThemes, sampleTerms, type ThemeSampleItem } from '../analysis/themes';
import { yielder } from '../yielder';
import { ratingScale, ratingSentiment } from '../readers/columns';
import { itemVectors, segment, topTerms, type Segmentation } from './cluster';
import type { EvidenceItem, EvidenceSet } from './evidence';
import { cues, NFR_AREAS, nfrItemMatches, sentences, words, type Cues } from './text';
import { EvidenceTopics, wordKey } from './topics';

export interface Quote {
  item: EvidenceItem;
  /** Verbatim substring of item.text. */
  text: string;
}

export interface Theme {
  /** The theme's most used word or phrase ("sync", "dark mode"), as Analyze Feedback's report finds its themes. */
  term: string;
  /** Its words as the items write them, most used first ("sync", "syncing", "synced", "同步"). */
  forms: string[];
  /** Items mentioning the term. */
  count: number;
  items: EvidenceItem[];
}

export interface NfrFinding {
  area: string;
  requirement: string;
  items: EvidenceItem[];
}

export interface Persona {
  index: number;
  name: string;
  size: number;
  members: EvidenceItem[];
  terms: string[];
  /** Dominant attribute values: "plan: Pro (7 of 9)". */
  attributes: { field: string; value: string; count: number }[];
  goals: Quote[];
  frustrations: Quote[];
  motivations: Quote[];
  behaviours: Quote[];
  quote?: Quote;
  sentiment?: Record<string, number>;
}

export interface Insights {
  total: number;
  files: EvidenceSet['files'];
  themes: Theme[];
  sentiment?: { negative: number; neutral: number; positive: number; known: number };
  /** `lowWords`: what the low share counts, as the document says it ("low (1–2)", "detractors (0–6)"). */
  rating?: { field: string; mean: number; count: number; lowShare: number; scaleMax: number; lowWords: string };
  nfr: NfrFinding[];
  cueCounts: Record<keyof Cues, number>;
  segmentation?: Segmentation;
  personas: Persona[];
}

const MAX_QUOTE = 220;

/** Characters that join words rather than make them: a term after 的 or before 了 is still a word. */
const ZH_JOINERS = new Set([...'的了是很也都就在和与及把被得地着过吗呢吧啊呀']);

/** Whether a Chinese term is nearly always (>= 90% of at least 3 uses) next to the same character on one side. */
function boundBy(term: string, items: EvidenceItem[]): boolean {
  const left = new Map<string, number>();
  const right = new Map<string, number>();
  let uses = 0;
  for (const it of items) {
    for (let i = it.text.indexOf(term); i >= 0; i = it.text.indexOf(term, i + term.length)) {
      uses++;
      const l = it.text[i - 1] ?? '';
      const r = it.text[i + term.length] ?? '';
      if (/\p{Script=Han}/u.test(l) && !ZH_JOINERS.has(l)) left.set(l, (left.get(l) ?? 0) + 1);
      if (/\p{Script=Han}/u.test(r) && !ZH_JOINERS.has(r)) right.set(r, (right.get(r) ?? 0) + 1);
    }
  }
  if (uses < 3) return false;
  const top = (m: Map<string, number>) => Math.max(0, ...m.values());
  return top(left) >= 0.9 * uses || top(right) >= 0.9 * uses;
}

/** The best verbatim excerpt of `item` for a purpose: a sentence matching `pick`, else the first one. */
export function quoteOf(item: EvidenceItem, pick?: (s: string) => boolean): Quote {
  const ss = sentences(item.text);
  let s = (pick && ss.find((x) => pick(x))) || ss[0] || item.text.trim();
  if (s.length > MAX_QUOTE) {
    const cut = s.slice(0, MAX_QUOTE);
    const sp = cut.lastIndexOf(' ');
    s = (sp > 80 ? cut.slice(0, sp) : cut).replace(/[\s,;:]+$/, '');
  }
  return { item, text: s };
}

/** How many themes about the brief's topic are added beside the most mentioned ones, when those miss them. */
const RELATED_THEMES = 5;
/** Themes the document ranks (the report's first ones). */
const MAX_THEMES = 10;

export async function computeInsights(
  ev: EvidenceSet,
  opts: { personas?: number | 'auto'; seed?: number; withPersonas?: boolean; aboutBrief?: (term: string) => boolean; topics?: EvidenceTopics } = {},
): Promise<Insights> {
  const items = ev.items;
  const total = items.length;
  const texts = items.map((i) => i.text);
  // Themes are the report's (Analyze Feedback's computeThemes on the evidence, themes.ts): its key phrases ("dark mode",
  // "export to pdf", 送餐速度) and words, by one rule: the words it counts ("cost" in "cost us a whole afternoon" is no
  // price), their variants as one theme ("sync", "syncing", "synced" and 同步; "it crashed twice" with "crash", not "I
  // purchased this laptop" with "purchase"), a head word giving way to the phrases that cover most of its items ("dark"
  // and "mode" to "dark mode"), a phrase mostly inside a theme ranked above it a facet of that theme; ranked by the
  // complaints they explain (by mentions when the evidence has no sentiment). Each is counted once per item, named by
  // the form the items use most.
  const tick = yielder();
  const sample: ThemeSampleItem[] = items.map((it, i) => ({ text: it.text, source: '', line: i, label: it.sentiment ?? 'neutral', score: 1 }));
  const terms = await sampleTerms(sample, tick);
  const found = await computeThemes(sample, total, MAX_THEMES + RELATED_THEMES * 6, tick, terms);
  // (computeThemes adds each theme's key to the term sets of the items it covers)
  const all: Theme[] = found.map((t) => {
    const forms = [...new Set((t.variants?.length ? t.variants : [t.phrase]).map((f) => (isCjk(f) ? f : f.toLowerCase().replace(/’/g, "'"))))];
    const its = items.filter((_, i) => terms.sets[i].has(t.key));
    return { term: forms[0], forms, count: its.length, items: its };
  });
  // two themes named alike (a word and its other spelling) stay apart, the second by its key
  all.forEach((t, i) => {
    if (all.slice(0, i).some((o) => o.term === t.term)) t.term = found[i].key;
  });
  const top = all.slice(0, MAX_THEMES);
  // The brief's main topic is a theme when feedback names it, however far it is from the ten most mentioned
  // ("reminders" in 4 of 216 items, behind "sync", "notes", "support"...): the document says what the evidence holds
  // about it.
  const aboutBrief = opts.aboutBrief;
  if (aboutBrief) top.push(...all.slice(MAX_THEMES).filter((t) => t.forms.some(aboutBrief)).slice(0, RELATED_THEMES));
  const themes = top.sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : 1));
  let sentiment: Insights['sentiment'];
  const known = items.filter((i) => i.sentiment);
  if (known.length) {
    sentiment = { negative: 0, neutral: 0, positive: 0, known: known.length };
    for (const i of known) sentiment[i.sentiment!]++;
  }
  let rating: Insights['rating'];
  if (ev.ratingField) {
    const vals = items.map((i) => Number(i.fields[ev.ratingField!])).filter((v) => Number.isFinite(v));
    if (vals.length) {
      let min = Infinity, max = -Infinity;
      for (const v of vals) { if (v < min) min = v; if (v > max) max = v; }
      // the report's reading of the scale (readers/columns.ts): "low" is what Analyze Feedback counts as negative
      // (stars 0-2, points 0-4, NPS detractors 0-6)
      const scale = ratingScale(min, max, ev.ratingField);
      const scaleMax = scale?.max ?? max;
      const low = vals.filter((v) => (scale ? ratingSentiment(v, scale) === 'negative' : v <= max * 0.4)).length;
      const lowWords = !scale ? `at most ${+(max * 0.4).toFixed(2)}` : scale.nps ? 'detractors (0–6)' : `low (${scale.min}–${scale.max === 5 ? 2 : 4})`;
      rating = { field: ev.ratingField, mean: vals.reduce((a, b) => a + b, 0) / vals.length, count: vals.length, lowShare: low / vals.length, scaleMax, lowWords };
    }
  }
  const nfr: NfrFinding[] = NFR_AREAS.map((a) => ({ area: a.area, requirement: a.requirement, items: items.filter((i) => nfrItemMatches(a, i.text)) }))
    .filter((f) => f.items.length > 0)
    .sort((a, b) => b.items.length - a.items.length);
  const cueCounts = { goal: 0, frustration: 0, motivation: 0, behaviour: 0 };
  const itemCues = items.map((i) => cues(i.text));
  for (const c of itemCues) for (const k of Object.keys(cueCounts) as (keyof Cues)[]) if (c[k]) cueCounts[k]++;

  const out: Insights = { total, files: ev.files, themes, sentiment, rating, nfr, cueCounts, personas: [] };
  if (opts.withPersonas && total > 0) {
    // Personas' features are single topic keys (below): each word joins its theme as topics.ts groups it.
    const topics = opts.topics ?? new EvidenceTopics(texts);
    const wordDf = new Map<string, EvidenceItem[]>();
    for (const it of items) for (const w of new Set(words(it.text))) {
      const arr = wordDf.get(w) ?? [];
      arr.push(it);
      wordDf.set(w, arr);
    }
    /** Each word theme's name (the form the items use most) by its group key. */
    const nameOf = new Map<string, string>();
    const formsOf = new Map<string, Map<string, number>>();
    for (const ws of topics.words) for (const w of ws) {
      const g = topics.themeOf(w.key);
      if (g === undefined) continue;
      let f = formsOf.get(g);
      if (!f) formsOf.set(g, (f = new Map()));
      f.set(w.form, (f.get(w.form) ?? 0) + 1);
    }
    for (const [g, f] of formsOf) {
      // (a participle alone is no theme, as in the report: "ordered" names no topic)
      if (!topics.groups.get(g)?.some((k) => !joinsThemeOnly(k))) continue;
      nameOf.set(g, [...f.keys()].sort((a, b) => f.get(b)! - f.get(a)! || (a < b ? -1 : 1))[0]);
    }
    // The rule selectPhrases applies to theme candidates, for any Chinese term: a piece of a longer term that nearly
    // always comes with it (>= 70% of its items), or a 3-4-character join far rarer than each of its parts; and a term
    // nearly always written after or before the same character, which the segmenter cut off ("常快" of 非常快: 非 is a
    // negation to it).
    let cjkKeys: string[] | undefined;
    const isFragment = (t: string): boolean => {
      if (!isCjk(t)) return false;
      const its = wordDf.get(t) ?? [];
      const n = its.length;
      if (!n) return false;
      if (boundBy(t, its)) return true;
      cjkKeys ??= [...wordDf.keys()].filter(isCjk);
      for (const k of cjkKeys) if (k.length > t.length && k.includes(t) && wordDf.get(k)!.length >= 0.7 * n) return true;
      if (t.length > 2) {
        const parts: number[] = [];
        for (let len = 2; len < t.length; len++) for (let i = 0; i + len <= t.length; i++) {
          const c = wordDf.get(t.slice(i, i + len))?.length;
          if (c) parts.push(c);
        }
        if (parts.length && parts.every((c) => n < 0.5 * c)) return true;
      }
      return false;
    };
    // Segments by topic as the themes count them: a word's forms and its other language are one feature ("sync",
    // "synced" and 同步 are "sync"), so feedback in two languages is not split by language.
    // (a topic word the report does not count in this item, "cost" in "cost us a whole afternoon", is left out; a
    // participle that joins no theme, "purchased" in "I purchased this laptop", stays as written)
    const tokens = texts.map((t, i) => {
      const named = new Map(topics.words[i].map((w) => [w.key, nameOf.get(topics.themeOf(w.key) ?? '') ?? w.form]));
      const out: string[] = [];
      for (const w of words(t)) {
        const name = isCjk(w) ? named.get(w) : named.get(wordKey(w));
        if (name) out.push(name);
        else if (isCjk(w) || !isTopicWord(w) || !/^[a-z0-9'-]+$/.test(w)) out.push(w);
      }
      return out;
    });
    const { vectors, dims, tf } = itemVectors(texts, items.map((i) => i.fields), ev.attributes, undefined, tokens);
    const seg = await segment(vectors, dims, opts.personas ?? 'auto', opts.seed ?? 42, tick);
    out.segmentation = seg;
    const groups: number[][] = Array.from({ length: seg.k }, () => []);
    seg.labels.forEach((l, i) => groups[l].push(i));
    // Largest segment first; members ordered by closeness to their centroid (most typical first).
    const order = groups.map((g, c) => ({ g, c })).filter((x) => x.g.length).sort((a, b) => b.g.length - a.g.length || a.c - b.c);
    out.personas = order.map(({ g, c }, idx) => {
      const centroid = seg.centroids[c];
      const sim = (i: number) => {
        if (!centroid) return 0;
        let s = 0;
        for (const [j, x] of vectors[i]) s += x * centroid[j];
        return s;
      };
      const members = [...g].sort((a, b) => sim(b) - sim(a) || a - b);
      const memberItems = members.map((i) => items[i]);
      // what the segment talks about: topic words only (not "great", "never", "customer"), and Chinese terms that are
      // words, not pieces of a longer one ("常快" of 非常快, "送餐速" of 送餐速度) nor joins of two
      const terms = topTerms(tf, members, 40).filter((t) => isTopicWord(t) && !isFragment(t)).slice(0, 4);
      const attributes = ev.attributes
        .map((field) => {
          const counts = new Map<string, number>();
          for (const it of memberItems) if (it.fields[field]) counts.set(it.fields[field], (counts.get(it.fields[field]) ?? 0) + 1);
          const [value, count] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ['', 0];
          return { field, value, count };
        })
        .filter((a) => a.count > 0);
      const pickBy = (key: keyof Cues, extra?: (it: EvidenceItem) => boolean): Quote[] =>
        members
          .filter((i) => itemCues[i][key] || (extra?.(items[i]) ?? false))
          .filter((i) => key !== 'motivation' || !itemCues[i].frustration || items[i].sentiment === 'positive')
          .slice(0, 3)
          .map((i) => quoteOf(items[i], (s) => cues(s)[key]));
      let sentimentCounts: Record<string, number> | undefined;
      const knownHere = memberItems.filter((i) => i.sentiment);
      if (knownHere.length) {
        sentimentCounts = { negative: 0, neutral: 0, positive: 0 };
        for (const i of knownHere) sentimentCounts[i.sentiment!]++;
      }
      const lead = attributes.filter((a) => a.count >= memberItems.length * 0.6).map((a) => a.value);
      const label = terms.slice(0, 2).join(' & ') || 'general feedback';
      return {
        index: idx + 1,
        name: `${lead.length ? `${lead.join(', ')} users` : 'Users'} focused on ${label}`,
        size: members.length,
        members: memberItems,
        terms,
        attributes,
        goals: pickBy('goal'),
        frustrations: pickBy('frustration', (it) => it.sentiment === 'negative'),
        motivations: pickBy('motivation', (it) => it.sentiment === 'positive'),
        behaviours: pickBy('behaviour'),
        quote: memberItems.length ? quoteOf(memberItems[0]) : undefined,
        sentiment: sentimentCounts,
      };
    });
  }
  return out;
}

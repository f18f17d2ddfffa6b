// Key-phrase extraction for themes and aspects.
// English: stopword-filtered unigrams and bigrams with light normalization (case, plurals, possessives).
// Chinese: 2-4 character segments of Han runs cut at punctuation and stop characters.

const EN_STOP = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between both
  but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further get gets
  getting got had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in
  into is isn't it it's its itself just let's me more most mustn't my myself no nor not now of off on once only or other ought
  our ours ourselves out over own same shan't she should shouldn't so some such than that that's the their theirs them
  themselves then there there's these they they'd they'll they're they've this those through to too under until up upon us very
  was wasn't we we'd we'll we're we've were weren't what what's when where which while who whom why will with won't would
  wouldn't you you'd you'll you're you've your yours yourself yourselves im ive dont doesnt didnt cant wont isnt arent wasnt
  one two three also really still even ever every much many lot lots thing things something anything everything nothing
  way ways well yes yeah ok okay oh please thanks thank pretty quite bit since though although however yet already always never
  sometimes often usually again back go goes going gone went come comes came make makes made making use used using uses
  want wants wanted need needs needed try tried trying know think thought say said says see seen look looks looked take took
  give gave keep kept put seems seem seemed feel feels felt bit app apps application product day days time times week weeks
  month months year years now today yesterday guys people anyone someone everyone etc via per without within
  across around among toward towards instead almost enough another able`.split(/\s+/),
);
/** Pure sentiment words carry no aspect; they are excluded from themes (the classifier covers them). */
const EN_SENTIMENT = new Set(
  `good great bad love loved loves like liked likes hate hated hates awesome amazing excellent terrible horrible awful nice
  poor worst best better worse perfect fantastic wonderful disappointing disappointed happy unhappy annoying annoyed
  useless useful fine decent superb brilliant lovely crap garbage trash sucks suck stupid fun glad sad mad angry frustrated
  frustrating frustration satisfied unsatisfied recommend recommended favorite favourite beautiful ugly cool wow meh
  impressed impressive okay-ish solid mediocre fabulous outstanding pleased dissatisfied happy unacceptable ridiculous`.split(/\s+/),
);
const ZH_STOP = new Set([...'的了是我你他她它们很也都就在和与及或但而又还被把给让对这那个些有没不太非常真好吧呢吗啊呀哦嗯着过啦么得地就要会能可以说什么怎样挺蛮特别更最再才已经一点些许']);

const HAN = /\p{Script=Han}/u;

/** Light English normalization: possessives, plurals (-ies, -es after sibilants, -s). */
export function normalizeWord(w: string): string {
  let s = w.toLowerCase().replace(/[’']s$/, '').replace(/[’']/g, "'");
  if (s.length > 4 && s.endsWith('ies')) s = s.slice(0, -3) + 'y';
  else if (s.length > 4 && /(ches|shes|sses|xes|zes)$/.test(s)) s = s.slice(0, -2);
  else if (s.length > 3 && s.endsWith('s') && !/(ss|us|is|ous)$/.test(s)) s = s.slice(0, -1);
  return s;
}

export interface Term {
  /** Normalized key used for counting. */
  key: string;
  /** The form as written (for display). */
  surface: string;
}

/** Distinct terms of a text: English uni/bi-grams and Chinese 2-4-char segments (normalized keys). */
export function extractTerms(text: string): Term[] {
  const out = new Map<string, string>();
  // English: clauses cut at punctuation so bigrams don't cross sentences.
  for (const clause of text.split(/[.,;:!?()\[\]{}"“”。，；：！？、\n\r\t]+/)) {
    const words = clause.match(/[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]/g);
    if (!words) continue;
    let prev: { key: string; surface: string } | null = null;
    for (const raw of words) {
      const lower = raw.toLowerCase().replace(/’/g, "'");
      const key = normalizeWord(lower);
      const stop = EN_STOP.has(lower) || EN_STOP.has(key) || key.length < 3 || EN_SENTIMENT.has(lower) || EN_SENTIMENT.has(key);
      if (stop) {
        prev = null;
        continue;
      }
      if (!out.has(key)) out.set(key, lower);
      if (prev) {
        const bk = `${prev.key} ${key}`;
        if (!out.has(bk)) out.set(bk, `${prev.surface} ${lower}`);
      }
      prev = { key, surface: lower };
    }
  }
  // Chinese: Han runs, cut at stop characters, then 2-4-grams.
  if (HAN.test(text)) {
    const runs = text.match(/\p{Script=Han}+/gu) ?? [];
    for (const run of runs) {
      let seg = '';
      const segs: string[] = [];
      for (const ch of run) {
        if (ZH_STOP.has(ch)) {
          if (seg.length >= 2) segs.push(seg);
          seg = '';
        } else seg += ch;
      }
      if (seg.length >= 2) segs.push(seg);
      for (const s of segs) {
        const chars = [...s];
        for (let n = 2; n <= 4; n++) {
          for (let i = 0; i + n <= chars.length; i++) {
            const g = chars.slice(i, i + n).join('');
            if (!out.has(g)) out.set(g, g);
          }
        }
      }
    }
  }
  return [...out].map(([key, surface]) => ({ key, surface }));
}

function isCjk(key: string): boolean {
  return HAN.test(key);
}

/** Does `longer` contain `shorter` as a phrase (word sequence for English, substring for Chinese)? */
export function containsPhrase(longer: string, shorter: string): boolean {
  if (longer === shorter || longer.length <= shorter.length) return false;
  if (isCjk(shorter)) return longer.includes(shorter);
  return ` ${longer} `.includes(` ${shorter} `);
}

/**
 * Keeps the phrases worth reporting: frequent enough, and not explained by a longer phrase
 * (a unigram or shorter segment whose count is mostly that of a longer phrase containing it is dropped,
 * and so is a longer phrase much rarer than its parts for Chinese n-gram noise).
 */
export function selectPhrases(counts: Map<string, number>, minCount: number, limit: number): string[] {
  const cands = [...counts].filter(([, n]) => n >= minCount).sort((a, b) => b[1] - a[1] || b[0].length - a[0].length);
  const pool = cands.slice(0, Math.max(limit * 20, 200));
  const keep: string[] = [];
  for (const [k, n] of pool) {
    // Dropped when a longer phrase containing it covers >= 70% of its mentions.
    const covered = pool.some(([k2, n2]) => containsPhrase(k2, k) && n2 >= 0.7 * n);
    if (covered) continue;
    // Chinese: a 3-4 gram is only kept when it isn't an accidental join (count close to one of its 2-gram parts).
    if (isCjk(k) && [...k].length > 2) {
      const parts = pool.filter(([k2]) => containsPhrase(k, k2));
      if (parts.length && parts.every(([, n2]) => n < 0.5 * n2)) continue;
    }
    keep.push(k);
    if (keep.length >= limit) break;
  }
  return keep;
}

/** Does the text mention the phrase (by the same normalization as extractTerms)? */
export function mentions(termsOfText: Set<string>, phrase: string): boolean {
  return termsOfText.has(phrase);
}

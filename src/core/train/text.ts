// TF-IDF text features: word unigrams + bigrams and character n-grams inside word boundaries,
// vocabulary capped by document frequency, smoothed idf, sublinear tf and l2 normalisation per block.

export interface TextBlockSpec {
  /** 'word': n-grams of words; 'char': character n-grams of each space-padded word. */
  kind: 'word' | 'char';
  ngramMin: number;
  ngramMax: number;
  vocab: string[];
  idf: number[];
}

export interface TextFeatureOptions {
  /** Word n-gram vocabulary cap (default 50,000). */
  maxWordFeatures?: number;
  /** Character n-gram vocabulary cap (default 30,000 up to 3,000 training rows, else 0 = off). */
  maxCharFeatures?: number;
}

const WORD_RE = /[\p{L}\p{N}_]+/gu;
const CJK_RE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;

/** Lower-cased word tokens; CJK runs are split into single characters (no spaces between words there). */
export function tokenize(s: string): string[] {
  const out: string[] = [];
  for (const m of s.toLowerCase().matchAll(WORD_RE)) {
    const w = m[0];
    if (CJK_RE.test(w)) {
      let run = '';
      for (const ch of w) {
        if (CJK_RE.test(ch)) {
          if (run) { out.push(run); run = ''; }
          out.push(ch);
        } else run += ch;
      }
      if (run) out.push(run);
    } else out.push(w);
  }
  return out;
}

/** Character n-grams (nmin..nmax) of one space-padded word. */
function charGrams(t: string, nmin: number, nmax: number): string[] {
  const w = ` ${t} `;
  const out: string[] = [];
  for (let n = nmin; n <= nmax; n++) {
    if (w.length < n) break;
    for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n));
  }
  return out;
}

/** Word n-grams (nmin..nmax) of a token list, joined by single spaces. */
function wordGrams(tokens: string[], nmin: number, nmax: number, out: string[]): void {
  for (let n = nmin; n <= nmax; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      if (n === 1) out.push(tokens[i]);
      else if (n === 2) out.push(`${tokens[i]} ${tokens[i + 1]}`);
      else out.push(tokens.slice(i, i + n).join(' '));
    }
  }
}

/** Distinct words whose character n-grams are cached (long texts repeat their words: "the", "said"). */
const MAX_CACHED_WORDS = 200_000;

/** Fits one vocabulary block on training documents (token lists). */
export function fitTextBlock(docs: string[][], kind: 'word' | 'char', nmin: number, nmax: number, maxFeatures: number): TextBlockSpec {
  const n = docs.length;
  // Terms are interned to ids; a term's df counts the documents whose index last[] it has not seen yet.
  let ids = new Map<string, number>();
  let termList: string[] = [];
  let dfOf = new Int32Array(1024);
  let last = new Int32Array(1024).fill(-1);
  const idOf = (term: string): number => {
    let id = ids.get(term);
    if (id === undefined) {
      id = termList.length;
      ids.set(term, id);
      termList.push(term);
      if (id === dfOf.length) {
        const d2 = new Int32Array(id * 2), l2 = new Int32Array(id * 2).fill(-1);
        d2.set(dfOf);
        l2.set(last);
        dfOf = d2;
        last = l2;
      }
    }
    return id;
  };
  // char blocks: a word's n-gram ids, cached per distinct word (long texts repeat their words).
  let wordIds = new Map<string, Int32Array>();
  const words = new Set<string>();
  const terms: string[] = [];
  for (let d = 0; d < n; d++) {
    const toks = docs[d];
    if (kind === 'char') {
      // A document's character n-grams are those of its distinct words.
      words.clear();
      for (const t of toks) words.add(t);
      for (const t of words) {
        let g = wordIds.get(t);
        if (!g) {
          g = Int32Array.from(charGrams(t, nmin, nmax), idOf);
          if (wordIds.size < MAX_CACHED_WORDS) wordIds.set(t, g);
        }
        for (const id of g) if (last[id] !== d) (last[id] = d), dfOf[id]++;
      }
    } else {
      terms.length = 0;
      wordGrams(toks, nmin, nmax, terms);
      for (const term of terms) {
        const id = idOf(term);
        if (last[id] !== d) (last[id] = d), dfOf[id]++;
      }
    }
    // Keep memory bounded on huge corpora: drop terms seen once so far.
    if (termList.length > 3_000_000) {
      const keptTerms = termList.filter((_, id) => dfOf[id] >= 2);
      const keptDf = Int32Array.from(termList.map((_, id) => id).filter((id) => dfOf[id] >= 2), (id) => dfOf[id]);
      ids = new Map(keptTerms.map((t, i) => [t, i]));
      termList = keptTerms;
      dfOf = new Int32Array(Math.max(1024, keptTerms.length * 2));
      dfOf.set(keptDf);
      last = new Int32Array(dfOf.length).fill(-1);
      wordIds = new Map();
    }
  }
  const df = termList.map((t, id): [string, number] => [t, dfOf[id]]);
  // Terms seen in one document only generalise poorly (except words on tiny corpora).
  const minDf = kind === 'word' && n < 2000 ? 1 : 2;
  const entries = df.filter(([t, d]) => d >= minDf && (kind === 'char' || !t.includes(' ') || d >= 2));
  const kept = topByDf(entries, maxFeatures, n);
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    kind,
    ngramMin: nmin,
    ngramMax: nmax,
    vocab: kept.map((e) => e[0]),
    idf: kept.map((e) => Math.log((1 + n) / (1 + e[1])) + 1),
  };
}

const byTerm = (a: [string, number], b: [string, number]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The `k` entries with the highest document frequency, ties by term: what sorting every entry by
 * (df desc, term asc) and keeping the first k gives, without sorting hundreds of thousands of terms.
 */
function topByDf(entries: [string, number][], k: number, maxDf: number): [string, number][] {
  if (entries.length <= k) return entries;
  const hist = new Int32Array(maxDf + 2);
  for (const [, d] of entries) hist[Math.min(d, maxDf + 1)]++;
  // The df threshold t: every entry above it is kept, and some of those at it (by term).
  let above = 0;
  let t = maxDf + 1;
  while (t > 0 && above + hist[t] < k) above += hist[t--];
  const kept: [string, number][] = [];
  const ties: [string, number][] = [];
  for (const e of entries) {
    const d = Math.min(e[1], maxDf + 1);
    if (d > t) kept.push(e);
    else if (d === t) ties.push(e);
  }
  ties.sort(byTerm);
  for (let i = 0; i < k - above; i++) kept.push(ties[i]);
  return kept;
}

const NO_COLUMNS = new Int32Array(0);

/** A fitted block ready for transforming: term -> column index. */
export class TextBlock {
  private readonly index = new Map<string, number>();
  /** char blocks: a word's n-gram columns (absent n-grams left out), cached per distinct word. */
  private readonly wordColumns = new Map<string, Int32Array>();
  /** Term counts of the current document, dense, and the columns touched in first-seen order. */
  private counts: Int32Array | undefined;
  private touched = new Int32Array(256);
  private readonly terms: string[] = [];
  constructor(readonly spec: TextBlockSpec) {
    spec.vocab.forEach((t, i) => this.index.set(t, i));
  }
  get size(): number {
    return this.spec.vocab.length;
  }
  private columnsOf(word: string): Int32Array {
    let cols = this.wordColumns.get(word);
    if (cols) return cols;
    const js: number[] = [];
    for (const g of charGrams(word, this.spec.ngramMin, this.spec.ngramMax)) {
      const j = this.index.get(g);
      if (j !== undefined) js.push(j);
    }
    cols = js.length ? Int32Array.from(js) : NO_COLUMNS;
    if (this.wordColumns.size < MAX_CACHED_WORDS) this.wordColumns.set(word, cols);
    return cols;
  }
  /** Appends (offset + column, value) pairs of one document: sublinear tf * idf, l2-normalised. */
  transform(tokens: string[], offset: number, push: (index: number, value: number) => void): void {
    const counts = (this.counts ??= new Int32Array(this.spec.vocab.length));
    let nt = 0;
    const hit = (j: number): void => {
      if (counts[j]++ === 0) {
        if (nt === this.touched.length) {
          const grown = new Int32Array(this.touched.length * 2);
          grown.set(this.touched);
          this.touched = grown;
        }
        this.touched[nt++] = j;
      }
    };
    if (this.spec.kind === 'char') {
      for (const t of tokens) for (const j of this.columnsOf(t)) hit(j);
    } else {
      this.terms.length = 0;
      wordGrams(tokens, this.spec.ngramMin, this.spec.ngramMax, this.terms);
      for (const term of this.terms) {
        const j = this.index.get(term);
        if (j !== undefined) hit(j);
      }
    }
    if (!nt) return;
    // The norm sums in first-seen order, the values go out by column (a typed array sorts numerically).
    const touched = this.touched.subarray(0, nt);
    let norm = 0;
    for (const j of touched) {
      const v = (1 + Math.log(counts[j])) * this.spec.idf[j];
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    touched.sort();
    for (const j of touched) {
      push(offset + j, ((1 + Math.log(counts[j])) * this.spec.idf[j]) / norm);
      counts[j] = 0;
    }
  }
}

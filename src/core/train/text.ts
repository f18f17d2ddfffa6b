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

/** The terms of one document for a block (with repeats: their count is the tf). */
export function blockTerms(tokens: string[], kind: 'word' | 'char', nmin: number, nmax: number): string[] {
  const out: string[] = [];
  if (kind === 'word') {
    for (let n = nmin; n <= nmax; n++) {
      for (let i = 0; i + n <= tokens.length; i++) out.push(n === 1 ? tokens[i] : tokens.slice(i, i + n).join(' '));
    }
  } else {
    for (const t of tokens) {
      const w = ` ${t} `;
      for (let n = nmin; n <= nmax; n++) {
        if (w.length < n) break;
        for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n));
      }
    }
  }
  return out;
}

/** Fits one vocabulary block on training documents (token lists). */
export function fitTextBlock(docs: string[][], kind: 'word' | 'char', nmin: number, nmax: number, maxFeatures: number): TextBlockSpec {
  const df = new Map<string, number>();
  const n = docs.length;
  const seen = new Set<string>();
  for (const toks of docs) {
    seen.clear();
    for (const term of blockTerms(toks, kind, nmin, nmax)) {
      if (seen.has(term)) continue;
      seen.add(term);
      df.set(term, (df.get(term) ?? 0) + 1);
    }
    // Keep memory bounded on huge corpora: drop terms seen once so far.
    if (df.size > 3_000_000) for (const [k, v] of df) if (v < 2) df.delete(k);
  }
  // Terms seen in one document only generalise poorly (except words on tiny corpora).
  const minDf = kind === 'word' && n < 2000 ? 1 : 2;
  const entries = [...df.entries()].filter(([t, d]) => d >= minDf && (kind === 'char' || !t.includes(' ') || d >= 2));
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = entries.slice(0, maxFeatures);
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    kind,
    ngramMin: nmin,
    ngramMax: nmax,
    vocab: kept.map((e) => e[0]),
    idf: kept.map((e) => Math.log((1 + n) / (1 + e[1])) + 1),
  };
}

/** A fitted block ready for transforming: term -> column index. */
export class TextBlock {
  private readonly index = new Map<string, number>();
  constructor(readonly spec: TextBlockSpec) {
    spec.vocab.forEach((t, i) => this.index.set(t, i));
  }
  get size(): number {
    return this.spec.vocab.length;
  }
  /** Appends (offset + column, value) pairs of one document: sublinear tf * idf, l2-normalised. */
  transform(tokens: string[], offset: number, push: (index: number, value: number) => void): void {
    const tf = new Map<number, number>();
    for (const term of blockTerms(tokens, this.spec.kind, this.spec.ngramMin, this.spec.ngramMax)) {
      const j = this.index.get(term);
      if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
    }
    if (!tf.size) return;
    let norm = 0;
    const vals: [number, number][] = [];
    for (const [j, c] of tf) {
      const v = (1 + Math.log(c)) * this.spec.idf[j];
      vals.push([j, v]);
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    vals.sort((a, b) => a[0] - b[0]);
    for (const [j, v] of vals) push(offset + j, v / norm);
  }
}

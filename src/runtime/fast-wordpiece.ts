// A fast encoder for BERT-style tokenizer.json files (BertNormalizer + BertPreTokenizer + WordPiece):
// the same ids as transformers.js' tokenizer.encode(text, {add_special_tokens: false}), several times
// faster, because feedback repeats its words: each distinct word is split into word pieces once and
// cached. Built only when tokenizer.json has exactly that pipeline; texts that contain an added
// token's literal text ("[MASK]", …) go to the library tokenizer so special-token splitting stays exact.
// The equivalence is checked against transformers.js on real corpora (test/integration/fast-tokenizer.test.ts).

export interface FastTokenizer {
  /** Token ids of the text without special tokens. */
  encode(text: string): number[];
  /** Texts handed to the fallback tokenizer so far (added-token literals). */
  readonly fallbacks: number;
}

interface TokenizerJson {
  normalizer?: { type?: string; clean_text?: boolean; handle_chinese_chars?: boolean; strip_accents?: boolean | null; lowercase?: boolean } | null;
  pre_tokenizer?: { type?: string } | null;
  model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
  added_tokens?: Array<{ content?: string }>;
}

// The BERT basic tokenizer's punctuation: Unicode P plus the ASCII symbol ranges.
const PUNCT = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const WORDS = new RegExp(`[^\\s${PUNCT}]+|[${PUNCT}]`, 'gu');
const ASCII_PUNCT = '!-\\/:-@\\[-`{-~';
const ASCII_WORDS = new RegExp(`[^\\s${ASCII_PUNCT}]+|[${ASCII_PUNCT}]`, 'g');
/** Printable ASCII only: no control characters, CJK or accents, so normalizing is just lowercasing. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** clean_text drops NUL, U+FFFD and control / format / private-use / surrogate code points except \t \n \r. */
const DROPPED = /[\0\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;
const WHITESPACE = /\s/gu;
/** CJK ideographs get spaces around them (UTF-16 code units, as the reference implementation tests them). */
const CJK = /[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF]/g;
const MARKS = /\p{Mn}/gu;
const SURROGATE = /[\uD800-\uDFFF]/;

const CACHE_LIMIT = 200_000;

/**
 * The fast encoder for this tokenizer.json, or undefined when its pipeline is not exactly
 * BertNormalizer → BertPreTokenizer → WordPiece (then the caller keeps the library tokenizer).
 */
export function createFastWordPiece(json: unknown, fallback: (text: string) => number[]): FastTokenizer | undefined {
  const t = json as TokenizerJson;
  const norm = t?.normalizer;
  const model = t?.model;
  if (!norm || norm.type !== 'BertNormalizer') return undefined;
  if (t.pre_tokenizer?.type !== 'BertPreTokenizer') return undefined;
  if (model?.type !== 'WordPiece' || !model.vocab || typeof model.unk_token !== 'string') return undefined;
  const vocab = new Map<string, number>(Object.entries(model.vocab));
  const unk = vocab.get(model.unk_token);
  if (unk === undefined) return undefined;
  const prefix = model.continuing_subword_prefix ?? '##';
  const maxChars = model.max_input_chars_per_word ?? 100;
  const lowercase = !!norm.lowercase;
  const stripAccents = lowercase ? norm.strip_accents !== false : !!norm.strip_accents;
  const cleanText = !!norm.clean_text;
  const chinese = !!norm.handle_chinese_chars;
  const added = (t.added_tokens ?? []).map((a) => a.content).filter((c): c is string => typeof c === 'string' && c.length > 0);
  const addedLower = added.map((c) => c.toLowerCase());

  const cache = new Map<string, number[]>();
  let fallbacks = 0;

  const pieces = (word: string): number[] => {
    const whole = vocab.get(word);
    if (whole !== undefined && word.length <= maxChars) return [whole];
    // Code-unit slicing is exact when the word has no surrogate pairs (almost always); else slice code points.
    const chars: string | string[] = SURROGATE.test(word) ? [...word] : word;
    if (chars.length > maxChars) return [unk];
    const slice = typeof chars === 'string' ? (a: number, b: number) => chars.slice(a, b) : (a: number, b: number) => chars.slice(a, b).join('');
    const out: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let id: number | undefined;
      while (start < end) {
        id = vocab.get(start > 0 ? prefix + slice(start, end) : slice(start, end));
        if (id !== undefined) break;
        end--;
      }
      if (id === undefined) return [unk];
      out.push(id);
      start = end;
    }
    return out;
  };
  const wordIds = (word: string): number[] => {
    let ids = cache.get(word);
    if (!ids) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      ids = pieces(word);
      cache.set(word, ids);
    }
    return ids;
  };
  const normalize = (text: string): string => {
    if (cleanText) text = text.replace(DROPPED, '').replace(WHITESPACE, ' ');
    if (chinese) text = text.replace(CJK, ' $& ');
    if (lowercase) text = text.toLowerCase();
    if (stripAccents) text = text.normalize('NFD').replace(MARKS, '');
    return text;
  };
  // Quick screen: a text can only contain an added token if it has the token's first character.
  const firstChars = [...new Set(added.flatMap((c) => [c[0], c[0].toLowerCase(), c[0].toUpperCase()]))];
  const hasAddedToken = (text: string): boolean => {
    if (!added.length) return false;
    let maybe = false;
    for (let i = 0; i < firstChars.length && !maybe; i++) maybe = text.includes(firstChars[i]);
    if (!maybe) return false;
    const lower = text.toLowerCase();
    for (let i = 0; i < added.length; i++) if (text.includes(added[i]) || lower.includes(addedLower[i])) return true;
    return false;
  };

  return {
    get fallbacks() {
      return fallbacks;
    },
    encode(text: string): number[] {
      if (!text) return [];
      if (hasAddedToken(text)) {
        fallbacks++;
        return fallback(text);
      }
      let words: RegExpMatchArray | null;
      if (PRINTABLE_ASCII.test(text) && (lowercase || !stripAccents)) {
        words = (lowercase ? text.toLowerCase() : text).match(ASCII_WORDS);
      } else {
        const n = normalize(text);
        if (!n) return [];
        words = n.trim().match(WORDS);
      }
      if (!words) return [];
      const out: number[] = [];
      for (const w of words) {
        const ids = wordIds(w);
        for (let i = 0; i < ids.length; i++) out.push(ids[i]);
      }
      return out;
    },
  };
}

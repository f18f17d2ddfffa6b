// Checks language-model output against the evidence while it streams:
//  - quotes ("…", “…”, 「…」, 『…』) of 4+ words (CJK: two characters count as one word) must appear
//    verbatim (whitespace and quote style aside) in an evidence item; unverifiable ones are flagged
//    inline, never silently kept as if real;
//  - evidence ids ([E12]) must exist; they become links to file:line, unknown ids are flagged;
//  - an id right after a verified quote must name an item holding that quote; if it does not, the
//    link goes to the item that does, with a note that the model's id was wrong.
// Text outside quotes and brackets passes through at once; a quote is held back until it closes.
import { wordCount } from '../readers/text';
import { citeLink, type EvidenceItem } from './evidence';

export const UNVERIFIED_FLAG = ' ⚠️ *(unverified quote: not found word for word in the evidence)*';

/** Note after a corrected citation: the model named `cited`, the quote is from `actual`. */
export const miscitedNote = (cited: string, actual: string) => ` ⚠️ *(the model cited ${cited}; the quote is from ${actual})*`;

/** Opening quote mark → its closing mark. */
const QUOTES: Record<string, string> = { '"': '"', '“': '”', '「': '」', '『': '』' };

/** What may stand between a closing quote and the id that cites it (whitespace, light punctuation). */
const GAP = /^[\s,.;:!?()—–\-…，。；：！？、（]$/u;
const MAX_GAP = 6;

const normalizeForMatch = (s: string) =>
  s
    .replace(/[“”„‟«»]/g, '"')
    .replace(/[‘’‚‛]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

/** A quote as find() looks for it: normalised, without leading/trailing dots and separators. */
const quoteKey = (quote: string) => normalizeForMatch(quote).replace(/^[\s.…]+|[\s.…,;:。，；：、]+$/gu, '');

export interface VerifyStats {
  verified: number;
  unverified: number;
  unknownIds: number;
  /** Ids placed after a verified quote that is not in the cited item (the link was corrected). */
  miscited: number;
  /** Evidence items cited (by id or by a verified quote), in first-citation order. */
  cited: EvidenceItem[];
}

export class EvidenceVerifier {
  private readonly byId = new Map<string, EvidenceItem>();
  private readonly haystack: { item: EvidenceItem; text: string }[];
  private readonly textById = new Map<string, string>();
  private buf = '';
  /** What opened the pending segment: a quote char, '[' or '' (plain text). */
  private open = '';
  /** The verified quote just closed, while only a short gap of whitespace/punctuation follows it. */
  private lastQuote?: { key: string; item: EvidenceItem; gap: number };
  readonly stats: VerifyStats = { verified: 0, unverified: 0, unknownIds: 0, miscited: 0, cited: [] };
  private readonly citedSet = new Set<string>();
  /** Longest quote held back to be checked: a quote longer than every evidence item cannot be verbatim. */
  private readonly maxQuote: number;
  /** The pending quote grew past maxQuote: it streams on, and is flagged where it closes. */
  private overlong = false;

  constructor(items: EvidenceItem[], private readonly linkBase?: string) {
    for (const it of items) this.byId.set(it.id.toUpperCase(), it);
    this.haystack = items.map((item) => ({ item, text: normalizeForMatch(item.text) }));
    for (const h of this.haystack) this.textById.set(h.item.id.toUpperCase(), h.text);
    this.maxQuote = Math.max(1200, ...this.haystack.map((h) => h.item.text.length + 2));
  }

  /** The item containing `quote` verbatim, if any. */
  find(quote: string): EvidenceItem | undefined {
    const q = quoteKey(quote);
    if (!q) return undefined;
    return this.haystack.find((h) => h.text.includes(q))?.item;
  }

  private cite(it: EvidenceItem): void {
    if (!this.citedSet.has(it.id)) {
      this.citedSet.add(it.id);
      this.stats.cited.push(it);
    }
  }

  /** Feeds a piece of model output; returns the text that can be shown now. */
  push(chunk: string): string {
    let out = '';
    for (const ch of chunk) {
      if (!this.open) {
        if (ch === '[' || Object.hasOwn(QUOTES, ch)) {
          if (ch !== '[') this.lastQuote = undefined;
          this.open = ch;
          this.buf = ch;
        } else {
          if (this.lastQuote && (!GAP.test(ch) || ++this.lastQuote.gap > MAX_GAP)) this.lastQuote = undefined;
          out += ch;
        }
        continue;
      }
      if (this.overlong) {
        // too long to be a quote of the evidence: passed on as it comes, flagged at its closing mark (a paragraph
        // end without one: it was no quote)
        const close = ch === QUOTES[this.open];
        const paragraph = ch === '\n' && this.buf.endsWith('\n');
        this.buf = ch === '\n' ? this.buf + ch : '';
        out += ch;
        if (close) {
          this.stats.unverified++;
          out += UNVERIFIED_FLAG;
        }
        if (close || paragraph) {
          this.overlong = false;
          this.open = '';
          this.buf = '';
        }
        continue;
      }
      this.buf += ch;
      if (this.open === '[') {
        if (ch === ']') out += this.closeBracket();
        else if (this.buf.length > 12 || ch === '\n' || !/^\[E?\d*$/i.test(this.buf)) out += this.release();
      } else {
        if (ch === QUOTES[this.open]) out += this.closeQuote();
        else if (ch === '\n' && this.buf.endsWith('\n\n')) out += this.release(); // a quote never spans paragraphs
        else if (this.buf.length > this.maxQuote) {
          out += this.buf;
          this.buf = '';
          this.overlong = true;
        }
      }
    }
    return out;
  }

  /** Flushes whatever is pending (end of a section). */
  end(): string {
    this.lastQuote = undefined;
    if (this.overlong) {
      // a quote longer than any evidence item, never closed
      this.overlong = false;
      this.open = '';
      this.buf = '';
      this.stats.unverified++;
      return UNVERIFIED_FLAG;
    }
    if (!this.open) return '';
    if (this.open !== '[' && wordCount(this.buf.slice(1)) >= 4 && !this.find(this.buf.slice(1))) {
      this.stats.unverified++;
      const t = this.buf + UNVERIFIED_FLAG;
      this.open = '';
      this.buf = '';
      return t;
    }
    return this.release();
  }

  private release(): string {
    this.lastQuote = undefined;
    const t = this.buf;
    this.buf = '';
    this.open = '';
    return t;
  }

  private closeQuote(): string {
    const whole = this.buf;
    const inner = whole.slice(1, -1);
    this.buf = '';
    this.open = '';
    if (wordCount(inner) < 4) return whole;
    const it = this.find(inner);
    if (it) {
      this.stats.verified++;
      this.cite(it);
      this.lastQuote = { key: quoteKey(inner), item: it, gap: 0 };
      return whole;
    }
    this.stats.unverified++;
    return whole + UNVERIFIED_FLAG;
  }

  private closeBracket(): string {
    const whole = this.buf;
    const quote = this.lastQuote;
    this.lastQuote = undefined;
    this.buf = '';
    this.open = '';
    const m = /^\[(E\d+)\]$/i.exec(whole);
    if (!m) return whole;
    const it = this.byId.get(m[1].toUpperCase());
    if (!it) {
      this.stats.unknownIds++;
      return `[${m[1]} ⚠️ unknown evidence id]`;
    }
    if (quote && !this.textById.get(it.id.toUpperCase())?.includes(quote.key)) {
      // The id follows a verified quote that is not in the item it names: link the item that holds
      // the quote (already cited by closeQuote) and say so, rather than cite the wrong line.
      this.stats.miscited++;
      const real = quote.item;
      return `[${real.id}: ${citeLink(real, this.linkBase).slice(1)}${miscitedNote(it.id, real.id)}`;
    }
    this.cite(it);
    return `[${it.id}: ${citeLink(it, this.linkBase).slice(1)}`;
  }
}


// Checks language-model output against the evidence while it streams:
//  - quotes ("…", “…”) of 4+ words must appear verbatim (whitespace and quote style aside) in an
//    evidence item; unverifiable ones are flagged inline, never silently kept as if real;
//  - evidence ids ([E12]) must exist; they become links to file:line, unknown ids are flagged.
// Text outside quotes and brackets passes through at once; a quote is held back until it closes.
import { citeLink, type EvidenceItem } from './evidence';

export const UNVERIFIED_FLAG = ' ⚠️ *(unverified quote: not found word for word in the evidence)*';

const normalizeForMatch = (s: string) =>
  s
    .replace(/[“”„‟«»]/g, '"')
    .replace(/[‘’‚‛]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

export interface VerifyStats {
  verified: number;
  unverified: number;
  unknownIds: number;
  /** Evidence items cited (by id or by a verified quote), in first-citation order. */
  cited: EvidenceItem[];
}

export class EvidenceVerifier {
  private readonly byId = new Map<string, EvidenceItem>();
  private readonly haystack: { item: EvidenceItem; text: string }[];
  private buf = '';
  /** What opened the pending segment: a quote char, '[' or '' (plain text). */
  private open = '';
  readonly stats: VerifyStats = { verified: 0, unverified: 0, unknownIds: 0, cited: [] };
  private readonly citedSet = new Set<string>();

  constructor(items: EvidenceItem[], private readonly linkBase?: string) {
    for (const it of items) this.byId.set(it.id.toUpperCase(), it);
    this.haystack = items.map((item) => ({ item, text: normalizeForMatch(item.text) }));
  }

  /** The item containing `quote` verbatim, if any. */
  find(quote: string): EvidenceItem | undefined {
    const q = normalizeForMatch(quote).replace(/^[\s.…]+|[\s.…,;:]+$/g, '');
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
        if (ch === '"' || ch === '“' || ch === '[') {
          this.open = ch;
          this.buf = ch;
        } else out += ch;
        continue;
      }
      this.buf += ch;
      if (this.open === '[') {
        if (ch === ']') out += this.closeBracket();
        else if (this.buf.length > 12 || ch === '\n' || !/^\[E?\d*$/i.test(this.buf)) out += this.release();
      } else {
        const closes = this.open === '"' ? ch === '"' : ch === '”';
        if (closes) out += this.closeQuote();
        else if (ch === '\n' && this.buf.endsWith('\n\n')) out += this.release(); // a quote never spans paragraphs
        else if (this.buf.length > 1200) out += this.release();
      }
    }
    return out;
  }

  /** Flushes whatever is pending (end of a section). */
  end(): string {
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
      return whole;
    }
    this.stats.unverified++;
    return whole + UNVERIFIED_FLAG;
  }

  private closeBracket(): string {
    const whole = this.buf;
    this.buf = '';
    this.open = '';
    const m = /^\[(E\d+)\]$/i.exec(whole);
    if (!m) return whole;
    const it = this.byId.get(m[1].toUpperCase());
    if (!it) {
      this.stats.unknownIds++;
      return `[${m[1]} ⚠️ unknown evidence id]`;
    }
    this.cite(it);
    return `[${it.id}: ${citeLink(it, this.linkBase).slice(1)}`;
  }
}

function wordCount(s: string): number {
  return s.trim().split(/\s+/).filter(Boolean).length;
}

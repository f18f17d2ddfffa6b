// Incremental RFC 4180 CSV/TSV parser: quoted fields with embedded delimiters, newlines and "" quotes,
// stray spaces around fields, any line ending; fed text chunk by chunk, so memory stays bounded.
import { UserError } from '../types';

export interface CsvRow {
  cells: string[];
  /** 1-based physical line where the row starts. */
  line: number;
  /**
   * For a row with more fields than the parser's `tailFrom` (see CsvParser): the record as written from the start of
   * field `tailFrom - 1` to its end (delimiters, spaces and all), and whether any of those fields was quoted.
   */
  tail?: { text: string; quoted: boolean };
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** A single record may not exceed this (an unbalanced quote would otherwise swallow the whole file). */
const MAX_RECORD_CHARS = 8 * 1024 * 1024;

function countLineBreaks(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && s.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

export class CsvParser {
  private buf = '';
  private line = 1;
  /**
   * Line of the first row with a quoted field that runs over several lines and has text after its closing quote
   * ("Missing quote here,4⏎3,"next row…): an unbalanced quote that probably joined rows into one.
   */
  joinedRowsAt?: number;
  private readonly stop: RegExp;

  /**
   * `refuseUnclosed`: at the real end of a file, a quoted field that never closes and runs over later lines is a
   * UserError (those lines would be read as part of it). Off for samples, which may end inside a quoted field.
   * `tailFrom`: a row with more fields than this gets its `tail` (the fields from number tailFrom on, as written).
   */
  constructor(readonly delimiter: string, private readonly file = 'input', private readonly refuseUnclosed = false, private readonly tailFrom?: number) {
    const d = delimiter === '\t' ? '\\t' : delimiter.replace(/[|\\^$.*+?()[\]{}]/g, '\\$&');
    this.stop = new RegExp(`[${d}\\r\\n]`, 'g');
  }

  /** Feeds a chunk; returns the rows completed by it (blank lines are skipped but counted). */
  push(chunk: string): CsvRow[] {
    this.buf += chunk;
    return this.drain(false);
  }

  /** Ends the input; returns the last row if any. */
  end(): CsvRow[] {
    const rows = this.drain(true);
    this.buf = '';
    return rows;
  }

  private drain(final: boolean): CsvRow[] {
    const rows: CsvRow[] = [];
    let pos = 0;
    const s = this.buf;
    while (pos < s.length) {
      const rec = this.parseRecord(s, pos, final);
      if (!rec) break;
      if (!(rec.cells.length === 1 && rec.cells[0] === '' && !rec.quoted)) rows.push(rec.tail ? { cells: rec.cells, line: this.line, tail: rec.tail } : { cells: rec.cells, line: this.line });
      this.line += rec.lineBreaks;
      pos = rec.end;
    }
    this.buf = s.slice(pos);
    if (this.buf.length > MAX_RECORD_CHARS) {
      throw new UserError(`${this.file}: a quoted field starting at line ${this.line} never ends (unbalanced double quote); fix the quote or save the file again as CSV`);
    }
    return rows;
  }

  /** The tail of a record wider than tailFrom fields (CsvRow.tail), from `start` to `end` in `s`. */
  private tail(s: string, start: number, end: number, cells: string[], quoted: boolean): CsvRow['tail'] | undefined {
    return start >= 0 && cells.length > this.tailFrom! ? { text: s.slice(start, end).trim(), quoted } : undefined;
  }

  /** Parses one record starting at `pos`; null when it is incomplete and more input may come. */
  private parseRecord(s: string, pos: number, final: boolean): { cells: string[]; end: number; lineBreaks: number; quoted: boolean; tail?: CsvRow['tail'] } | null {
    const cells: string[] = [];
    const d = this.delimiter;
    let i = pos;
    let breaks = 0;
    let quoted = false;
    // where field number tailFrom - 1 starts, and whether it or a later field was quoted
    const tailAt = this.tailFrom === undefined ? -1 : this.tailFrom - 1;
    let tailStart = -1;
    let tailQuoted = false;
    for (;;) {
      if (cells.length === tailAt) tailStart = i;
      // Stray spaces before a field (and before an opening quote).
      while (i < s.length && (s[i] === ' ' || (s[i] === '\t' && d !== '\t'))) i++;
      let value: string;
      if (s[i] === '"') {
        quoted = true;
        if (tailStart >= 0) tailQuoted = true;
        i++;
        let parts = '';
        let segStart = i;
        let closed = false;
        for (;;) {
          const j = s.indexOf('"', i);
          if (j < 0) {
            if (!final) return null;
            // never closed: every line after it would become part of this one field (one item)
            const end = s.endsWith('\r\n') ? s.length - 2 : /[\r\n]$/.test(s) ? s.length - 1 : s.length;
            if (this.refuseUnclosed && countLineBreaks(s, i, end) > 0) {
              throw new UserError(`${this.file}: a quoted field that starts at line ${this.line + breaks} is never closed, so the rest of the file would be read as part of it. Fix the quoting (a quote inside a quoted field is written as "").`);
            }
            breaks += countLineBreaks(s, i, s.length);
            parts += s.slice(segStart);
            i = s.length;
            break;
          }
          if (j + 1 >= s.length && !final) return null; // can't tell "" from a closing quote yet
          breaks += countLineBreaks(s, i, j);
          if (s[j + 1] === '"') {
            parts += s.slice(segStart, j + 1);
            i = j + 2;
            segStart = i;
            continue;
          }
          parts += s.slice(segStart, j);
          i = j + 1;
          closed = true;
          break;
        }
        value = parts;
        if (closed) {
          // Anything between the closing quote and the delimiter is kept as written (lenient: `"Quoted" and more` is
          // `Quoted and more`, as spreadsheets read it); spaces before the delimiter dropped.
          this.stop.lastIndex = i;
          const m = this.stop.exec(s);
          const k = m ? m.index : s.length;
          if (!m && !final) return null;
          const extra = s.slice(i, k).trimEnd();
          if (extra.trim()) {
            value += extra;
            if (this.joinedRowsAt === undefined && /[\r\n]/.test(parts)) this.joinedRowsAt = this.line;
          }
          i = k;
        }
      } else {
        this.stop.lastIndex = i;
        const m = this.stop.exec(s);
        if (!m && !final) return null;
        const k = m ? m.index : s.length;
        value = s.slice(i, k).trim();
        i = k;
      }
      cells.push(value);
      if (i >= s.length) return { cells, end: s.length, lineBreaks: breaks, quoted, tail: this.tail(s, tailStart, s.length, cells, tailQuoted) };
      const c = s[i];
      if (c === d) {
        i++;
        if (i >= s.length && !final) return null;
        if (i >= s.length) {
          cells.push('');
          return { cells, end: i, lineBreaks: breaks, quoted, tail: this.tail(s, tailStart, i, cells, tailQuoted) };
        }
        continue;
      }
      if (c === '\r') {
        if (i + 1 >= s.length && !final) return null;
        const end = s[i + 1] === '\n' ? i + 2 : i + 1;
        return { cells, end, lineBreaks: breaks + 1, quoted, tail: this.tail(s, tailStart, i, cells, tailQuoted) };
      }
      // '\n'
      return { cells, end: i + 1, lineBreaks: breaks + 1, quoted, tail: this.tail(s, tailStart, i, cells, tailQuoted) };
    }
  }
}

/** Parses a whole string (the sample); the last row is dropped when `partial` (it may be cut off). */
export function parseCsvText(text: string, delimiter: string, partial = false, maxRows = Infinity): CsvRow[] {
  const p = new CsvParser(delimiter);
  if (partial) {
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    text = cut >= 0 ? text.slice(0, cut + 1) : '';
  }
  // Large samples: parse in slices to stop early.
  const rows: CsvRow[] = [];
  const step = 64 * 1024;
  for (let o = 0; o < text.length && rows.length < maxRows; o += step) rows.push(...p.push(text.slice(o, o + step)));
  if (rows.length < maxRows) rows.push(...p.end());
  return rows.slice(0, maxRows);
}

/**
 * Picks the delimiter (, ; tab |) whose rows have the most consistent number of fields (> 1).
 * `preferred` wins ties (tab for .tsv files).
 */
export function detectDelimiter(sample: string, preferred = ','): string {
  let best = preferred;
  let bestScore = -1;
  for (const d of DELIMITERS) {
    let rows: CsvRow[];
    try {
      rows = parseCsvText(sample.slice(0, 256 * 1024), d, sample.length > 256 * 1024, 200);
    } catch {
      continue;
    }
    if (!rows.length) continue;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r.cells.length, (counts.get(r.cells.length) ?? 0) + 1);
    let mode = 1, modeN = 0;
    for (const [c, n] of counts) if (n > modeN || (n === modeN && c > mode)) (mode = c), (modeN = n);
    if (mode < 2) continue;
    const consistency = modeN / rows.length;
    // Consistency first; more columns as a mild tie-breaker; preferred delimiter gets a small bonus.
    const score = consistency * 10 + Math.min(mode, 20) * 0.01 + (d === preferred ? 0.05 : 0);
    if (score > bestScore) (bestScore = score), (best = d);
  }
  return best;
}

export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '|' ? 'pipe' : JSON.stringify(d);
}

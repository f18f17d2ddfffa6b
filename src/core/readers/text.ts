// Plain text and Markdown: one item per non-empty line, or one per blank-line-separated paragraph when
// the file is written that way. Markdown headings, code fences, front matter and rules are skipped; list
// bullets, checkboxes and quote markers are stripped; tables are read by the rule of readTable below.
import type { FeedbackItem } from '../types';
import { detectRoles, inferColumns, isNumeric, uniqueNames } from './columns';
import { lineBatches, type OpenedText } from './decode';

const BULLET_RE = /^\s*(?:(?:[-*+•·●▪◦‣]|\d{1,3}[.)]|[a-z][.)])\s+|\d{1,3}、\s*|[•·●▪◦‣])(?:\[[ xX]\]\s*)?/;
const QUOTE_RE = /^\s*(?:>\s?)+/;
const MAX_ITEM_CHARS = 20000;
const MAX_BLOCK_LINES = 200;

export interface TextLine {
  line: number;
  text: string;
  bullet: boolean;
  indented: boolean;
  /** A Markdown table row. */
  table?: boolean;
  /** A Markdown line holding a "|": its cells (a table row's, or a header row's written without outer pipes). */
  cells?: string[];
}

/** A GFM table's delimiter row: "|---|:--:|", "---|---", "|-|-|" (a "|" in it; "---" alone is a rule). */
const TABLE_SEPARATOR_RE = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$/;
/** An unescaped "|" ("\|" is a pipe inside a cell). */
const CELL_PIPE_RE = /(?<!\\)\|/;

/** The cells of a table row: outer pipes dropped, split at unescaped ones, inline Markdown as plain text. */
function tableCells(s: string): string[] {
  let t = s.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  return t.split(/(?<!\\)\|/).map((c) => stripInlineMarkdown(c.replace(/\\\|/g, '|').trim()).trim());
}

/** Markdown emphasis, code spans, links and images as their plain text ("**Pro**" -> "Pro", "[docs](https://…)" -> "docs"). */
export function stripInlineMarkdown(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '$1')
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*]*?[^\s*])?\*(?![\w*])/g, (_m, a: string, b: string | undefined) => `${a}${b ?? ''}`)
    .replace(/(^|[^\w_])_(?=[^\s_])([^_]*?[^\s_])?_(?![\w_])/g, (_m, a: string, b: string | undefined) => `${a}${b ?? ''}`);
}

/** Filters one file's lines: Markdown structure removed; returns null for lines that are not content, '' for blank ones. */
export class LineCleaner {
  /** The line of the last Markdown table separator ("|---|---|"): the row above it is the table's header, not feedback. */
  tableSeparatorAt = 0;
  private inFence: string | null = null;
  private inFrontMatter = false;
  private inComment = false;
  private first = true;
  /** Below a table separator, until a line that is no row: rows need no outer pipes ("SSO | 12"). */
  private inTable = false;
  constructor(private readonly markdown: boolean) {}

  clean(raw: string, line: number): TextLine | null | '' {
    const l = this.cleanLine(raw, line);
    if (!(l && l.table) && this.tableSeparatorAt !== line) this.inTable = false;
    return l;
  }

  private cleanLine(raw: string, line: number): TextLine | null | '' {
    const first = this.first;
    this.first = false;
    let s = first ? raw.replace(/^\uFEFF/, '') : raw;
    if (this.markdown) {
      const t = s.trim();
      if (first && t === '---') {
        this.inFrontMatter = true;
        return null;
      }
      if (this.inFrontMatter) {
        if (t === '---' || t === '...') this.inFrontMatter = false;
        return null;
      }
      const fence = /^(```|~~~)/.exec(t);
      if (this.inFence) {
        if (fence && t.startsWith(this.inFence)) this.inFence = null;
        return null;
      }
      if (fence) {
        this.inFence = fence[1];
        return null;
      }
      if (this.inComment) {
        if (t.includes('-->')) this.inComment = false;
        return null;
      }
      if (t.startsWith('<!--')) {
        if (!t.includes('-->')) this.inComment = true;
        return null;
      }
      if (/^#{1,6}(\s|$)/.test(t)) return null; // heading
      const unquoted = t.replace(QUOTE_RE, '');
      if (unquoted.includes('|') && TABLE_SEPARATOR_RE.test(unquoted)) {
        this.tableSeparatorAt = line; // table separator
        this.inTable = true;
        return null;
      }
      if (/^([-*_=]\s*){3,}$/.test(t)) return null; // rule or setext underline
    }
    if (!s.trim()) return '';
    const indented = /^(\s{2,}|\t)/.test(s);
    if (this.markdown) s = s.replace(QUOTE_RE, '');
    const m = BULLET_RE.exec(s);
    const bullet = !!m && m[0].trim().length > 0;
    if (bullet) s = s.slice(m![0].length);
    s = s.trim();
    const piped = this.markdown && CELL_PIPE_RE.test(s);
    const tableRow = piped && s.length > 1 && (s.startsWith('|') || /(?<!\\)\|$/.test(s) || this.inTable);
    const cells = piped ? tableCells(s) : undefined;
    if (tableRow) s = cells!.filter(Boolean).join(' — ');
    if (this.markdown) s = stripInlineMarkdown(s).trim();
    if (!s) return '';
    // Table rows and quoted lines start items of their own, like bullets.
    return { line, text: s, bullet: bullet || tableRow || (this.markdown && QUOTE_RE.test(raw)), indented, ...(tableRow ? { table: true } : {}), ...(cells ? { cells } : {}) };
  }
}

function endsSentence(s: string): boolean {
  return /[.!?。！？…"'”’)）]$/.test(s);
}

/**
 * Decides from the start of the file whether blank lines separate multi-line paragraphs
 * (one item per paragraph) or the file is one item per line.
 */
export function detectParagraphMode(sample: string, markdown: boolean, sampleIsWhole: boolean): boolean {
  const lines = sample.split(/\r\n|\n|\r/);
  if (!sampleIsWhole) lines.pop();
  const cleaner = new LineCleaner(markdown);
  const blocks: TextLine[][] = [];
  let cur: TextLine[] = [];
  let blanks = 0;
  lines.forEach((raw, i) => {
    const l = cleaner.clean(raw, i + 1);
    if (l === null) return;
    if (l === '') {
      blanks++;
      if (cur.length) blocks.push(cur);
      cur = [];
      return;
    }
    cur.push(l);
  });
  if (cur.length) blocks.push(cur);
  if (blocks.length < 2 || blanks === 0) return false;
  const prose = blocks.filter((b) => !b.every((l) => l.bullet));
  const multi = prose.filter((b) => b.length > 1);
  if (!multi.length) return false;
  let breaks = 0, continuations = 0;
  for (const b of multi) {
    for (let i = 1; i < b.length; i++) {
      if (b[i].bullet) continue;
      breaks++;
      if (!endsSentence(b[i - 1].text) || /^[a-z,;]/.test(b[i].text)) continuations++;
    }
  }
  const meanSize = prose.reduce((a, b) => a + b.length, 0) / prose.length;
  return (meanSize <= 3 && multi.length >= 2) || (breaks > 0 && continuations / breaks >= 0.5);
}

/**
 * Markdown tables, read as a PM reads them. Interview notes and feedback docs hold tables of counts and plans
 * ("| Feature | Votes |", "| Owner | Item |") that are no customer's words, and tables of quotes
 * ("| Customer | Quote |") that are. So:
 * - the separator row ("|---|---|") and the header row above it are never items;
 * - a table's rows are items only when one of its columns holds the customers' words: a column named like text
 *   ("Quote", "Feedback", "Comment", "Verbatim", "评论": the names the CSV reader knows) whose cells are at least two
 *   words, or a column whose cells are sentences (most of them five words or more, or three ending in ".", "!", "?");
 * - a table of counts (a column of numbers named "Votes", "Count", "Mentions", "#", "%", "Users"…) is a tally: its
 *   labels are no items even when they are long; only a text-named column of sentences ("| Example quote | Mentions |")
 *   is read from it;
 * - a table that is read gives one item per row: the text is that column's cell, the other cells are the item's
 *   fields (named by the header); a row with that cell empty gives none.
 * Each file's tables read and skipped are named in a warning (line, columns), so the choice is never silent.
 * The decision is made on a table's first MAX_TABLE_SAMPLE rows; a longer table's further rows stream through.
 */
const MAX_TABLE_SAMPLE = 200;
const COUNT_NAME_RE = /(^|[^\p{L}])(#|n|no|count|counts|votes?|upvotes?|mentions?|requests|requesters|total|users|customers|accounts|tickets|times|frequency|share|percent|percentage|pct)([^\p{L}]|$)|%|次数|数量|票数|人数|占比/iu;

interface TableRow {
  line: number;
  cells: string[];
}

interface MdTable {
  /** The header's line, or the first row's. */
  line: number;
  /** The header's cells (a table with a separator). */
  header?: string[];
  rows: TableRow[];
  /** Rows seen (those streamed through after the decision too). */
  count: number;
  /** Decided (after MAX_TABLE_SAMPLE rows): the names and the text column's index, or null when skipped. */
  decided?: { names: string[]; text: number } | null;
}

/**
 * CJK ideographs, kana (with the prolonged sound mark of katakana words, コーヒー) and hangul: two of them count as
 * one word.
 */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/gu;

/**
 * Words in `s`: its whitespace-separated words that hold a letter or a digit (a "-" or "…" is none), plus one per two
 * CJK characters. The one count for the readers (a Markdown table's text column) and generate (a quote long enough to
 * check).
 */
export function wordCount(s: string): number {
  const cjk = s.match(CJK_CHAR)?.length ?? 0;
  const rest = cjk ? s.replace(CJK_CHAR, ' ') : s;
  return rest.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length + Math.floor(cjk / 2);
}

/** Most of the cells are sentences: five words or more, or three ending in sentence punctuation (a CJK word is about two characters). */
function sentences(vals: readonly string[]): boolean {
  const n = vals.filter((v) => wordCount(v) >= 5 || (wordCount(v) >= 3 && /[.!?。！？…]["'”’)）]*$/u.test(v))).length;
  return vals.length > 0 && n * 2 >= vals.length;
}

/** The table's names and the index of the column holding the customers' words, or null (see the rule above). */
function readTable(t: MdTable): { names: string[]; text: number } | null {
  const width = Math.max(t.header?.length ?? 0, ...t.rows.map((r) => r.cells.length));
  const names = uniqueNames(Array.from({ length: width }, (_, i) => t.header?.[i] ?? ''));
  const data = t.rows.map((r) => names.map((_, j) => r.cells[j] ?? ''));
  if (!data.length) return null;
  const columns = inferColumns(names, data);
  const roles = detectRoles(columns, data.length);
  const filled = (j: number) => data.map((r) => r[j]).filter(Boolean);
  // a column of counts: numbers under a count's name, not the rows' numbers ("| # | Quote |" over 1, 2, 3)
  const counts = (vals: string[]) => vals.length > 0 && vals.every((v) => isNumeric(v.replace(/^[~≈]/, ''))) && !vals.every((v, i) => v === String(i + 1));
  const tally = (j: number) => columns.some((c) => c.index !== j && !!t.header?.[c.index] && COUNT_NAME_RE.test(c.name) && counts(data.map((r) => r[c.index])));
  for (const name of roles.candidates) {
    const c = columns.find((x) => x.name === name)!;
    const vals = filled(c.index);
    const named = !!t.header && c.textHint === 'name';
    const phrases = vals.filter((v) => wordCount(v) >= 2).length * 2 >= vals.length;
    if (tally(c.index) ? named && sentences(vals) : (named && phrases) || sentences(vals)) return { names, text: c.index };
  }
  return null;
}

/** Streams items of a .txt/.md file in batches. */
export async function* textItems(
  opened: OpenedText,
  source: string,
  opts: { markdown: boolean; batchSize: number; signal?: AbortSignal; paragraphs?: boolean; warnings?: string[] },
): AsyncGenerator<{ items: FeedbackItem[]; bytesDone: number }> {
  const paragraphs = opts.paragraphs ?? detectParagraphMode(opened.sample, opts.markdown, opened.sampleIsWhole);
  const cleaner = new LineCleaner(opts.markdown);
  let out: FeedbackItem[] = [];
  let block: TextLine[] = [];

  // items cut to MAX_ITEM_CHARS: counted and said in a warning, never silently
  let cut = 0;
  let firstCut = 0;
  const capped = (text: string, line: number) => {
    if (text.length <= MAX_ITEM_CHARS) return text;
    if (!cut++) firstCut = line;
    // not inside a surrogate pair
    const end = /[\uD800-\uDBFF]/.test(text[MAX_ITEM_CHARS - 1]) ? MAX_ITEM_CHARS - 1 : MAX_ITEM_CHARS;
    return text.slice(0, end);
  };
  const emit = (line: number, parts: string[]) => {
    const text = capped(parts.join(' ').replace(/\s+/g, ' ').trim(), line);
    if (text) out.push({ source, line, text });
  };
  const flushBlock = () => {
    if (!block.length) return;
    let cur: TextLine[] = [];
    const push = () => {
      if (cur.length) emit(cur[0].line, cur.map((l) => l.text));
      cur = [];
    };
    for (const l of block) {
      // New item: a bullet, or every line in line mode unless it continues a bullet (indented).
      const continuesBullet = l.indented && !l.bullet && cur.length > 0 && cur[0].bullet;
      if (l.bullet || (!paragraphs && !continuesBullet)) push();
      cur.push(l);
    }
    push();
    block = [];
  };
  const take = (l: TextLine | '') => {
    if (l === '') flushBlock();
    else {
      block.push(l);
      if (!paragraphs || block.length >= MAX_BLOCK_LINES) {
        // In line mode only a bullet continuation can span lines; keep the block short.
        if (!paragraphs && !(l.bullet || (l.indented && block.length > 1))) flushBlock();
        else if (block.length >= MAX_BLOCK_LINES) flushBlock();
      }
    }
  };

  // Markdown tables (see readTable): the open one, a line holding "|" that a separator below may make a header, and
  // what became of each table, for the warnings.
  let table: MdTable | undefined;
  let held: TextLine | undefined;
  const tablesRead: string[] = [];
  const tablesSkipped: string[] = [];
  let tablesReadCount = 0, tablesSkippedCount = 0;
  const rowItem = (r: TableRow, d: { names: string[]; text: number }) => {
    const text = capped((r.cells[d.text] ?? '').replace(/\s+/g, ' ').trim(), r.line);
    if (!text) return;
    const fields: Record<string, string> = {};
    const width = Math.max(d.names.length, r.cells.length);
    for (let j = 0; j < width; j++) if (j !== d.text) fields[d.names[j] ?? `c${j}`] = r.cells[j] ?? '';
    out.push({ source, line: r.line, text, fields });
  };
  const decide = (t: MdTable) => {
    if (t.decided !== undefined) return t.decided;
    t.decided = readTable(t);
    for (const r of t.rows) if (t.decided) rowItem(r, t.decided);
    t.rows = [];
    return t.decided;
  };
  const closeTable = () => {
    const t = table;
    table = undefined;
    if (!t || (t.count === 0 && !t.rows.length)) return; // a header alone: nothing to read
    const d = decide(t);
    const rows = `${t.count} row${t.count === 1 ? '' : 's'}`;
    if (d) {
      tablesReadCount++;
      if (tablesRead.length < 3) tablesRead.push(`line ${t.line}: text from ${t.header ? `its ${JSON.stringify(d.names[d.text])} column` : `its column ${d.text + 1}`}, ${rows}`);
    } else {
      tablesSkippedCount++;
      if (tablesSkipped.length < 3) tablesSkipped.push(`line ${t.line}: ${t.header ? t.header.filter(Boolean).join(' | ') || 'no column names' : 'no header'}, ${rows}`);
    }
  };
  const addRow = (l: TextLine) => {
    if (!table) {
      flushBlock();
      table = { line: l.line, rows: [], count: 0 };
    }
    table.count++;
    const r = { line: l.line, cells: l.cells ?? [l.text] };
    if (table.decided) rowItem(r, table.decided);
    else if (table.decided === undefined) {
      table.rows.push(r);
      if (table.rows.length >= MAX_TABLE_SAMPLE) decide(table);
    }
  };
  const separator = (lineNo: number) => {
    const top = table?.rows[table.rows.length - 1];
    if (table && !table.header && table.decided === undefined && top && top.line === lineNo - 1) {
      // the row above is the header: of a new table when pipe rows came before it
      table.rows.pop();
      table.count--;
      closeTable();
      flushBlock();
      table = { line: top.line, header: top.cells, rows: [], count: 0 };
    } else if (held && held.line === lineNo - 1) {
      flushBlock();
      table = { line: held.line, header: held.cells, rows: [], count: 0 };
      held = undefined;
    } else if (!table) {
      flushBlock();
      table = { line: lineNo, rows: [], count: 0 };
    }
  };
  const release = () => {
    if (held) take(held);
    held = undefined;
  };

  let bytesDone = 0;
  for await (const batch of lineBatches(opened, opts.signal)) {
    bytesDone = batch.bytesDone;
    for (let i = 0; i < batch.lines.length; i++) {
      const lineNo = batch.firstLine + i;
      const l = cleaner.clean(batch.lines[i], lineNo);
      if (l === null && cleaner.tableSeparatorAt === lineNo) separator(lineNo);
      else {
        release();
        if (l && l.table) addRow(l);
        else {
          closeTable();
          // a line with a "|" but no outer pipes ("Feature | Votes") is a header when a separator follows
          if (l && l.cells) held = l;
          else if (l !== null) take(l);
        }
      }
      if (out.length >= opts.batchSize) {
        yield { items: out, bytesDone };
        out = [];
      }
    }
  }
  release();
  closeTable();
  flushBlock();
  if (tablesSkippedCount) {
    const n = tablesSkippedCount;
    opts.warnings?.push(
      `${source}: ${n === 1 ? 'a Markdown table was' : `${n} Markdown tables were`} not read as feedback (${tablesSkipped.join('; ')}${n > tablesSkipped.length ? '; …' : ''}): a table's rows are items only when a column holds the customers' words (named like "Quote", "Feedback" or "Comment", or written as sentences), not in a table of counts ("Votes", "Mentions", "#")`,
    );
  }
  if (cut) {
    opts.warnings?.push(
      `${source}: ${cut === 1 ? 'an item' : `${cut} items`} longer than ${MAX_ITEM_CHARS.toLocaleString('en-US')} characters (first at line ${firstCut}) ${cut === 1 ? 'was' : 'were'} cut to ${cut === 1 ? 'its' : 'their'} first ${MAX_ITEM_CHARS.toLocaleString('en-US')}; split such a text into shorter paragraphs to analyze all of it`,
    );
  }
  if (tablesReadCount) {
    const n = tablesReadCount;
    opts.warnings?.push(`${source}: ${n === 1 ? 'a Markdown table was' : `${n} Markdown tables were`} read one item per row (${tablesRead.join('; ')}${n > tablesRead.length ? '; …' : ''}); the other columns are the items' fields`);
  }
  if (out.length) yield { items: out, bytesDone: opened.bytesTotal };
}

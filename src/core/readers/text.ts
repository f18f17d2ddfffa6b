// Plain text and Markdown: one item per non-empty line, or one per blank-line-separated paragraph when
// the file is written that way. Markdown headings, code fences, front matter, rules and table
// separators are skipped; list bullets, checkboxes and quote markers are stripped.
import type { FeedbackItem } from '../types';
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
  constructor(private readonly markdown: boolean) {}

  clean(raw: string, line: number): TextLine | null | '' {
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
      if (/^([-*_=]\s*){3,}$/.test(t)) return null; // rule or setext underline
      if (/^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/.test(t)) {
        this.tableSeparatorAt = line; // table separator
        return null;
      }
    }
    if (!s.trim()) return '';
    const indented = /^(\s{2,}|\t)/.test(s);
    if (this.markdown) s = s.replace(QUOTE_RE, '');
    const m = BULLET_RE.exec(s);
    const bullet = !!m && m[0].trim().length > 0;
    if (bullet) s = s.slice(m![0].length);
    s = s.trim();
    const tableRow = this.markdown && s.startsWith('|') && s.endsWith('|') && s.length > 1;
    if (tableRow) s = s.slice(1, -1).split('|').map((x) => x.trim()).filter(Boolean).join(' — ');
    if (this.markdown) s = stripInlineMarkdown(s).trim();
    if (!s) return '';
    // Table rows and quoted lines start items of their own, like bullets.
    return { line, text: s, bullet: bullet || tableRow || (this.markdown && QUOTE_RE.test(raw)), indented, ...(tableRow ? { table: true } : {}) };
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

/** Streams items of a .txt/.md file in batches. */
export async function* textItems(
  opened: OpenedText,
  source: string,
  opts: { markdown: boolean; batchSize: number; signal?: AbortSignal; paragraphs?: boolean },
): AsyncGenerator<{ items: FeedbackItem[]; bytesDone: number }> {
  const paragraphs = opts.paragraphs ?? detectParagraphMode(opened.sample, opts.markdown, opened.sampleIsWhole);
  const cleaner = new LineCleaner(opts.markdown);
  let out: FeedbackItem[] = [];
  let block: TextLine[] = [];

  const emit = (line: number, parts: string[]) => {
    let text = parts.join(' ').replace(/\s+/g, ' ').trim();
    if (text.length > MAX_ITEM_CHARS) text = text.slice(0, MAX_ITEM_CHARS);
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

  let bytesDone = 0;
  for await (const batch of lineBatches(opened, opts.signal)) {
    bytesDone = batch.bytesDone;
    for (let i = 0; i < batch.lines.length; i++) {
      const lineNo = batch.firstLine + i;
      const l = cleaner.clean(batch.lines[i], lineNo);
      if (l === null) continue;
      // A table's header row ("| Owner | Item |", the line above its separator) names the columns of the rows below
      // it: once a row follows, the header is no feedback (a table of one row, its header, is kept).
      const top = block[block.length - 1];
      if (l && l.table && cleaner.tableSeparatorAt === lineNo - 1 && top?.table && top.line === lineNo - 2) block.pop();
      if (l === '') flushBlock();
      else {
        block.push(l);
        if (!paragraphs || block.length >= MAX_BLOCK_LINES) {
          // In line mode only a bullet continuation can span lines; keep the block short.
          if (!paragraphs && !(l.bullet || (l.indented && block.length > 1))) flushBlock();
          else if (block.length >= MAX_BLOCK_LINES) flushBlock();
        }
      }
      if (out.length >= opts.batchSize) {
        yield { items: out, bytesDone };
        out = [];
      }
    }
  }
  flushBlock();
  if (out.length) yield { items: out, bytesDone: opened.bytesTotal };
}

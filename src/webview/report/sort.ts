// How the Report view's items table sorts (pure: no DOM, so it is unit-tested in node).
import { SENTIMENTS, type ReportItem, type SentimentFilter } from './messages';

export type SortKey = 'label' | 'score' | 'text' | 'source' | 'date';
export const SORT_KEYS: readonly SortKey[] = ['label', 'score', 'text', 'source', 'date'];
export interface SortState {
  sort: SortKey;
  desc: boolean;
}
/** File order: by source file, then line (the order the report lists its items in). */
export const DEFAULT_SORT: SortState = { sort: 'source', desc: false };

/** A saved sort (webview state of an older version may hold keys that no longer exist, e.g. 'order'). */
export function restoreSort(saved: unknown): SortState {
  const s = (saved && typeof saved === 'object' ? saved : {}) as { sort?: unknown; desc?: unknown };
  if (!SORT_KEYS.includes(s.sort as SortKey)) return { ...DEFAULT_SORT };
  return { sort: s.sort as SortKey, desc: s.desc === true };
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

type Cmp = (a: ReportItem, b: ReportItem) => number;

/** The column's order (ascending); the direction reverses it. */
const CMP: Record<SortKey, Cmp> = {
  label: (a, b) => SENTIMENTS.indexOf(a.label) - SENTIMENTS.indexOf(b.label),
  score: (a, b) => a.score - b.score,
  text: (a, b) => collator.compare(a.text.trim(), b.text.trim()),
  source: (a, b) => collator.compare(a.source, b.source) || a.line - b.line,
  date: (a, b) => (a.date ?? '').localeCompare(b.date ?? ''),
};

/**
 * What comes before the column's order, whichever the direction: rows with no date go after the dated ones, newest or
 * oldest first (an undated row is not the oldest).
 */
const FIRST: Partial<Record<SortKey, Cmp>> = {
  date: (a, b) => (a.date ? 0 : 1) - (b.date ? 0 : 1),
};

/**
 * Within a column's ties, whichever the direction: each sentiment's most confident items first ("positive first" opens
 * on the clearest praise, not on the positives the model was least sure of).
 */
const THEN: Partial<Record<SortKey, Cmp>> = {
  label: (a, b) => b.score - a.score,
};

const NONE: Cmp = () => 0;

/** Sorts a copy of `items` by `s`; ties keep the report's order (item index), whichever the direction. */
export function sortItems(items: readonly ReportItem[], s: SortState): ReportItem[] {
  const dir = s.desc ? -1 : 1;
  const key = CMP[s.sort] ? s.sort : 'source';
  const cmp = CMP[key];
  const first = FIRST[key] ?? NONE;
  const then = THEN[key] ?? NONE;
  return [...items].sort((a, b) => first(a, b) || dir * cmp(a, b) || then(a, b) || a.i - b.i);
}

/** The sort a click on column `key`'s header gives: the other direction on the sorted column, else its natural one. */
export function nextSort(s: SortState, key: SortKey): SortState {
  if (s.sort === key) return { sort: key, desc: !s.desc };
  return { sort: key, desc: key === 'score' };
}

const DIRECTION: Record<SortKey, [asc: string, desc: string]> = {
  label: ['negative first', 'positive first'],
  score: ['lowest first', 'highest first'],
  text: ['A to Z', 'Z to A'],
  source: ['in file order (file, then line)', 'in reverse file order'],
  date: ['oldest first', 'newest first'],
};

const SORT_NAMES: Record<SortKey, string> = { label: 'sentiment', score: 'score', text: 'text', source: 'source', date: 'date' };

/** The order of a sort in words: "by score, highest first"; by source: "in file order", "in reverse file order". */
export function orderText(s: SortState): string {
  if (s.sort === 'source') return s.desc ? 'in reverse file order' : 'in file order';
  return `by ${SORT_NAMES[s.sort] ?? s.sort}, ${DIRECTION[s.sort]?.[s.desc ? 1 : 0] ?? ''}`;
}

/** The header button's tooltip: how the table is sorted now (if by this column), and what a click does. */
export function sortTitle(s: SortState, key: SortKey, label: string): string {
  const next = nextSort(s, key);
  const what = `Sort by ${label.toLowerCase()}, ${DIRECTION[key][next.desc ? 1 : 0]}`;
  return s.sort === key ? `Sorted by ${label.toLowerCase()}, ${DIRECTION[key][s.desc ? 1 : 0]}. Click: ${what.charAt(0).toLowerCase()}${what.slice(1)}` : what;
}

/** The arrow shown after the sorted column's name. */
export function sortIndicator(s: SortState, key: SortKey): string {
  return s.sort === key ? (s.desc ? ' ▾' : ' ▴') : '';
}

export function ariaSort(s: SortState, key: SortKey): 'ascending' | 'descending' | 'none' {
  return s.sort === key ? (s.desc ? 'descending' : 'ascending') : 'none';
}

/** The test of the filter's text on an item, one for the table's rows and the host's search of every row of the CSV. */
export interface SearchMatcher {
  /** The query has no text: every item matches. */
  readonly everything: boolean;
  /** On an item's text and source (as the view shows it) lower-cased with toLowerCase (callers testing many items lower-case each once). */
  lower(text: string, source: string): boolean;
  /** On an item as it is. */
  item(item: Pick<ReportItem, 'text' | 'source'>): boolean;
}

/**
 * The search box's test of an item: its text or source contains the query, case aside. A theme named in two languages
 * ("login / 登录", clicked in Themes) matches either name; `themes` are the report's themes: a query that is a theme's
 * name matches any of its variants as written ("notes" finds "note" and 笔记 too). The only matcher there is: the
 * table's rows (ItemIndex) and the host's search of every row of a larger report (reportData's searchReport) both use
 * it, so the two cannot disagree on what matches.
 */
export function searchMatcher(query: string, themes: readonly { term: string; variants?: string[] }[] = []): SearchMatcher {
  const alternatives = searchAlternatives(query, themes);
  const everything = !alternatives.length;
  const lower = (text: string, source: string): boolean => {
    if (everything) return true;
    for (const a of alternatives) if (text.includes(a) || source.includes(a)) return true;
    return false;
  };
  return { everything, lower, item: (it) => everything || lower(it.text.toLowerCase(), it.source.toLowerCase()) };
}

/**
 * The names whose variants a query finds (searchAlternatives): the report's themes and the product itself ("book"
 * finds "books" too, as the theme list's buttons do). The table and the host's search of every row both use it.
 */
export function searchThemes(r: { themes: readonly { term: string; variants?: string[] }[]; productThemes?: readonly { term: string; variants?: string[] }[] }): { term: string; variants?: string[] }[] {
  return [...r.themes, ...(r.productThemes ?? [])];
}

/** The lower-cased strings a query finds (none: every item): its names split at " / ", a theme's variants. */
export function searchAlternatives(query: string, themes: readonly { term: string; variants?: string[] }[] = []): string[] {
  const q = query.trim().toLowerCase();
  const theme = themes.find((t) => t.term.toLowerCase() === q);
  return [...new Set([...q.split(' / '), ...(theme?.variants ?? []).map((v) => v.toLowerCase())].map((a) => a.trim()).filter(Boolean))];
}

/**
 * The table's rows of one report for a sort, a sentiment filter and a search (sortItems, searchMatcher),
 * without their cost on every keystroke: each sort is computed once (then filtered, which keeps its order), and the
 * lower-cased text and source of every item are made once. With 5,000 items a keystroke sorted them all again
 * (Intl.Collator on every text) and lower-cased every text: 80-120 ms, now a few.
 */
export class ItemIndex {
  private readonly sorted = new Map<string, ReportItem[]>();
  private readonly text: string[];
  private readonly source: string[];
  /** Position of each item in `items` (item.i is its index in the report, usually the same). */
  private readonly pos = new Map<ReportItem, number>();

  constructor(readonly items: readonly ReportItem[]) {
    this.text = items.map((it) => it.text.toLowerCase());
    this.source = items.map((it) => it.source.toLowerCase());
    items.forEach((it, i) => this.pos.set(it, i));
  }

  /** Every item in the order `s` gives (kept for the next call with the same sort). */
  sortedBy(s: SortState): readonly ReportItem[] {
    const key = `${s.sort}:${s.desc}`;
    let rows = this.sorted.get(key);
    if (!rows) this.sorted.set(key, (rows = sortItems(this.items, s)));
    return rows;
  }

  /** The items shown: label `filter` (or all), containing one of the query's alternatives (searchAlternatives), sorted by `s`. */
  rows(s: SortState, filter: SentimentFilter, query: string, themes: readonly { term: string; variants?: string[] }[] = []): readonly ReportItem[] {
    const matcher = searchMatcher(query, themes);
    const all = this.sortedBy(s);
    if (filter === 'all' && matcher.everything) return all;
    return all.filter((it) => {
      if (filter !== 'all' && it.label !== filter) return false;
      const p = this.pos.get(it)!;
      return matcher.lower(this.text[p], this.source[p]);
    });
  }
}

/**
 * Where the filter's text occurs in `text`, as searchMatcher finds it (any of searchAlternatives: a name of a two-name
 * theme, a theme's variants; case aside): [start, end) offsets into `text` itself, sorted, overlaps merged. The table
 * marks them in each row. Lower-casing may change a text's length ("İ" is two code units lower-cased): offsets are
 * mapped back, so a mark never cuts a character.
 */
export function matchRanges(text: string, query: string, themes: readonly { term: string; variants?: string[] }[] = []): [number, number][] {
  const alternatives = searchAlternatives(query, themes);
  if (!alternatives.length || !text) return [];
  // the lower-cased text, and for each of its code units the offsets in `text` of the character it came from
  let lower = '';
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  for (const ch of text) {
    const l = ch.toLowerCase();
    for (let k = 0; k < l.length; k++) {
      from.push(at);
      to.push(at + ch.length);
    }
    lower += l;
    at += ch.length;
  }
  const found: [number, number][] = [];
  for (const a of alternatives) {
    for (let i = lower.indexOf(a); i >= 0; i = lower.indexOf(a, i + 1)) found.push([from[i], to[i + a.length - 1]]);
  }
  found.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [s, e] of found) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/**
 * [start, end) of a text cut at the ranges' edges: each piece says whether it is inside one (matchRanges; the driver
 * words' marks are cut the same way, so a match's mark goes inside them and their underline stays whole).
 */
export function rangePieces(start: number, end: number, ranges: readonly (readonly [number, number])[]): { start: number; end: number; hit: boolean }[] {
  const out: { start: number; end: number; hit: boolean }[] = [];
  let at = start;
  for (const [s, e] of ranges) {
    if (at >= end || s >= end) break;
    if (e <= at) continue;
    if (s > at) out.push({ start: at, end: s, hit: false });
    const stop = Math.min(e, end);
    out.push({ start: Math.max(s, at), end: stop, hit: true });
    at = stop;
  }
  if (at < end) out.push({ start: at, end, hit: false });
  return out;
}

/**
 * A row's source as the table shows it ("app-reviews.csv:12", the file's name and line), cut into pieces: `hit`, the
 * filter's matches in the name (matchRanges). The same pieces go in the source column and, in a narrow view, under the
 * text (a match only in the source was marked in the column and not under the text, where a narrow view shows it). The
 * line number is never marked: the search does not look at it (a filter of "12" matched no row by its line).
 */
export function sourcePieces(source: string, line: number, query: string, themes: readonly { term: string; variants?: string[] }[] = []): { text: string; hit: boolean }[] {
  if (!source) return [];
  const name = source.split(/[\\/]/).pop() ?? source;
  const out = rangePieces(0, name.length, matchRanges(name, query, themes)).map((p) => ({ text: name.slice(p.start, p.end), hit: p.hit }));
  const tail = `:${line}`;
  const last = out[out.length - 1];
  if (last && !last.hit) last.text += tail;
  else out.push({ text: tail, hit: false });
  return out;
}

/** searchMatcher on one item. */
export function matchesSearch(item: Pick<ReportItem, 'text' | 'source'>, query: string, themes: readonly { term: string; variants?: string[] }[] = []): boolean {
  return searchMatcher(query, themes).item(item);
}

/**
 * A text cut where a line may break inside a long unbroken run (a URL, a hash, a file path), so the table's text column
 * does not widen past a narrow sidebar: pieces to join with <wbr>. Runs of up to 24 characters stay whole; longer ones
 * break after / . ? & = - _ or, failing those, every 20 characters. Ordinary words are never cut.
 */
export function wrapPieces(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const part of text.split(/(\s+)/)) {
    if (part.length <= 24 || /^\s+$/.test(part)) {
      pending += part;
      continue;
    }
    let piece = '';
    for (const ch of part) {
      piece += ch;
      if ((/[/.?&=\-_]/.test(ch) && piece.length >= 4) || piece.length >= 20) {
        out.push(pending + piece);
        pending = '';
        piece = '';
      }
    }
    pending += piece;
  }
  if (pending || !out.length) out.push(pending);
  return out;
}

/**
 * The search to run on the host, over every row of the report's results.csv: when the report has more rows than the
 * view holds and the filter has text (the sentiment alone filters the rows held: the most negative are among them).
 * Undefined: the rows held are all there is to search.
 */
export function wholeFileSearch(r: { truncated: boolean; hasCsv: boolean }, query: string, filter: SentimentFilter): { query: string; label: SentimentFilter } | undefined {
  const q = query.trim();
  return r.truncated && r.hasCsv && q ? { query: q, label: filter } : undefined;
}

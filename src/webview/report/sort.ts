// How the Report view's items table sorts (pure: no DOM, so it is unit-tested in node).
import { SENTIMENTS, type ReportItem } from './messages';

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

const CMP: Record<SortKey, (a: ReportItem, b: ReportItem) => number> = {
  label: (a, b) => SENTIMENTS.indexOf(a.label) - SENTIMENTS.indexOf(b.label) || b.score - a.score,
  score: (a, b) => a.score - b.score,
  text: (a, b) => collator.compare(a.text.trim(), b.text.trim()),
  source: (a, b) => collator.compare(a.source, b.source) || a.line - b.line,
  date: (a, b) => (a.date ?? '').localeCompare(b.date ?? ''),
};

/** Sorts a copy of `items` by `s`; ties keep the report's order (item index), whichever the direction. */
export function sortItems(items: readonly ReportItem[], s: SortState): ReportItem[] {
  const dir = s.desc ? -1 : 1;
  const cmp = CMP[s.sort] ?? CMP.source;
  return [...items].sort((a, b) => dir * cmp(a, b) || a.i - b.i);
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

/**
 * The search box's test of an item: its text or source contains the query, case aside. A theme named in two languages
 * ("login / 登录", clicked in Themes) matches either name; `themes` are the report's themes: a query that is a theme's
 * name matches any of its variants as written ("notes" finds "note" and 笔记 too).
 */
export function searchMatcher(query: string, themes: readonly { term: string; variants?: string[] }[] = []): (item: Pick<ReportItem, 'text' | 'source'>) => boolean {
  const q = query.trim().toLowerCase();
  const theme = themes.find((t) => t.term.toLowerCase() === q);
  const alternatives = [...new Set([...q.split(' / '), ...(theme?.variants ?? []).map((v) => v.toLowerCase())].map((a) => a.trim()).filter(Boolean))];
  if (!alternatives.length) return () => true;
  return (item) => {
    const text = item.text.toLowerCase(), source = item.source.toLowerCase();
    return alternatives.some((a) => text.includes(a) || source.includes(a));
  };
}

/** searchMatcher for one item. */
export function matchesSearch(item: Pick<ReportItem, 'text' | 'source'>, query: string, themes: readonly { term: string; variants?: string[] }[] = []): boolean {
  return searchMatcher(query, themes)(item);
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

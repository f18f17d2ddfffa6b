// The Report view's text alternatives (pure: no DOM, so they are unit-tested in node): what a screen reader says for a
// row, a theme's bar and the sentiment-over-time chart, and the words that say what a colour says.
import { SENTIMENTS, type ReportItem, type ReportModel } from './messages';
import { DEFAULT_SORT, orderText, type SortState } from './sort';

export function pct(n: number, total: number): string {
  return total > 0 ? `${Math.round((100 * n) / total)}%` : '0%';
}

/** Below the report's low-confidence threshold (the row says "low", not only by its colour). */
export function isLowConfidence(it: Pick<ReportItem, 'score'>, threshold: number | undefined): boolean {
  return threshold !== undefined && it.score < threshold;
}

/** The stacked sentiment bar's text: "negative 48%, neutral 1%, positive 51%". */
export function distributionLabel(d: Record<(typeof SENTIMENTS)[number], number>): string {
  const total = SENTIMENTS.reduce((s, l) => s + d[l], 0);
  return SENTIMENTS.map((l) => `${l} ${pct(d[l], total)}`).join(', ');
}

/**
 * What a screen reader says on a focused table row: label, score (and low confidence), the text (cut at 160
 * characters), source line and date. Without it, the row's name was its cells' text run together, every option of its
 * "your label" select included ("negativeyour label…negativeneutralpositive…").
 */
export function itemLabel(it: Pick<ReportItem, 'label' | 'score' | 'text' | 'source' | 'line' | 'date'>, lowConfidence?: number): string {
  const low = isLowConfidence(it, lowConfidence) ? ', low confidence' : '';
  const text = it.text.length > 160 ? `${it.text.slice(0, 160)}…` : it.text;
  return `${it.label}, score ${it.score.toFixed(2)}${low}: ${text}${it.source ? `. ${it.source}:${it.line}` : ''}${it.date ? `, ${it.date}` : ''}`;
}

/** A theme's items by sentiment: "3 negative, 1 neutral, 2 positive" (neutral: the rest of its count). */
export function themeCounts(t: ReportModel['themes'][number]): string {
  const neutral = Math.max(0, t.count - t.negative - t.positive);
  return `${t.negative.toLocaleString()} negative, ${neutral.toLocaleString()} neutral, ${t.positive.toLocaleString()} positive`;
}

/** A theme's bar in words (its tooltip needs a mouse): "login: 3 negative, 1 neutral, 2 positive". */
export function themeLabel(t: ReportModel['themes'][number]): string {
  return `${t.term}: ${themeCounts(t)}`;
}

export const TIMELINE_COLUMNS = ['Period', 'Negative', 'Neutral', 'Positive', 'Negative share'] as const;

/** The sentiment-over-time chart as table rows (its text alternative): period, the three counts, the negative share. */
export function timelineRows(timeline: ReportModel['timeline']): string[][] {
  return timeline.map((t) => [t.period, t.negative.toLocaleString(), t.neutral.toLocaleString(), t.positive.toLocaleString(), pct(t.negative, t.negative + t.neutral + t.positive)]);
}

const n = (x: number): string => x.toLocaleString();

/** How rows were chosen when more matched than the table holds: "the 2,000 most negative, 1,000 least confident, …" (none of a kind: not named). */
export function selectionText(s: NonNullable<ReportModel['selection']>): string {
  return [s.mostNegative ? `the ${n(s.mostNegative)} most negative` : '', s.lowConfidence ? `${n(s.lowConfidence)} least confident` : '', s.sampled ? `${n(s.sampled)} sampled at random from the rest` : ''].filter(Boolean).join(', ');
}

/**
 * How the rows held are ordered, after the sentence that says which they are: in file order, or sorted by the table's
 * sort among them only (a sort of a truncated table does not reach the rows it does not hold: said, not implied).
 */
function heldOrder(held: number, of: string, sort: SortState | undefined): string {
  const s = sort ?? DEFAULT_SORT;
  if (s.sort === DEFAULT_SORT.sort && s.desc === DEFAULT_SORT.desc) return ', in file order.';
  const order = orderText(s);
  return `. Sorted ${order}${order.includes(',') ? ',' : ''} among these ${n(held)} rows only, not all ${of}.`;
}

/** What part of the report's rows the table holds (it is capped; the CSV has them all), and how they are sorted. */
export function truncationNote(r: Pick<ReportModel, 'rows' | 'total' | 'items' | 'selection'>, sort?: SortState): string {
  const all = Math.max(r.rows ?? 0, r.total);
  const held = r.items.length;
  if (r.selection) return `table truncated: ${n(held)} of ${n(all)} rows (${selectionText(r.selection)})${heldOrder(held, n(all), sort)} Open the CSV for all rows.`;
  const order = sort && !(sort.sort === DEFAULT_SORT.sort && sort.desc === DEFAULT_SORT.desc) ? heldOrder(held, n(all), sort) : '.';
  return `table truncated: the first ${n(held)} of ${n(all)} rows${order} Open the CSV for all rows.`;
}

/** The result of a search of the whole results.csv (wholeFileSearch), as the view has it. */
export interface WholeFileSearch {
  /** The rows that matched, numbered after the report's items; undefined while the host searches. */
  items?: readonly ReportItem[];
  matched?: number;
  selection?: ReportModel['selection'];
  partial?: boolean;
  failed?: string;
}

/**
 * The line above the table: how many items it shows of how many. `shown`: the rows the filter leaves; `search`: the
 * search of every row of a larger report (in progress, done or failed), when there is one.
 */
export function countText(r: Pick<ReportModel, 'rows' | 'total' | 'items' | 'selection' | 'truncated'>, shown: number, search?: WholeFileSearch, sort?: SortState): string {
  const all = Math.max(r.rows ?? 0, r.total);
  if (search?.items && search.matched !== undefined) {
    const head = `${n(search.matched)} of ${n(all)} rows match${search.partial ? ' (of the part of the CSV read)' : ''}`;
    if (search.items.length >= search.matched) return shown === search.matched ? head : `${head}; ${n(shown)} shown`;
    const held = search.items.length;
    return `${head} — the table holds ${n(held)} of them${search.selection ? ` (${selectionText(search.selection)})` : ''}${heldOrder(held, `${n(search.matched)} that match`, sort)} Open the CSV for all rows.`;
  }
  const local = `${n(shown)} of ${n(r.items.length)} items shown`;
  if (search?.failed) return `${local} — searching all ${n(all)} rows failed (${search.failed}): only the rows shown were searched.`;
  if (search) return `Searching all ${n(all)} rows… ${n(shown)} matches among the ${n(r.items.length)} rows shown so far.`;
  return local + (r.truncated ? ` — ${truncationNote(r, sort)}` : '');
}

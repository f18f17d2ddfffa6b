// The Report view's text alternatives (pure: no DOM, so they are unit-tested in node): what a screen reader says for a
// row, a theme's bar and the sentiment-over-time chart, and the words that say what a colour says.
import { SENTIMENTS, type ReportItem, type ReportModel } from './messages';
import { DEFAULT_SORT, orderText, type SortState } from './sort';
import { averagesText, contrastExamples, feedbackScripts, growthIntroText } from '../../core/analysis/report-wording';

export { feedbackScripts };

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
 * "Your label…" select included ("negativeyour label…negativeneutralpositive…"). The date as the view shows it (viewDate).
 */
export function itemLabel(it: Pick<ReportItem, 'label' | 'score' | 'text' | 'source' | 'line' | 'date'>, lowConfidence?: number, locale?: string): string {
  const low = isLowConfidence(it, lowConfidence) ? ', low confidence' : '';
  const text = it.text.length > 160 ? `${it.text.slice(0, 160)}…` : it.text;
  return `${it.label}, score ${it.score.toFixed(2)}${low}: ${text}${it.source ? `. ${it.source}:${it.line}` : ''}${it.date ? `, ${viewDate(it.date, locale)}` : ''}`;
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

/** The sentiment-over-time chart as table rows (its text alternative): period (periodText), the three counts, the negative share. */
export function timelineRows(timeline: ReportModel['timeline'], locale?: string): string[][] {
  return timeline.map((t) => [periodText(t.period, locale), t.negative.toLocaleString(), t.neutral.toLocaleString(), t.positive.toLocaleString(), pct(t.negative, t.negative + t.neutral + t.positive)]);
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

/**
 * What the table says in place of its rows when the filter leaves none ('' when nothing filters): the sentiment and
 * the text asked for, so the empty table is not taken for an empty report.
 */
export function noMatchText(filter: 'all' | (typeof SENTIMENTS)[number], search: string): string {
  const term = search.trim();
  const quoted = term.length > 40 ? `${term.slice(0, 40)}…` : term;
  if (filter === 'all') return term ? `No item matches “${quoted}”.` : '';
  return term ? `No ${filter} item matches “${quoted}”.` : `No ${filter} items.`;
}

/**
 * The empty choice of each row's label select, and the name the line over the table gives it: one wording, in
 * sentence case as VS Code's labels are (the line said "Your label" of a select that said "your label…").
 */
export const YOUR_LABEL = 'Your label…';

/**
 * The line over the table before any label is saved: how to give one. Undefined when the table shows no row (an
 * empty filter result has no select to choose in: the line stood over "No negative item matches …").
 */
export function labelPrompt(rowsShown: number): string | undefined {
  return rowsShown > 0 ? `Disagree with a label? Choose yours in “${YOUR_LABEL}”: your labels are saved for training a classifier of your own.` : undefined;
}

// Dates as the view shows them: one style, the user's locale's (as the report's own time, reportWhen: "Apr 23, 2024"
// in English (US), "23 Apr 2024" in English (UK)). The files (report.md, the CSV) keep ISO dates: they are data.

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/**
 * A day ("2024-04-23") or a month ("2024-03") in the user's locale: "Apr 23, 2024", "Mar 2024" (en-US); anything else
 * (a year, a date that does not exist) as it is.
 */
export function viewDate(iso: string, locale?: string): string {
  const d = ISO_DAY.exec(iso);
  const m = d ?? ISO_MONTH.exec(iso);
  if (!m) return iso;
  const [y, mo, day] = [Number(m[1]), Number(m[2]), d ? Number(m[3]) : 1];
  const at = new Date(Date.UTC(y, mo - 1, day));
  // 2024-02-30 is no day (Date would make it March 1st)
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== day) return iso;
  return at.toLocaleDateString(locale, d ? { dateStyle: 'medium', timeZone: 'UTC' } : { year: 'numeric', month: 'short', timeZone: 'UTC' });
}

/**
 * A timeline period ("week of 2024-03-04", "2024-03", "2024") as its words and its date in the view's style:
 * ["week of ", "Mar 4, 2024"], ["", "Mar 2024"], ["", "2024"] (the chart's axis keeps the date in one piece).
 */
export function periodParts(period: string, locale?: string): [lead: string, date: string] {
  const m = /^(.*?)(\d{4}(?:-\d{2}){0,2})$/.exec(period);
  return m ? [m[1], viewDate(m[2], locale)] : ['', period];
}

/** A timeline period as the view writes it: "week of Mar 4, 2024" (periodParts). */
export function periodText(period: string, locale?: string): string {
  return periodParts(period, locale).join('');
}

// The sections report.md has beyond the rows, in words (summary.json's; see ReportModel).

/** A share as report.md writes it: one decimal under 10% ("1.3%"), whole percents otherwise. */
export function share(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
}

/** "1 item", "3 items". */
export function plural(k: number, noun: string): string {
  return `${n(k)} ${noun}${k === 1 ? '' : 's'}`;
}

export const TWO_WAY_TEXT = 'Two-way labels: every item is negative or positive (neutral is not used).';

/** "Average confidence 0.71; 69 items (32%) below the 0.6 threshold." (undefined: the report does not say). */
export function confidenceText(r: Pick<ReportModel, 'averageConfidence' | 'lowConfidenceCount' | 'lowConfidence' | 'total'>): string | undefined {
  if (r.averageConfidence === undefined && r.lowConfidenceCount === undefined) return undefined;
  const avg = r.averageConfidence !== undefined ? `Average confidence ${r.averageConfidence.toFixed(2)}` : '';
  const low =
    r.lowConfidenceCount !== undefined && r.lowConfidence !== undefined
      ? `${plural(r.lowConfidenceCount, 'item')} (${share(r.total ? r.lowConfidenceCount / r.total : 0)}) below the ${r.lowConfidence} confidence threshold: worth a human look`
      : '';
  return `${[avg, low].filter(Boolean).join('; ')}.`;
}

/** Under the themes when they were counted on a sample: their counts are of the sample, not of every item. */
export function themeSampleText(r: Pick<ReportModel, 'themeSample' | 'total'>): string | undefined {
  return r.themeSample !== undefined && r.themeSample < r.total ? `Counted on a uniform sample of ${n(r.themeSample)} of the ${n(r.total)} items.` : undefined;
}

/** A theme's figures after its name: "246 mentions, 57% negative". */
export function mentionsText(t: Pick<ReportModel['themes'][number], 'count' | 'negative'>): string {
  return `${plural(t.count, 'mention')}, ${share(t.count ? t.negative / t.count : 0)} negative`;
}

export const PRODUCT_LEAD = 'The product itself is not ranked: ';
/** After the product's names: why (report.md's sentence, the quoted name as feedback writes it). */
export function productTail(products: readonly { term: string }[]): string {
  const first = products[0]?.term.split(' / ')[0] ?? '';
  const called = /\p{Script=Han}/u.test(first) ? `这个${first}` : `this ${first}`;
  return `. Feedback calls it “${called}” as it names what it reviews, so its mix mostly repeats the overall sentiment; it is no aspect either.`;
}

/**
 * "18 items contrast two things (“… but …”); their clauses were classified apart.": the example in the feedback's
 * language (“…但是…” for Chinese feedback, both for both; an English file showed the Chinese one too).
 */
export function aspectsIntro(a: NonNullable<ReportModel['aspects']>, scripts: { han: boolean; latin: boolean } = { han: true, latin: true }): string {
  const ranked = a.findings.length > 1 ? ' Aspects by the clauses that praise or criticize them.' : '';
  return `${a.contrastiveItems === 1 ? '1 item contrasts' : `${n(a.contrastiveItems)} items contrast`} two things (${contrastExamples(scripts)}); their clauses were classified apart.${ranked}`;
}

/** An aspect's figures (its bar's text alternative too): "sync: 2 praised, 1 criticized, 3 clauses". */
export function aspectText(f: NonNullable<ReportModel['aspects']>['findings'][number]): string {
  return `${n(f.praised)} praised, ${n(f.criticized)} criticized, ${plural(f.clauses, 'clause')}`;
}

/** Beside an aspect's bar: what it counts, in words ("2 praised · 1 criticized"; "+2 −1" said neither). */
export function aspectFigures(f: NonNullable<ReportModel['aspects']>['findings'][number]): string {
  return `${n(f.praised)} praised · ${n(f.criticized)} criticized`;
}

/** "1.3% → 16% of items (1 → 12 mentions, 75% negative)". */
export function growthText(g: NonNullable<ReportModel['time']>['growing'][number]): string {
  return `${share(g.earlyShare)} → ${share(g.lateShare)} of items (${g.earlyCount !== undefined ? `${n(g.earlyCount)} → ` : ''}${plural(g.lateCount, 'mention')}, ${share(g.negativeShare)} negative)`;
}

/**
 * The line over the themes mentioned more in the later half of the dated items (or why they were not compared):
 * report.md's sentence. `sampled`: the themes were counted on a sample (its dated items are split).
 */
export function growthIntro(t: NonNullable<ReportModel['time']>, sampled: boolean, locale?: string): string | undefined {
  return growthIntroText(t.split, t.growing.length, sampled, (day) => viewDate(day, locale));
}

/** What the sentiment-over-time table leaves out, and how its dates were read. */
export function timeNotes(t: NonNullable<ReportModel['time']>): string[] {
  const out: string[] = [];
  if (t.undated) {
    const ph = t.placeholders ? ` (${n(t.placeholders)} of them ${t.placeholders === 1 ? 'a placeholder date' : 'placeholder dates'} such as 1970-01-01, read as no date)` : '';
    out.push(`${plural(t.undated, 'item')} had no readable date${ph} and ${t.undated === 1 ? 'is' : 'are'} not in the chart.`);
  }
  if (t.noDateColumn) out.push(`${plural(t.noDateColumn, 'item')} ${t.noDateColumn === 1 ? 'comes' : 'come'} from files without a date column and ${t.noDateColumn === 1 ? 'is' : 'are'} not in the chart.`);
  for (const note of t.notes) out.push(`Dates: ${note}.`);
  return out;
}

/** A category value with fewer items than this has a share too uncertain to compare (report.md's italics). */
export const FEW_ITEMS = 5;
export const CATEGORY_COLUMNS = ['Items', 'Negative', 'Neutral', 'Positive', 'Negative share'] as const;

/**
 * A category's table: its values with the most items first (`max` of them), the rest summed in one row so the table
 * adds up; a share resting on fewer than FEW_ITEMS items says so in words ("50% (few)"), not only by its style.
 */
export function categoryRows(c: NonNullable<ReportModel['categories']>[number], max = 10): { cells: string[]; few: boolean }[] {
  const row = (value: string, total: number, k: Record<'negative' | 'neutral' | 'positive', number>) => {
    const few = total < FEW_ITEMS;
    return { cells: [value, n(total), n(k.negative), n(k.neutral), n(k.positive), total ? `${share(k.negative / total)}${few ? ' (few)' : ''}` : '–'], few };
  };
  const out = c.rows.slice(0, max).map((r) => row(r.value, r.total, r));
  const rest = c.rows.slice(max);
  if (rest.length) {
    const sum = (l: 'negative' | 'neutral' | 'positive' | 'total') => rest.reduce((a, r) => a + r[l], 0);
    out.push(row(`… ${plural(rest.length, 'more value')}`, sum('total'), { negative: sum('negative'), neutral: sum('neutral'), positive: sum('positive') }));
  }
  return out;
}

/**
 * A category in one line (its disclosure's summary): "By platform: 5 values; most negative iOS, 64% of 25" (the most
 * negative value of at least FEW_ITEMS items, the merged "(other)" aside).
 */
export function categorySummary(c: NonNullable<ReportModel['categories']>[number]): string {
  const worst = c.rows
    .filter((r) => r.total >= FEW_ITEMS && r.negative > 0 && !(c.merged && r.value === '(other)'))
    .sort((a, b) => b.negative / b.total - a.negative / a.total || b.total - a.total)[0];
  return `By ${c.column}: ${plural(c.rows.length, 'value')}${worst ? `; most negative ${worst.value}, ${share(worst.negative / worst.total)} of ${n(worst.total)}` : ''}`;
}

/** Under a category's table: what it covers when other items have no such value, the "(few)" mark, the most negative of the values not shown. */
export function categoryNotes(c: NonNullable<ReportModel['categories']>[number], total: number, max = 10): string[] {
  const out: string[] = [];
  if (c.covered < total) out.push(`${n(c.covered)} of ${n(total)} items have a ${c.column} value; the others are not in this table.`);
  const rest = c.rows.slice(max).filter((r) => r.total >= FEW_ITEMS && r.negative > 0 && !(c.merged && r.value === '(other)'));
  const worst = rest.sort((a, b) => b.negative / b.total - a.negative / a.total || b.total - a.total).slice(0, 5);
  if (worst.length) out.push(`Most negative of the values not shown (at least ${FEW_ITEMS} items each): ${worst.map((r) => `${r.value} (${share(r.negative / r.total)} of ${n(r.total)})`).join(', ')}.`);
  if (c.rows.slice(0, max).some((r) => r.total < FEW_ITEMS)) out.push(`(few): fewer than ${FEW_ITEMS} items, too few to compare.`);
  return out;
}

/** "The text agrees with the rating for 63% of 178 rated items" (and the items two-way labels leave out). */
export function ratingText(g: NonNullable<ReportModel['rating']>): string {
  const left = g.rated - g.base;
  const out = left > 0 ? ` (${plural(left, 'item')} rated in the middle of the scale ${left === 1 ? 'is' : 'are'} left out: with two-way labels no text is neutral)` : '';
  return `The text agrees with the rating for ${share(g.agreement)} of ${n(g.base)} rated items${out}.`;
}

export const RATING_COLUMNS = ['Rating says ↓ / text says →', ...SENTIMENTS] as const;

/** The rating × text table's rows: the sentiment the rating says, then the items the text says each label for. */
export function ratingRows(g: NonNullable<ReportModel['rating']>): string[][] {
  return SENTIMENTS.map((e) => [e, ...SENTIMENTS.map((l) => n(g.matrix[e][l]))]);
}

/**
 * "Average rating (1–5) by predicted sentiment: negative 2.5, neutral 4.0 (1 item), positive 4.1." (per column when
 * several): an average of few rated items says how many, as report.md does.
 */
export function averageText(a: NonNullable<ReportModel['rating']>['averages'][number], several: boolean): string {
  const avg = averagesText(a.byLabel, a.items);
  return `Average ${several ? `${a.column} (${a.range}, ${plural(a.rated, 'item')})` : `rating (${a.range})`} by predicted sentiment: ${avg}.`;
}

/** What a screen reader says on a disagreement's row: "rating 5, text negative 0.97: …. app-reviews.csv:96". */
export function disagreementLabel(d: NonNullable<ReportModel['rating']>['disagreements'][number]): string {
  const text = d.text.length > 160 ? `${d.text.slice(0, 160)}…` : d.text;
  return `rating ${d.rating}, text ${d.label} ${d.score.toFixed(2)}: ${text}${d.source ? `. ${d.source}:${d.line}` : ''}`;
}

const lastName = (p: string): string => p.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || p;

/**
 * A report folder's name ("app-reviews-20261129-040522", "-2" when two were made in one second) as its parts: the
 * name of what was analyzed and when (local time, as the folder's name writes it).
 */
export function reportIdParts(id: string): { name: string; date?: Date } {
  const m = /^(.*?)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-\d+)?$/.exec(id);
  if (!m) return { name: id };
  const [y, mo, d, h, mi, sec] = m.slice(2).map(Number);
  const date = new Date(y, mo - 1, d, h, mi, sec);
  return { name: m[1] || id, ...(Number.isNaN(date.getTime()) ? {} : { date }) };
}

/**
 * The header's title: what was analyzed, as the user named it: "app-reviews.csv", a folder as "feedback/", several
 * as "app-reviews.csv and 2 more". A report without its inputs (an older summary.json) by its first file, or by its
 * folder's name without the date stamp. (It was the folder's name, "app-reviews-20261129-040057".)
 */
export function reportTitle(r: Pick<ReportModel, 'id' | 'inputs' | 'files' | 'fileCount'>): string {
  const more = (k: number) => (k > 0 ? ` and ${n(k)} more` : '');
  const first = r.inputs?.[0];
  if (first) {
    // a folder: one the host marked so (a trailing separator: files were read under it), or an input no file read is,
    // with files read under it
    const files = r.files ?? [];
    const dir = first.replace(/[\\/]+$/, '');
    const folder = /[\\/]$/.test(first) || (!files.some((f) => f.file === first) && files.some((f) => f.file.startsWith(`${dir}/`) || f.file.startsWith(`${dir}\\`)));
    return `${lastName(first)}${folder ? '/' : ''}${more(r.inputs!.length - 1)}`;
  }
  if (r.files?.length) return `${lastName(r.files[0].file)}${more(filesRead(r) - 1)}`;
  return reportIdParts(r.id).name;
}

/** When the report was made, readable ("Nov 29, 2026, 4:05 AM" in the user's locale): summary.json's time, else the folder name's. */
export function reportWhen(r: Pick<ReportModel, 'id' | 'createdAt'>, locale?: string): string | undefined {
  const at = r.createdAt ? new Date(r.createdAt) : undefined;
  const date = at && !Number.isNaN(at.getTime()) ? at : reportIdParts(r.id).date;
  return date?.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A path cut into the parts a line may break after: each ends at a separator ("/", "\\"), so a long path wraps
 * between folder names, not inside one ("…-04 / 0057" was a report folder's name broken at the view's edge).
 */
export function pathParts(p: string): string[] {
  return p.match(/[^\\/]*(?:[\\/]+|$)/g)!.filter(Boolean);
}

/** How many files were read: those listed, or more when the report lists only the first. */
export function filesRead(r: Pick<ReportModel, 'files' | 'fileCount'>): number {
  return Math.max(r.fileCount ?? 0, r.files?.length ?? 0);
}

/** The header's count: "216 items from 5 files". */
export function itemsFromText(r: Pick<ReportModel, 'total' | 'files' | 'fileCount'>): string {
  return `${plural(r.total, 'item')}${r.files?.length ? ` from ${plural(filesRead(r), 'file')}` : ''}`;
}

/** The lines of the "Read from … files" disclosure: each file listed, then how many more report.md names. */
export function fileLines(r: Pick<ReportModel, 'files' | 'fileCount'>): string[] {
  const listed = r.files ?? [];
  const more = filesRead(r) - listed.length;
  return [...listed.map(fileText), ...(more > 0 ? [`… and ${plural(more, 'more file')} (report.md lists them all)`] : [])];
}

/** A file read, in one line: "app-reviews.csv: 108 items, text column review (csv, UTF-8)". */
export function fileText(f: NonNullable<ReportModel['files']>[number]): string {
  return `${f.file}: ${plural(f.items, 'item')}${f.textColumn ? `, text column ${f.textColumn}` : ''} (${[f.format, f.encoding].filter(Boolean).join(', ')})`;
}

// Report view (webview side): renders the ReportModel sent by the host. All text goes through
// textContent (no HTML from data); charts are inline SVG coloured by theme CSS variables.
import './report.css';
import { createMessenger } from '../shared/webviewApi';
import { hostToWebviewValidators, SENTIMENTS, type HostToWebview, type ReportItem, type ReportModel, type Sentiment, type WebviewToHost } from './messages';
import { ariaSort, DEFAULT_SORT, ItemIndex, matchRanges, nextSort, rangePieces, restoreSort, searchThemes, sortIndicator, sortTitle, sourcePieces, wholeFileSearch, wrapPieces, type SortKey, type SortState } from './sort';
import {
  aspectFigures,
  aspectsIntro,
  aspectText,
  averageText,
  CATEGORY_COLUMNS,
  categoryNotes,
  categoryRows,
  categorySummary,
  confidenceText,
  countText,
  disagreementLabel,
  distributionLabel,
  feedbackScripts,
  fileLines,
  filesRead,
  growthIntro,
  growthText,
  isLowConfidence,
  itemLabel,
  itemsFromText,
  labelPrompt,
  mentionsText,
  noMatchText,
  pathParts,
  pct,
  periodParts,
  periodText,
  plural,
  PRODUCT_LEAD,
  productTail,
  RATING_COLUMNS,
  ratingRows,
  ratingText,
  reportTitle,
  reportWhen,
  themeCounts,
  themeLabel,
  themeSampleText,
  TIMELINE_COLUMNS,
  timelineRows,
  timeNotes,
  TWO_WAY_TEXT,
  viewDate,
  YOUR_LABEL,
} from './describe';
import { pointsText } from '../../core/analysis/drivers-format';
import { onDevice } from '../../core/deviceName';
import { namedWords } from '../../core/functionWords';

interface ViewState extends SortState {
  filter: Sentiment | 'all';
  search: string;
  /** The disclosures (data-focus keys) the user opened: they stay open when the view is drawn again. */
  open?: string[];
}

const messenger = createMessenger<HostToWebview, WebviewToHost, ViewState>(hostToWebviewValidators);
const app = document.getElementById('app') as HTMLElement;
const saved = messenger.getState();
// The sort is checked apart: state saved by an older version may name a sort key that no longer exists.
let state: ViewState = { filter: 'all', search: '', ...(saved ?? {}), ...restoreSort(saved) };
if (!Array.isArray(state.open) || !state.open.every((k) => typeof k === 'string')) state.open = [];
let report: ReportModel | undefined;
/** Rows drawn at first, and how many more each "Show more" draws. */
const PAGE = 200;
const MORE = 500;
let shownRows = PAGE;

const SVG_NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}
function button(label: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', 'btn', label);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}
function saveState(): void {
  messenger.setState(state);
}

/**
 * Rebuilds (part of) the view and puts the keyboard focus back on the control it was on: each control that can have
 * it carries a data-focus key. Without this a chip, the sentiment select (whose arrow keys change it), a theme or a
 * column header lost the focus to the page when the view was drawn again, and a keyboard user started over.
 */
function keepingFocus(rebuild: () => void): void {
  const key = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-focus]')?.dataset.focus;
  rebuild();
  if (key) app.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`)?.focus();
}
function focusKey<E extends HTMLElement>(e: E, key: string): E {
  e.dataset.focus = key;
  return e;
}

/**
 * A <details> whose summary (focusable, Enter or Space toggles it) stays open or closed as the user left it when the
 * view is drawn again (a chip or a sort redraws it).
 */
function disclosure(key: string, summaryText: string, body: () => (HTMLElement | Text)[], cls = ''): HTMLDetailsElement {
  const details = el('details', `disclosure ${cls}`.trim());
  const summary = focusKey(el('summary', 'small', summaryText), key);
  details.open = state.open!.includes(key);
  details.append(summary);
  // the body is built when first opened (a category's table of hundreds of values is not drawn for nothing)
  let built = false;
  const build = (): void => {
    if (built) return;
    built = true;
    details.append(...body());
  };
  if (details.open) build();
  details.addEventListener('toggle', () => {
    if (details.open) build();
    state.open = details.open ? [...new Set([...state.open!, key])] : state.open!.filter((k) => k !== key);
    saveState();
  });
  return details;
}

/** Fills the filter with `term` (a theme, the product, an aspect, a theme that grew): the table shows its items. */
function searchFor(term: string): void {
  state.search = term;
  shownRows = PAGE;
  saveState();
  keepingFocus(render);
}

/** A name that filters the table by itself (as a theme's does). */
function termButton(term: string, key: string): HTMLButtonElement {
  const b = focusKey(el('button', 'link', term), key);
  b.type = 'button';
  b.title = `Show items mentioning "${term}"`;
  b.addEventListener('click', () => searchFor(term));
  return b;
}

/** A small table (`table.data`): column headers, then rows whose first cell heads the row. */
function dataTable(caption: string, columns: readonly string[], rows: readonly string[][], rowClass?: (i: number) => string | undefined): HTMLTableElement {
  const table = el('table', 'data');
  table.setAttribute('aria-label', caption);
  const head = el('tr');
  columns.forEach((h, i) => {
    const th = el('th', i ? 'num' : undefined, h);
    th.scope = 'col';
    head.append(th);
  });
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  rows.forEach(([first, ...cells], i) => {
    const tr = el('tr', rowClass?.(i));
    const th = el('th', undefined, first);
    th.scope = 'row';
    tr.append(th, ...cells.map((c) => el('td', 'num', c)));
    body.append(tr);
  });
  table.append(thead, body);
  return table;
}

function renderMessage(text: string, cls = 'muted', canAnalyze = false): void {
  const actions = el('div', 'actions');
  if (canAnalyze) actions.append(button('Analyze Feedback…', () => messenger.post('analyze', {}), 'Analyze the active feedback file, or pick one'));
  actions.append(button('Refresh', () => messenger.post('refresh', {})));
  app.replaceChildren(el('p', cls, text), actions);
}

/**
 * A path (or a model id) as boxes that each end at a separator: a line wraps between folder names, never inside one
 * ("…-04 / 0057" broke a report folder's name at the view's edge); a name longer than the line still wraps (report.css).
 */
function pathNodes(p: string): HTMLElement[] {
  return pathParts(p).map((part) => el('span', 'seg-path', part));
}

function renderHeader(r: ReportModel): HTMLElement {
  const h = el('header', 'head');
  // what was analyzed, as the user named it (the report folder's name, with its date stamp, is in the path under it)
  const title = el('h2', 'title', reportTitle(r));
  title.title = r.inputs?.join('\n') ?? r.id;
  h.append(title);
  // the model and the device it ran on: what the report's figures rest on
  const when = reportWhen(r);
  const meta = el('div', 'muted small');
  const model: (string | Node)[] = r.modelId ? ['model ', ...pathNodes(r.modelId), r.device ? ` ${onDevice(r.device)}` : ''] : r.device ? [onDevice(r.device)] : [];
  // the date and time in one piece ("4:58" and "AM" fell on two lines in a narrow view)
  for (const [k, part] of [[itemsFromText(r)], model, when ? [el('span', 'nowrap', when)] : []].filter((x) => x.length).entries()) meta.append(...(k ? [' · '] : []), ...part);
  h.append(meta);
  const where = el('div', 'muted small');
  where.append(...pathNodes(r.dir));
  h.append(where);
  if (r.warnings?.length) {
    const w = r.warnings;
    // rows or files skipped, a date column not read, a text column guessed: said where it is seen, read on opening
    h.append(disclosure('warnings', `⚠ ${plural(w.length, 'warning')} about the input`, () => [listOf(w)], 'warnings'));
  }
  if (r.files?.length) {
    h.append(disclosure('files', `Read from ${plural(filesRead(r), 'file')}`, () => [listOf(fileLines(r))]));
  }
  const actions = el('div', 'actions');
  actions.append(focusKey(button('Open report', () => messenger.post('openFile', { reportId: r.id, file: 'report' })), 'open-report'));
  if (r.hasCsv) actions.append(focusKey(button('Open CSV', () => messenger.post('openFile', { reportId: r.id, file: 'csv' })), 'open-csv'));
  actions.append(focusKey(button('Newest report', () => messenger.post('refresh', {}), 'Show the newest report of the workspace'), 'latest'));
  h.append(actions);
  return h;
}

function renderDistribution(r: ReportModel): HTMLElement {
  const sec = el('section');
  sec.append(el('h3', undefined, 'Sentiment'));
  const total = SENTIMENTS.reduce((s, l) => s + r.distribution[l], 0);
  const bar = el('div', 'stack');
  bar.setAttribute('role', 'img');
  bar.setAttribute('aria-label', `Sentiment: ${distributionLabel(r.distribution)}`);
  for (const l of SENTIMENTS) {
    if (!r.distribution[l]) continue;
    const seg = el('div', `seg ${l}`);
    seg.style.width = total ? `${(100 * r.distribution[l]) / total}%` : '0';
    seg.title = `${l}: ${r.distribution[l].toLocaleString()} (${pct(r.distribution[l], total)})`;
    bar.append(seg);
  }
  const legend = el('div', 'legend');
  for (const l of SENTIMENTS) {
    const item = focusKey(el('button', `chip ${state.filter === l ? 'active' : ''}`), `chip-${l}`);
    item.type = 'button';
    item.title = state.filter === l ? 'Show all items' : `Show only ${l} items`;
    // a toggle: a screen reader says whether this filter is on
    item.setAttribute('aria-pressed', String(state.filter === l));
    item.append(el('span', `dot ${l}`), document.createTextNode(`${l} ${r.distribution[l].toLocaleString()} (${pct(r.distribution[l], total)})`));
    item.addEventListener('click', () => {
      state.filter = state.filter === l ? 'all' : l;
      shownRows = PAGE;
      saveState();
      keepingFocus(render);
    });
    legend.append(item);
  }
  sec.append(bar, legend);
  if (r.twoWay) sec.append(el('p', 'muted small', TWO_WAY_TEXT));
  const conf = confidenceText(r);
  if (conf) {
    const line = el('p', 'muted small', `${conf} `);
    if (r.lowConfidenceCount && r.items.length) {
      // the table sorted by score, lowest first: the least confident items (those a truncated table holds are among them)
      const b = focusKey(el('button', 'link inline', 'Show the least confident first'), 'least-confident');
      b.type = 'button';
      b.addEventListener('click', () => {
        Object.assign(state, { sort: 'score', desc: false, filter: 'all', search: '' } satisfies Partial<ViewState>);
        shownRows = PAGE;
        saveState();
        render();
        // on to the table, whose sorted header says the order
        app.querySelector<HTMLElement>('[data-focus="sort-score"]')?.focus();
      });
      line.append(b);
    }
    sec.append(line);
  }
  return sec;
}

function listOf(lines: readonly string[]): HTMLUListElement {
  const ul = el('ul', 'notes small');
  for (const l of lines) ul.append(el('li', undefined, l));
  return ul;
}

function renderTimeline(r: ReportModel): HTMLElement | undefined {
  const notes = r.time ? timeNotes(r.time) : [];
  const grew = r.time ? growthIntro(r.time, r.themeSample !== undefined) : undefined;
  if (r.timeline.length < 2 && !notes.length && !grew) return undefined;
  const sec = el('section');
  sec.append(el('h3', undefined, 'Sentiment over time'));
  if (r.timeline.length >= 2) sec.append(...timelineChart(r));
  // what the chart leaves out (undated items, files without a date column) and how the dates were read
  for (const note of notes) sec.append(el('p', 'muted small', note));
  if (grew) {
    sec.append(el('p', 'small', grew));
    const list = el('ul', 'themes grew');
    for (const g of r.time!.growing) {
      const li = el('li');
      li.append(termButton(g.term, `grew-${g.term}`), el('span', 'muted small', growthText(g)));
      list.append(li);
    }
    if (r.time!.growing.length) sec.append(list);
  }
  return sec;
}

/** The chart of items per period by sentiment, its axis and its numbers as a table. */
function timelineChart(r: ReportModel): Element[] {
  const W = 300;
  const H = 90;
  const n = r.timeline.length;
  const max = Math.max(...r.timeline.map((t) => t.negative + t.neutral + t.positive), 1);
  const bw = W / n;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'timeline',
    role: 'img',
    'aria-label': `Items per period from ${periodText(r.timeline[0].period)} to ${periodText(r.timeline[n - 1].period)}, stacked by sentiment, with the share of negative items as a line: the numbers are in the table below`,
  });
  r.timeline.forEach((t, i) => {
    let y = H;
    const g = svg('g');
    const title = svg('title');
    title.textContent = `${periodText(t.period)}: ${t.negative} negative, ${t.neutral} neutral, ${t.positive} positive`;
    g.append(title);
    for (const l of SENTIMENTS) {
      const h = (t[l] / max) * (H - 2);
      if (h <= 0) continue;
      y -= h;
      g.append(svg('rect', { x: (i * bw + bw * 0.1).toFixed(2), y: y.toFixed(2), width: Math.max(bw * 0.8, 0.5).toFixed(2), height: h.toFixed(2), class: l }));
    }
    chart.append(g);
  });
  // Share of negative items per period as a line.
  const pts = r.timeline.map((t, i) => {
    const tot = t.negative + t.neutral + t.positive;
    return `${(i * bw + bw / 2).toFixed(2)},${(H - (tot ? t.negative / tot : 0) * (H - 2)).toFixed(2)}`;
  });
  chart.append(svg('polyline', { points: pts.join(' '), class: 'negline' }));
  const axis = el('div', 'axis muted small');
  // the axis names the first and last periods only: the line's key goes in the caption (between them it was squeezed
  // into a third column of two-word lines)
  axis.append(axisLabel(r.timeline[0].period), axisLabel(r.timeline[n - 1].period));
  const by = r.time?.columns.length ? `${r.time.granularity ? `By ${r.time.granularity}, ` : ''}${r.time.columns.length === 1 ? 'column' : 'columns'} ${r.time.columns.join(', ')}. ` : '';
  const caption = el('div', 'muted small', `${by}The line is the share of negative items.`);
  return [chart, axis, caption, timelineTable(r)];
}

/**
 * A period under the chart ("week of Mar 4, 2024"): it wraps between its words, its date in one piece (not "Mar 4," /
 * "2024", nor an ISO date at its hyphens, "2024-" / "03-04").
 */
function axisLabel(period: string): HTMLElement {
  const [lead, date] = periodParts(period);
  const span = el('span');
  lead.split(' ').filter(Boolean).forEach((word) => span.append(el('span', 'nowrap', word), ' '));
  span.append(el('span', 'nowrap', date));
  return span;
}

/** The chart's numbers as a table, behind a disclosure: its text alternative (the bars' tooltips need a mouse). */
function timelineTable(r: ReportModel): HTMLElement {
  return disclosure('timeline-table', 'Sentiment over time as a table', () => [dataTable('Sentiment over time', TIMELINE_COLUMNS, timelineRows(r.timeline))], 'chart-data');
}

function renderThemes(r: ReportModel): HTMLElement | undefined {
  if (!r.themes.length) return undefined;
  const sec = el('section');
  sec.append(el('h3', undefined, 'Themes'));
  const list = el('ul', 'themes');
  const max = Math.max(...r.themes.map((t) => t.count), 1);
  for (const t of r.themes) {
    const li = el('li');
    const name = focusKey(el('button', 'link', t.term), `theme-${t.term}`);
    name.type = 'button';
    name.title = `Show items mentioning "${t.term}"`;
    name.addEventListener('click', () => {
      state.search = t.term;
      shownRows = PAGE;
      saveState();
      keepingFocus(render);
    });
    const bar = el('div', 'tbar');
    const neg = el('div', 'seg negative');
    neg.style.width = `${(100 * t.negative) / max}%`;
    const pos = el('div', 'seg positive');
    pos.style.width = `${(100 * t.positive) / max}%`;
    const neu = el('div', 'seg neutral');
    neu.style.width = `${(100 * Math.max(0, t.count - t.negative - t.positive)) / max}%`;
    bar.append(neg, neu, pos);
    bar.title = `${t.count.toLocaleString()} items: ${themeCounts(t)}`;
    // the bar's text alternative (its tooltip needs a mouse)
    bar.setAttribute('role', 'img');
    bar.setAttribute('aria-label', themeLabel(t));
    li.append(name, bar, el('span', 'muted small', String(t.count)));
    list.append(li);
  }
  sec.append(list);
  // the counts are of the sample the themes were counted on, when there was one
  const sample = themeSampleText(r);
  if (sample) sec.append(el('p', 'muted small', sample));
  if (r.productThemes?.length) {
    // the product itself ("book", 手机): named by most feedback, so set apart; its name still filters the table
    const p = el('p', 'muted small product');
    p.append(document.createTextNode(PRODUCT_LEAD));
    r.productThemes.forEach((t, i) => {
      if (i) p.append(document.createTextNode(', '));
      p.append(termButton(t.term, `product-${t.term}`), document.createTextNode(` (${mentionsText(t)})`));
    });
    p.append(document.createTextNode(productTail(r.productThemes)));
    sec.append(p);
  }
  return sec;
}

/** Aspects of mixed feedback ("… but …"): each aspect's praising and criticizing clauses; its name filters the table. */
function renderAspects(r: ReportModel): HTMLElement | undefined {
  const a = r.aspects;
  if (!a) return undefined;
  const sec = el('section');
  // the example of a contrast in the feedback's own language(s)
  const scripts = feedbackScripts([...r.items.map((it) => it.text), ...a.findings.map((f) => f.aspect)]);
  sec.append(el('h3', undefined, 'Aspects in mixed feedback'), el('p', 'muted small', aspectsIntro(a, scripts)));
  if (!a.findings.length) return sec;
  const list = el('ul', 'themes aspects');
  const max = Math.max(...a.findings.map((f) => f.clauses), 1);
  for (const f of a.findings) {
    const li = el('li');
    const bar = el('div', 'tbar');
    const neg = el('div', 'seg negative');
    neg.style.width = `${(100 * f.criticized) / max}%`;
    const neu = el('div', 'seg neutral');
    neu.style.width = `${(100 * Math.max(0, f.clauses - f.praised - f.criticized)) / max}%`;
    const pos = el('div', 'seg positive');
    pos.style.width = `${(100 * f.praised) / max}%`;
    bar.append(neg, neu, pos);
    bar.title = aspectText(f);
    bar.setAttribute('role', 'img');
    bar.setAttribute('aria-label', `${f.aspect}: ${aspectText(f)}`);
    // the figures in words too: praised and criticized are what a reader compares
    const figures = el('span', 'muted small figures', aspectFigures(f));
    figures.title = aspectText(f);
    // (the bar's text alternative says them in words)
    figures.setAttribute('aria-hidden', 'true');
    li.append(termButton(f.aspect, `aspect-${f.aspect}`), bar, figures);
    list.append(li);
  }
  sec.append(list);
  return sec;
}

/** Rating vs. text sentiment: the agreement, the table behind it and the items whose rating and text disagree. */
function renderRating(r: ReportModel): HTMLElement | undefined {
  const g = r.rating;
  if (!g) return undefined;
  const sec = el('section');
  // the column names as written (the heading is upper-cased by the view's style)
  sec.append(el('h3', undefined, 'Rating vs. text'), el('p', 'small', ratingText(g)), el('p', 'muted small', `${g.columns.length === 1 ? 'Rating column' : 'Rating columns'}: ${g.columns.join(', ')}.`));
  const several = g.averages.length > 1;
  sec.append(
    disclosure('rating-table', 'Rating vs. text as a table', () => [
      el('p', 'muted small', `Ratings read as ${g.read}.`),
      dataTable('Rating vs. text sentiment', RATING_COLUMNS, ratingRows(g)),
      ...g.averages.map((a) => el('p', 'muted small', averageText(a, several))),
    ]),
  );
  if (g.disagreements.length) {
    sec.append(
      disclosure(`disagreements`, `Strongest disagreements (${g.disagreements.length}): rating and text point opposite ways`, () => {
        const table = el('table', 'listed');
        table.setAttribute('aria-label', 'Rating and text disagree');
        table.setAttribute('aria-describedby', 'listed-hint');
        const head = el('tr');
        for (const h of ['Rating → text says', 'Text', 'Source']) {
          const th = el('th', undefined, h);
          th.scope = 'col';
          head.append(th);
        }
        const thead = el('thead');
        thead.append(head);
        const body = el('tbody');
        for (const d of g.disagreements) {
          const tr = focusKey(el('tr', 'row'), `listed-${d.i}`);
          tr.tabIndex = 0;
          tr.title = d.source ? `Open ${d.source}:${d.line} (Enter)` : '';
          tr.setAttribute('aria-label', disagreementLabel(d));
          // the rating over the text's label and score (a narrow sidebar keeps its width for the text)
          const lab = el('td', 'says');
          lab.append(el('span', undefined, `rating ${d.rating}`), document.createElement('br'), el('span', `dot ${d.label}`), el('span', 'lab', `${d.label} ${d.score.toFixed(2)}`));
          const src = el('td', 'src', d.source ? `${d.source.split(/[\\/]/).pop()}:${d.line}` : '');
          src.title = d.source ? `${d.source}:${d.line}` : '';
          tr.append(lab, textCell(d), src);
          const open = (): void => messenger.post('openItem', { reportId: r.id, index: d.i });
          tr.addEventListener('click', open);
          tr.addEventListener('keydown', (e) => {
            if (e.target === tr && (e.key === 'Enter' || e.key === ' ')) {
              e.preventDefault();
              open();
            }
          });
          body.append(tr);
        }
        table.append(thead, body);
        const hint = el('p', 'sr-only', 'Enter on a row opens its source line.');
        hint.id = 'listed-hint';
        return [table, hint];
      }),
    );
  }
  return sec;
}

/** Sentiment by each category column (platform, version…): one disclosure each, its most negative value in its summary. */
function renderCategories(r: ReportModel): HTMLElement | undefined {
  if (!r.categories?.length) return undefined;
  const sec = el('section');
  sec.append(el('h3', undefined, 'By category'));
  for (const c of r.categories) {
    sec.append(
      disclosure(`category-${c.column}`, categorySummary(c), () => {
        const rows = categoryRows(c);
        const table = dataTable(`Sentiment by ${c.column}`, [c.column, ...CATEGORY_COLUMNS], rows.map((x) => x.cells), (i) => (rows[i].few ? 'few' : undefined));
        return [table, ...categoryNotes(c, r.total).map((note) => el('p', 'muted small', note))];
      }),
    );
  }
  return sec;
}

/** The sort in effect: a saved sort by date falls back to file order when this report has no dates (no Date column). */
function shownSort(r: ReportModel): SortState {
  return state.sort === 'date' && !r.items.some((it) => it.date) ? DEFAULT_SORT : { sort: state.sort, desc: state.desc };
}

/** The report's items, sorted once per sort (a keystroke in the filter only filters them). */
let index: ItemIndex | undefined;
/** The search of every row of a report larger than its items (wholeFileSearch): asked, then its result. */
let remote: { key: string; result?: HostToWebview['searchResults']; failed?: string; index?: ItemIndex } | undefined;
let remoteTimer: number | undefined;
/** Where the table is drawn (a search result redraws it). */
let tableAt: { host: HTMLElement; count: HTMLElement } | undefined;
const searchKey = (reportId: string, query: string, label: string): string => `${reportId}\0${query}\0${label}`;

/**
 * The rows the table shows. A report with more rows than it holds is searched on the host, over all of them (asked
 * once the typing pauses); until the answer comes, the rows held are filtered.
 */
function visibleItems(r: ReportModel): readonly ReportItem[] {
  const want = wholeFileSearch(r, state.search, state.filter);
  if (!want) {
    // a search for the old text, not sent yet, is not sent at all (the host would read the whole file for nothing)
    window.clearTimeout(remoteTimer);
    remote = undefined;
  } else {
    const key = searchKey(r.id, want.query, want.label);
    if (remote?.key !== key) {
      remote = { key };
      window.clearTimeout(remoteTimer);
      remoteTimer = window.setTimeout(() => messenger.post('search', { reportId: r.id, ...want }), 250);
    }
    const result = remote.result;
    if (result) {
      if (remote.index?.items !== result.items) remote.index = new ItemIndex(result.items);
      return remote.index.rows(shownSort(r), 'all', '');
    }
  }
  if (index?.items !== r.items) index = new ItemIndex(r.items);
  return index.rows(shownSort(r), state.filter, state.search, searchThemes(r));
}

function onSearchAnswer(reportId: string, key: string, update: (rem: NonNullable<typeof remote>) => void): void {
  if (!report || report.id !== reportId || remote?.key !== key || !tableAt) return;
  update(remote);
  shownRows = PAGE;
  const { host, count } = tableAt;
  const r = report;
  keepingFocus(() => renderTable(r, host, count));
}

function renderItems(r: ReportModel): HTMLElement {
  const sec = el('section');
  sec.append(el('h3', undefined, 'Items'));
  const controls = el('div', 'controls');
  const search = focusKey(el('input', 'search'), 'search');
  search.type = 'search';
  search.placeholder = 'Filter by text or file';
  search.value = state.search;
  search.setAttribute('aria-label', 'Filter items by text');
  let t: number | undefined;
  search.addEventListener('input', () => {
    // kept at once: a report (re)read within the pause below rebuilds the view, and its new box must show what was
    // typed (it showed the box empty while the old, detached one went on searching)
    state.search = search.value;
    window.clearTimeout(t);
    t = window.setTimeout(() => {
      shownRows = PAGE;
      saveState();
      if (search.isConnected) keepingFocus(() => renderTable(r, tableHost, count));
      else keepingFocus(render); // rebuilt meanwhile: the current report's table, with this filter
    }, 150);
  });
  const select = focusKey(el('select'), 'filter');
  select.setAttribute('aria-label', 'Filter by sentiment');
  for (const v of ['all', ...SENTIMENTS] as const) {
    const o = el('option', undefined, v === 'all' ? 'All sentiments' : v);
    o.value = v;
    o.selected = state.filter === v;
    select.append(o);
  }
  select.addEventListener('change', () => {
    state.filter = select.value as ViewState['filter'];
    shownRows = PAGE;
    saveState();
    keepingFocus(render);
  });
  controls.append(search, select);
  // announced when it changes (a filter applied): how many items the table shows
  const count = el('div', 'muted small');
  count.setAttribute('role', 'status');
  const tableHost = el('div');
  labelsLine = el('div', 'muted small');
  sec.append(controls, count, labelsLine, tableHost);
  renderTable(r, tableHost, count);
  return sec;
}

/** "Your labels: N saved … · Train a classifier on them" (after the first label). */
let labelsLine: HTMLElement | undefined;
let labelsFile = '';
/** Rows the table shows now (renderTable): with none, the line has no select to point to. */
let rowsInTable = 0;
function renderLabelsLine(r: ReportModel): void {
  if (!labelsLine) return;
  const n = r.labelledCount ?? 0;
  if (!n) {
    const prompt = labelPrompt(rowsInTable);
    labelsLine.replaceChildren(...(prompt ? [document.createTextNode(prompt)] : []));
    labelsLine.hidden = !prompt;
    return;
  }
  labelsLine.hidden = false;
  const train = el('a', undefined, 'Train a classifier on them');
  train.href = '#';
  train.addEventListener('click', (e) => {
    e.preventDefault();
    messenger.post('trainOnLabels', {});
  });
  // How often this report's model agrees with the labels given to its items (the case for training your own).
  const mine = r.items.filter((it) => it.labelled);
  const agree = mine.filter((it) => it.labelled === it.label).length;
  const agreement = mine.length ? ` · ${r.modelId ?? 'the model'} agrees with ${agree} of the ${mine.length} you labelled here` : '';
  labelsLine.replaceChildren(document.createTextNode(`Your labels: ${n.toLocaleString()} saved${labelsFile ? ` in ${labelsFile}` : ''}${agreement} · `), train);
}

/** "Your label…": a select under the model's label whose change saves the user's (also to confirm the model's). */
function labelSelect(r: ReportModel, it: ReportItem): HTMLSelectElement {
  const sel = focusKey(el('select', 'yours'), `label-${it.i}`);
  sel.setAttribute('aria-label', `Your label for item ${it.i + 1}`);
  sel.title = 'Your label of this text (a correction, or the same label to confirm it): saved for training a classifier of your own';
  for (const v of ['', ...SENTIMENTS]) {
    const o = el('option', undefined, v || YOUR_LABEL);
    o.value = v;
    o.selected = (it.labelled ?? '') === v;
    sel.append(o);
  }
  // the row opens its source on click / Enter: not when the select is used
  for (const ev of ['click', 'keydown']) sel.addEventListener(ev, (e) => e.stopPropagation());
  sel.addEventListener('change', () => {
    if (sel.value) messenger.post('label', { reportId: r.id, index: it.i, label: sel.value as Sentiment });
  });
  return sel;
}

function renderTable(r: ReportModel, host: HTMLElement, count: HTMLElement): void {
  tableAt = { host, count };
  const rows = visibleItems(r);
  // the matches of the filter's text, marked in the rows drawn (as the search found them: a theme's variants too)
  highlight = { query: state.search, themes: searchThemes(r) };
  // (with the sort: a table holding some of the report's rows is sorted among those only, and says so)
  count.textContent = countText(r, rows.length, remote && { ...remote.result, failed: remote.failed }, shownSort(r));
  const table = el('table', 'items');
  // explicit roles: a very narrow view lays the rows out as blocks (report.css), which may drop a table's implicit ones
  table.setAttribute('role', 'table');
  table.setAttribute('aria-label', 'Items');
  table.setAttribute('aria-describedby', 'row-hint');
  const head = el('tr');
  const cols: [SortKey, string][] = [
    ['label', 'Sentiment'],
    ['score', 'Score'],
    ['text', 'Text'],
    ['source', 'Source'],
  ];
  const hasDates = r.items.some((it) => it.date);
  if (hasDates) cols.push(['date', 'Date']);
  const sorted = shownSort(r);
  for (const [key, label] of cols) {
    const th = el('th', key === 'date' ? 'col-date' : key === 'source' ? 'col-src' : undefined);
    th.scope = 'col';
    th.setAttribute('role', 'columnheader');
    const b = focusKey(el('button', 'sort', label), `sort-${key}`);
    const arrow = sortIndicator(sorted, key);
    if (arrow) {
      // the arrow is for the eye; aria-sort on the header says the same to a screen reader
      const a = el('span', 'arrow', arrow);
      a.setAttribute('aria-hidden', 'true');
      b.append(a);
    }
    b.type = 'button';
    b.title = sortTitle(sorted, key, label);
    b.addEventListener('click', () => {
      Object.assign(state, nextSort(sorted, key));
      // the first rows of the new order (the rows drawn so far are not all drawn again)
      shownRows = PAGE;
      saveState();
      // the table is rebuilt: the keyboard focus stays on this column's header
      keepingFocus(() => renderTable(r, host, count));
    });
    th.append(b);
    th.dataset.sort = key;
    th.setAttribute('aria-sort', ariaSort(sorted, key));
    head.append(th);
  }
  head.setAttribute('role', 'row');
  const thead = el('thead');
  thead.setAttribute('role', 'rowgroup');
  thead.append(head);
  const body = el('tbody');
  body.setAttribute('role', 'rowgroup');
  for (const it of rows.slice(0, shownRows)) body.append(itemRow(r, it, hasDates));
  table.append(thead, body);
  const parts: HTMLElement[] = [table];
  if (rows.length > shownRows) {
    // adds the next rows below the drawn ones (drawing the table again each time grew with every click: 2.6 s to reach
    // 5,000 rows, and the view froze meanwhile)
    const more = focusKey(
      button('', () => {
        const hadFocus = document.activeElement === more;
        const from = shownRows;
        shownRows = Math.min(rows.length, shownRows + MORE);
        const added = rows.slice(from, shownRows).map((it) => itemRow(r, it, hasDates));
        body.append(...added);
        if (shownRows < rows.length) more.textContent = moreLabel();
        else more.remove();
        // the keyboard goes on from the first row just shown (the button it was on may be gone)
        if (hadFocus) added[0]?.focus({ preventScroll: true });
      }),
      'more',
    );
    const moreLabel = (): string => `Show ${Math.min(MORE, rows.length - shownRows).toLocaleString()} more`;
    more.textContent = moreLabel();
    parts.push(more);
  }
  const hint = el('p', 'sr-only', 'Enter on a row opens its source line.');
  hint.id = 'row-hint';
  parts.push(hint);
  rowsInTable = rows.length;
  renderLabelsLine(r);
  // nothing left by the filter (and no search of every row still under way): say so, and how to see the items again,
  // rather than a table of headers only
  const empty = rows.length === 0 && (!remote || !!remote.result || !!remote.failed) ? noMatchText(state.filter, state.search) : '';
  if (empty) {
    const clear = focusKey(button('Clear filters', () => {
      Object.assign(state, { filter: 'all', search: '' } satisfies Partial<ViewState>);
      shownRows = PAGE;
      saveState();
      render();
      (document.querySelector('input.search') as HTMLElement | null)?.focus();
    }), 'clear-filters');
    const p = el('p', 'muted empty', `${empty} `);
    p.append(clear);
    // no table: nor its row hint (the label prompt over it is gone too, renderLabelsLine)
    parts.splice(0, parts.length, p);
  }
  host.replaceChildren(...parts);
}

/** One item's table row: Enter, Space or a click opens its source line. */
function itemRow(r: ReportModel, it: ReportItem, hasDates: boolean): HTMLTableRowElement {
  const tr = focusKey(el('tr', 'row'), `row-${it.i}`);
  tr.tabIndex = 0;
  tr.title = it.source ? `Open ${it.source}:${it.line} (Enter)` : '';
  const lab = el('td');
  lab.append(el('span', `dot ${it.label}`), el('span', 'lab', it.label));
  if (!it.cut) lab.append(labelSelect(r, it));
  const src = el('td', 'src col-src');
  appendSource(src, it);
  src.title = it.source ? `${it.source}:${it.line}` : '';
  const score = el('td', 'num', it.score.toFixed(2));
  if (isLowConfidence(it, r.lowConfidence)) {
    // said in words, not only by the colour
    tr.classList.add('low');
    const low = el('span', 'lowmark', 'low');
    low.title = `Below the report's low-confidence threshold (${r.lowConfidence})`;
    score.append(document.createElement('br'), low);
  }
  const text = textCell(it);
  // in a narrow view the source is shown under the text (report.css), not in a column that leaves the text a few words
  // a line: an element of its own (it was the cell's ::after content, where the filter's match could not be marked)
  if (it.source) {
    const under = el('span', 'src-under');
    appendSource(under, it);
    text.append(under);
  }
  tr.append(lab, score, text, src);
  if (hasDates) tr.append(el('td', 'small col-date', it.date ? viewDate(it.date) : ''));
  tr.setAttribute('role', 'row');
  for (const td of Array.from(tr.children)) td.setAttribute('role', 'cell');
  // what a screen reader says on the focused row (its cells' text would include every option of its label select)
  tr.setAttribute('aria-label', itemLabel(it, r.lowConfidence));
  const open = (): void => messenger.post('openItem', { reportId: r.id, index: it.i });
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (e) => {
    if (e.target === tr && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      open();
    }
  });
  return tr;
}

/** The filter's text the rows mark: renderTable sets it before drawing them (and "Show more" draws more with it). */
let highlight: { query: string; themes: { term: string; variants?: string[] }[] } = { query: '', themes: [] };

/** Plain text, with <wbr> inside long unbroken runs (URLs) so they wrap in a narrow table (wrapPieces). */
function appendText(parent: HTMLElement, text: string, wrap = true): void {
  (wrap ? wrapPieces(text) : [text]).forEach((piece, i) => {
    if (i) parent.append(document.createElement('wbr'));
    parent.append(document.createTextNode(piece));
  });
}

/** A row's source ("app.csv:12") into `parent`, the filter's matches in its name marked (sourcePieces): text nodes only. */
function appendSource(parent: HTMLElement, it: ReportItem): void {
  for (const p of sourcePieces(it.source, it.line, highlight.query, highlight.themes)) parent.append(p.hit ? el('mark', 'match', p.text) : document.createTextNode(p.text));
}

/**
 * `whole.slice(start, end)` into `parent`, the filter's matches in it (`ranges`, matchRanges of `whole`) marked
 * <mark class="match">. Text nodes only, never HTML from the data.
 */
function appendMarked(parent: HTMLElement, whole: string, start: number, end: number, ranges: readonly [number, number][], wrap = true): void {
  for (const p of rangePieces(start, end, ranges)) {
    const text = whole.slice(p.start, p.end);
    if (!p.hit) {
      appendText(parent, text, wrap);
      continue;
    }
    const m = el('mark', 'match');
    appendText(m, text, wrap);
    parent.append(m);
  }
}

/**
 * The text, with the words that drove the label marked (for it: underlined in the label's colour;
 * against it: dotted), and the drivers in the cell's tooltip; the filter's matches highlighted (inside a driver's mark,
 * whose underline goes on under them). Plain text nodes (and <wbr>) only.
 */
function textCell(it: ReportItem): HTMLTableCellElement {
  const td = el('td', 'text');
  const spans = (it.drivers ?? []).filter((d) => Number.isInteger(d.start) && Number.isInteger(d.end) && d.start >= 0 && d.end <= it.text.length && d.end > d.start).sort((a, b) => a.start - b.start);
  const found = matchRanges(it.text, highlight.query, highlight.themes);
  let at = 0;
  for (const d of spans) {
    if (d.start < at) continue;
    if (d.start > at) appendMarked(td, it.text, at, d.start, found);
    const m = el('mark', d.weight > 0 ? `driver for-${it.label}` : 'driver against');
    appendMarked(m, it.text, d.start, d.end, found, false);
    m.title = `${d.weight > 0 ? 'drove' : 'argued against'} "${it.label}": ${d.weight > 0 ? '+' : '−'}${pointsText(d.weight)} points`;
    td.append(m);
    at = d.end;
  }
  if (at < it.text.length) appendMarked(td, it.text, at, it.text.length, found);
  if (spans.length) {
    // as the Markdown report names them: each word once, no function words ("the", "it"); every driver stays marked
    const pro = namedWords(spans.filter((d) => d.weight > 0).sort((a, b) => b.weight - a.weight).map((d) => it.text.slice(d.start, d.end))).map((w) => `“${w}”`);
    td.title = pro.length ? `Driven by ${pro.join(', ')} (occlusion over the model)` : '';
  }
  return td;
}

function render(): void {
  if (!report) return;
  const r = report;
  const parts: HTMLElement[] = [renderHeader(r), renderDistribution(r)];
  const tl = renderTimeline(r);
  if (tl) parts.push(tl);
  // report.md's sections, in its order after the themes; the table of items last
  for (const sec of [renderThemes(r), renderAspects(r), renderCategories(r), renderRating(r)]) if (sec) parts.push(sec);
  parts.push(renderItems(r));
  app.replaceChildren(...parts);
}

messenger.on('report', (msg) => {
  if (report?.id !== msg.report.id) shownRows = PAGE;
  report = msg.report;
  // a new or re-read report: its search (if any) is asked again
  remote = undefined;
  keepingFocus(render);
});
messenger.on('searchResults', (msg) => onSearchAnswer(msg.reportId, searchKey(msg.reportId, msg.query, msg.label), (rem) => (rem.result = msg)));
messenger.on('searchFailed', (msg) => onSearchAnswer(msg.reportId, searchKey(msg.reportId, msg.query, msg.label), (rem) => (rem.failed = msg.message)));
messenger.on('labelled', (msg) => {
  if (!report || report.id !== msg.reportId) return;
  const it = report.items[msg.index] ?? remote?.result?.items.find((x) => x.i === msg.index);
  if (it) it.labelled = msg.label;
  report.labelledCount = msg.count;
  labelsFile = msg.file;
  renderLabelsLine(report);
});
messenger.on('empty', (msg) => {
  report = undefined;
  renderMessage(msg.reason, 'muted', msg.canAnalyze === true);
});
messenger.on('error', (msg) => {
  report = undefined;
  renderMessage(msg.message, 'error');
});
messenger.post('ready', {});

// What the Report view shows of a report's summary.json beyond its rows: the sections report.md has (confidence,
// product, aspects, time notes and the themes that grew, categories, rating agreement and its disagreements, files and
// warnings), read defensively (an older or hand-edited summary.json lacks fields or has others) into the view's model.
// Node only, no 'vscode': unit-tested.
import path from 'node:path';
import { describeRatingScale } from '../core/readers/columns';
import { SENTIMENTS, type ListedItem, type ReportAspects, type ReportCategory, type ReportFile, type ReportModel, type ReportRating, type ReportTheme, type ReportTime, type Sentiment } from '../webview/report/messages';

/** Sizes sent at most (summary.json is written by the engine with fewer; a hand-made one is cut). */
const MAX = { files: 200, scales: 20, warnings: 50, warning: 2000, themes: 30, aspects: 30, growing: 20, categories: 20, categoryRows: 500, value: 300, disagreements: 30, text: 2000 } as const;

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, max = 1000): string | undefined => (typeof v === 'string' && v ? (v.length > max ? `${v.slice(0, max)}…` : v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
const share = (v: unknown): number | undefined => {
  const x = num(v);
  return x !== undefined && x >= 0 && x <= 1 ? x : undefined;
};
function counts(v: unknown): Record<Sentiment, number> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out = { negative: 0, neutral: 0, positive: 0 };
  for (const l of SENTIMENTS) {
    const n = count(o[l]);
    if (n === undefined) return undefined;
    out[l] = n;
  }
  return out;
}

/** A theme as the view has it (term, count, its negative and positive items, the written forms of its variants). */
function theme(v: unknown): ReportTheme | undefined {
  const o = obj(v);
  const term = str(o?.phrase, MAX.value);
  const n = count(o?.count);
  const c = counts(o?.counts);
  if (!term || n === undefined || !c) return undefined;
  const variants = arr(o?.variants).filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 100).slice(0, 12);
  return { term, count: n, negative: c.negative, positive: c.positive, ...(variants.length ? { variants } : {}) };
}

/** The files read, the first MAX.files of them, and how many there were (`count`: more than those listed). */
function files(v: unknown, shown: (file: string) => string): { list?: ReportFile[]; count?: number } {
  const out: ReportFile[] = [];
  let valid = 0;
  for (const f of arr(v)) {
    const o = obj(f);
    const file = str(o?.file, 4096);
    const items = count(o?.items);
    if (!file || items === undefined) continue;
    // (every file counted; the first MAX.files listed)
    if (valid++ >= MAX.files) continue;
    const textColumn = str(o?.textColumn, MAX.value);
    out.push({ file: shown(file), format: str(o?.format, 20) ?? '', encoding: str(o?.encoding, 40) ?? '', items, ...(textColumn ? { textColumn } : {}) });
  }
  return out.length ? { list: out, ...(valid > out.length ? { count: valid } : {}) } : {};
}

function aspects(v: unknown): ReportAspects | undefined {
  const o = obj(v);
  const contrastiveItems = count(o?.contrastiveItems);
  if (!contrastiveItems) return undefined;
  const findings: ReportAspects['findings'] = [];
  for (const f of arr(o?.findings).slice(0, MAX.aspects)) {
    const x = obj(f);
    const aspect = str(x?.aspect, MAX.value);
    const clauses = count(x?.mentions);
    const c = counts(x?.counts);
    if (aspect && clauses !== undefined && c) findings.push({ aspect, clauses, praised: c.positive, criticized: c.negative });
  }
  return { contrastiveItems, findings };
}

function time(v: unknown, total: number): ReportTime | undefined {
  const o = obj(v);
  const buckets = arr(o?.buckets);
  if (!o || !buckets.length) return undefined;
  const columns = arr(o.columns).filter((c): c is string => typeof c === 'string').slice(0, 20).map((c) => str(c, MAX.value)!);
  const dated = buckets.reduce<number>((a, b) => a + (count(obj(b)?.total) ?? 0), 0);
  const undated = count(o.undated) ?? 0;
  const growing: ReportTime['growing'] = [];
  for (const g of arr(o.growingThemes).slice(0, MAX.growing)) {
    const x = obj(g);
    const term = str(x?.phrase, MAX.value);
    const earlyShare = share(x?.earlyShare), lateShare = share(x?.lateShare), lateCount = count(x?.lateCount), negativeShare = share(x?.negativeShare);
    if (!term || earlyShare === undefined || lateShare === undefined || lateCount === undefined || negativeShare === undefined) continue;
    const earlyCount = count(x?.earlyCount);
    growing.push({ term, earlyShare, lateShare, lateCount, negativeShare, ...(earlyCount !== undefined ? { earlyCount } : {}) });
  }
  const s = obj(o.split);
  const lastEarly = str(s?.lastEarly, 40), firstLate = str(s?.firstLate, 40);
  const earlyItems = count(s?.earlyItems), lateItems = count(s?.lateItems), minItems = count(s?.minItems);
  const split = lastEarly && firstLate && earlyItems !== undefined && lateItems !== undefined && minItems !== undefined ? { lastEarly, firstLate, earlyItems, lateItems, minItems } : undefined;
  return {
    columns,
    granularity: str(o.granularity, 20) ?? '',
    undated,
    placeholders: count(o.placeholders) ?? 0,
    noDateColumn: Math.max(0, total - dated - undated),
    notes: arr(o.notes).map((n) => str(n, MAX.warning)).filter((n): n is string => !!n).slice(0, 20),
    growing,
    ...(split ? { split } : {}),
  };
}

/** Category columns with something to compare (one value for every item, as a language column "en" throughout, is left out, as report.md does). */
function categories(v: unknown, total: number): ReportCategory[] | undefined {
  const out: ReportCategory[] = [];
  for (const c of arr(v).slice(0, MAX.categories)) {
    const o = obj(c);
    const column = str(o?.column, MAX.value);
    if (!column) continue;
    const rows: ReportCategory['rows'] = [];
    let covered = 0;
    for (const r of arr(o?.rows)) {
      const x = obj(r);
      const value = typeof x?.value === 'string' ? (x.value.length > MAX.value ? `${x.value.slice(0, MAX.value)}…` : x.value) : undefined;
      const n = count(x?.total);
      const k = counts(x?.counts);
      if (value === undefined || n === undefined || !k) continue;
      covered += n;
      if (rows.length < MAX.categoryRows) rows.push({ value, total: n, ...k });
    }
    const merged = o?.merged === true;
    if (!rows.length || (rows.length === 1 && rows[0].total === total && !merged)) continue;
    out.push({ column, covered, merged, rows });
  }
  return out.length ? out : undefined;
}

/** A rating scale's range as report.md writes it: "1–5", "NPS". */
function range(scale: Record<string, unknown> | undefined): string {
  if (scale?.nps === true) return 'NPS';
  const min = num(scale?.min), max = num(scale?.max);
  return min !== undefined && max !== undefined ? `${min}–${max}` : '';
}

function byLabel(v: unknown): Record<Sentiment, number | null> {
  const o = obj(v);
  const out: Record<Sentiment, number | null> = { negative: null, neutral: null, positive: null };
  for (const l of SENTIMENTS) out[l] = num(o?.[l]) ?? null;
  return out;
}

type Drivers = NonNullable<ListedItem['drivers']>;

/** Driver spans inside the (possibly shortened) text shown, not overlapping. */
function drivers(v: unknown, text: string): Drivers | undefined {
  const d = arr(v)
    .map(obj)
    .filter((x): x is Record<string, unknown> => !!x && Number.isInteger(x.start) && Number.isInteger(x.end) && num(x.weight) !== undefined)
    .map((x) => ({ start: x.start as number, end: x.end as number, weight: x.weight as number }));
  const sorted = [...d].sort((a, b) => a.start - b.start);
  const ok = sorted.every((x, i) => x.start >= 0 && x.end > x.start && x.end <= text.length && (i === 0 || x.start >= sorted[i - 1].end));
  return d.length && ok ? d : undefined;
}

function rating(
  v: unknown,
  at: (source: string) => { file: string; shown: string },
  firstIndex: number,
  sources: { file: string; line: number }[],
): ReportRating | undefined {
  const g = obj(v);
  const rated = count(g?.rated);
  const agreement = share(g?.agreement);
  const m = obj(g?.matrix);
  if (!g || !rated || agreement === undefined || !m) return undefined;
  const matrix = {} as ReportRating['matrix'];
  for (const l of SENTIMENTS) {
    const row = counts(m[l]);
    if (!row) return undefined;
    matrix[l] = row;
  }
  // every rating column and its scale (an older summary has one scale and the columns joined by ", ")
  const scales = arr(g.scales).map(obj).filter((x): x is Record<string, unknown> => !!x && !!str(x.column) && !!obj(x.scale)).slice(0, MAX.scales);
  const list = scales.length ? scales : [{ column: g.column, scale: g.scale, rated, averageRatingByLabel: g.averageRatingByLabel, ratedByLabel: g.ratedByLabel }];
  const columns = [...new Set(scales.length ? scales.map((x) => str(x.column, MAX.value)!) : (str(g.column, MAX.value) ?? '').split(', ').filter(Boolean))].slice(0, MAX.scales);
  const several = list.length > 1 || columns.length > 1;
  const read = list
    .map((x) => {
      const s = obj(x.scale);
      const scale = { min: num(s?.min) ?? 1, max: num(s?.max) ?? 5, ...(s?.nps === true ? { nps: true } : {}) };
      return `${several ? `${str(x.column, MAX.value) ?? ''} as ` : ''}${describeRatingScale(scale)}`;
    })
    .join('; ');
  const averages = list.map((x) => {
    // the rated items each average rests on (a summary.json written before them has none: the averages alone)
    const items = counts(x.ratedByLabel);
    return { column: str(x.column, MAX.value) ?? '', range: range(obj(x.scale)), rated: count(x.rated) ?? 0, byLabel: byLabel(x.averageRatingByLabel), ...(items ? { items } : {}) };
  });
  const disagreements: ListedItem[] = [];
  for (const d of arr(g.disagreements).slice(0, MAX.disagreements)) {
    const o = obj(d);
    const source = str(o?.source, 4096);
    const line = count(o?.line);
    const full = typeof o?.text === 'string' ? o.text : undefined;
    const label = SENTIMENTS.find((l) => l === o?.label);
    const score = num(o?.score);
    const r = num(o?.rating);
    if (!source || !line || full === undefined || !label || score === undefined || r === undefined) continue;
    const cut = full.length > MAX.text;
    const text = cut ? `${full.slice(0, MAX.text)}…` : full;
    const place = at(source);
    const spans = drivers(o?.drivers, text);
    disagreements.push({ i: firstIndex + disagreements.length, source: place.shown, line, text, label, score, rating: r, ...(cut ? { cut: true } : {}), ...(spans ? { drivers: spans } : {}) });
    sources.push({ file: place.file, line });
  }
  const base = count(g.agreementBase) ?? rated;
  return { columns, read, agreement, base, rated, matrix, averages, disagreements };
}

export interface ReportSections {
  /** The model's fields from summary.json (merged into the ReportModel). */
  sections: Pick<ReportModel, 'twoWay' | 'averageConfidence' | 'lowConfidenceCount' | 'inputs' | 'files' | 'fileCount' | 'warnings' | 'themeSample' | 'productThemes' | 'aspects' | 'time' | 'categories' | 'rating'>;
  /** Where each listed item (rating.disagreements, numbered from `firstIndex`) came from. */
  listedSources: { file: string; line: number }[];
}

/**
 * The sections of a summary.json beyond the rows. `root`: the folder relative sources are resolved from; `display`: an
 * absolute path as the view shows it; `firstIndex`: the first listed item's `i` (after the report's items).
 */
export function reportSections(json: Record<string, unknown> | undefined, root: string, display: (abs: string) => string, firstIndex: number): ReportSections {
  const listedSources: ReportSections['listedSources'] = [];
  if (!json) return { sections: {}, listedSources };
  const at = (source: string) => {
    const file = path.resolve(root, source);
    return { file, shown: display(file) };
  };
  const total = count(json.total) ?? 0;
  const themeSample = count(json.themeSample);
  const productThemes = arr(json.productThemes).slice(0, MAX.themes).map(theme).filter((t): t is ReportTheme => !!t);
  const warnings = arr(json.warnings).map((w) => str(w, MAX.warning)).filter((w): w is string => !!w);
  const read = files(json.files, (f) => at(f).shown);
  // what was analyzed (a file or a folder, as the report's title names it), shown as the files are; a folder (files were
  // read under it) ends with a separator, so the title says "feedback/" even when it is a workspace folder itself, whose
  // files are shown relative to it ("app-reviews.csv", nothing to tell the view it was under "feedback")
  const readAbs = arr(json.files).map((f) => str(obj(f)?.file, 4096)).filter((f): f is string => !!f).map((f) => path.resolve(root, f));
  const inputs = arr(json.inputs).map((x) => str(x, 4096)).filter((x): x is string => !!x).slice(0, MAX.files).map((x) => {
    const { file, shown } = at(x);
    const under = file.endsWith(path.sep) ? file : file + path.sep;
    return readAbs.some((f) => f.startsWith(under)) && !/[\\/]$/.test(shown) ? shown + path.sep : shown;
  });
  const sections: ReportSections['sections'] = {
    ...(json.twoWay === true ? { twoWay: true } : {}),
    ...(share(json.averageConfidence) !== undefined ? { averageConfidence: share(json.averageConfidence) } : {}),
    ...(count(json.lowConfidenceCount) !== undefined ? { lowConfidenceCount: count(json.lowConfidenceCount) } : {}),
    ...(inputs.length ? { inputs } : {}),
    files: read.list,
    fileCount: read.count,
    // the count says how many there were when more than are shown
    ...(warnings.length ? { warnings: warnings.length > MAX.warnings ? [...warnings.slice(0, MAX.warnings - 1), `… and ${warnings.length - MAX.warnings + 1} more warnings (report.md lists them all)`] : warnings } : {}),
    ...(themeSample !== undefined && themeSample < total ? { themeSample } : {}),
    ...(productThemes.length ? { productThemes } : {}),
    aspects: aspects(json.aspects),
    time: time(json.time, total),
    categories: categories(json.categories, total),
    rating: rating(json.rating, at, firstIndex, listedSources),
  };
  for (const k of Object.keys(sections) as (keyof typeof sections)[]) if (sections[k] === undefined) delete sections[k];
  return { sections, listedSources };
}

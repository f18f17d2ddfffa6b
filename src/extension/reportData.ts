// Pure(ish) host-side reading of analysis reports for the Report view: finds the newest report folder
// and turns its files (summary.json / result.json when present, results.csv) into the ReportModel the
// webview renders. Node fs only, no 'vscode': unit-tested.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SENTIMENTS, type ReportItem, type ReportModel, type Sentiment } from '../webview/report/messages';
import { isInside } from './args';

export const REPORTS_SUBDIR = path.join('.product-forge', 'reports');
/** Rows sent to the webview at most (the CSV holds them all). */
export const MAX_VIEW_ITEMS = 5000;
/** Bytes of results.csv read at most. */
const MAX_CSV_BYTES = 32 * 1024 * 1024;

export interface ReportFolder {
  dir: string;
  mtimeMs: number;
}

/** The report folders under each root's .product-forge/reports, newest first. */
export async function listReports(roots: readonly string[]): Promise<ReportFolder[]> {
  const out: ReportFolder[] = [];
  for (const root of roots) {
    const base = path.join(root, REPORTS_SUBDIR);
    const names = await readdir(base).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith('.')) continue; // temp folders being written
      const dir = path.join(base, name);
      const marker = (await stat(path.join(dir, 'report.md')).catch(() => undefined)) ?? (await stat(path.join(dir, 'results.csv')).catch(() => undefined));
      if (marker?.isFile()) out.push({ dir, mtimeMs: marker.mtimeMs });
    }
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || b.dir.localeCompare(a.dir));
}

/** The folder holding `.product-forge/reports/<name>` (where relative sources are resolved from). */
export function reportRootOf(reportDir: string): string {
  return path.resolve(reportDir, '..', '..', '..');
}

/** RFC 4180 rows (quotes, doubled quotes, newlines in quotes); the delimiter is ',' or '\t'. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function findColumn(header: string[], names: readonly string[]): number {
  const norm = header.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  for (const n of names) {
    const i = norm.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

const DATE_COLUMNS = ['date', 'created', 'created_at', 'createdat', 'timestamp', 'time', 'submitted', 'submitted_at', 'day'];

export interface SourceRef {
  /** Absolute path of the source file. */
  file: string;
  line: number;
}

export interface LoadedReport {
  model: ReportModel;
  /** Where each model item came from (host-only; the webview sends back an index). */
  sources: SourceRef[];
  /** Source files the report names (absolute). */
  sourceFiles: Set<string>;
  reportPath?: string;
  csvPath?: string;
}

function asSentiment(v: unknown): Sentiment | undefined {
  const s = String(v ?? '').trim().toLowerCase();
  if ((SENTIMENTS as readonly string[]).includes(s)) return s as Sentiment;
  if (s === 'neg') return 'negative';
  if (s === 'pos') return 'positive';
  if (s === 'neu') return 'neutral';
  return undefined;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8'));
    return raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : undefined;
  } catch {
    return undefined;
  }
}

async function readHead(file: string, maxBytes: number): Promise<{ text: string; partial: boolean }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const n = Math.min(size, maxBytes);
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, 0);
    let text = buf.toString('utf8');
    if (n < size) text = text.slice(0, text.lastIndexOf('\n') + 1);
    return { text, partial: n < size };
  } finally {
    await fh.close();
  }
}

/** Parses a date-ish cell to YYYY-MM-DD (or undefined). */
export function dayOf(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const s = v.trim();
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(s);
  if (iso) return `${iso[1]}-${iso[2].padStart(2, '0')}-${iso[3].padStart(2, '0')}`;
  if (/^\d{10}(\d{3})?$/.test(s)) {
    const d = new Date(Number(s) * (s.length === 10 ? 1000 : 1));
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
  }
  if (!/[a-z]{3}|\d{1,2}\/\d{1,2}\/\d{2,4}/i.test(s)) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

/** Counts per day, week (Monday) or month, chosen so there are at most ~60 periods. */
export function buildTimeline(entries: readonly { day: string; label: Sentiment }[]): ReportModel['timeline'] {
  if (!entries.length) return [];
  const days = entries.map((e) => e.day).sort();
  const spanDays = (Date.parse(days[days.length - 1]) - Date.parse(days[0])) / 86_400_000;
  const unit: 'day' | 'week' | 'month' = spanDays <= 60 ? 'day' : spanDays <= 420 ? 'week' : 'month';
  const key = (day: string): string => {
    if (unit === 'day') return day;
    if (unit === 'month') return day.slice(0, 7);
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return d.toISOString().slice(0, 10);
  };
  const map = new Map<string, { period: string; negative: number; neutral: number; positive: number }>();
  for (const e of entries) {
    const k = key(e.day);
    let b = map.get(k);
    if (!b) map.set(k, (b = { period: k, negative: 0, neutral: 0, positive: 0 }));
    b[e.label]++;
  }
  return [...map.values()].sort((a, b) => a.period.localeCompare(b.period));
}

const STOP = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its just me my no not of ' +
    'on or our so some than that the their them then there these they this to too was we were what when which who will with would ' +
    'you your very really also get got one all more out up about after any because been being both each few just like make much ' +
    'only other over own same should such through under until while why am im ive dont cant its').split(' '),
);

/** Most frequent content words with their sentiment split (when the report has no themes of its own). */
export function topTerms(items: readonly { text: string; label: Sentiment }[], max = 15): ReportModel['themes'] {
  const counts = new Map<string, { count: number; negative: number; positive: number }>();
  for (const it of items) {
    const seen = new Set<string>();
    for (const m of it.text.toLowerCase().matchAll(/[\p{L}][\p{L}\p{N}'’-]{2,}/gu)) {
      const w = m[0].replace(/['’]/g, '');
      if (STOP.has(w) || seen.has(w)) continue;
      seen.add(w);
      let c = counts.get(w);
      if (!c) counts.set(w, (c = { count: 0, negative: 0, positive: 0 }));
      c.count++;
      if (it.label === 'negative') c.negative++;
      if (it.label === 'positive') c.positive++;
    }
  }
  return [...counts.entries()]
    .filter(([, c]) => c.count >= 2)
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([term, c]) => ({ term, ...c }));
}

/** Themes from a result JSON, whatever the exact field names (term/label/name, count/size/n). */
function themesFromJson(v: unknown): ReportModel['themes'] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: ReportModel['themes'] = [];
  for (const t of v) {
    if (!t || typeof t !== 'object') continue;
    const o = t as Record<string, unknown>;
    const term = [o.term, o.label, o.name, o.theme, o.phrase].find((x) => typeof x === 'string') as string | undefined;
    const count = [o.count, o.size, o.n, o.items].find((x) => typeof x === 'number') as number | undefined;
    if (!term || count === undefined) continue;
    const dist = (o.counts ?? o.sentiment ?? o.distribution ?? o) as Record<string, unknown>;
    out.push({ term, count, negative: Number(dist.negative) || 0, positive: Number(dist.positive) || 0 });
  }
  return out.length ? out.slice(0, 30) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The engine's time series ({granularity, buckets: [{start, label, counts}]}) as timeline rows. */
function timelineFromJson(v: unknown): ReportModel['timeline'] | undefined {
  const buckets = (v as { buckets?: unknown } | undefined)?.buckets;
  if (!Array.isArray(buckets) || !buckets.length) return undefined;
  const out: ReportModel['timeline'] = [];
  for (const b of buckets) {
    const o = (b ?? {}) as Record<string, unknown>;
    const c = (o.counts ?? o) as Record<string, unknown>;
    const period = str(o.label) ?? str(o.start);
    if (!period) return undefined;
    out.push({ period, negative: Number(c.negative) || 0, neutral: Number(c.neutral) || 0, positive: Number(c.positive) || 0 });
  }
  return out;
}

/**
 * Builds the view model of one report folder. `workspaceRoots` are used to show sources relative to
 * their workspace folder.
 */
export async function loadReport(dir: string, workspaceRoots: readonly string[] = [], maxItems = MAX_VIEW_ITEMS): Promise<LoadedReport> {
  const root = reportRootOf(dir);
  const json = (await readJson(path.join(dir, 'summary.json'))) ?? (await readJson(path.join(dir, 'result.json')));
  const csvPath = path.join(dir, 'results.csv');
  const hasCsv = !!(await stat(csvPath).catch(() => undefined))?.isFile();
  const reportPath = path.join(dir, 'report.md');
  const hasMd = !!(await stat(reportPath).catch(() => undefined))?.isFile();

  const items: ReportItem[] = [];
  const sources: SourceRef[] = [];
  const sourceFiles = new Set<string>();
  const dated: { day: string; label: Sentiment }[] = [];
  const all: { text: string; label: Sentiment }[] = [];
  const distribution: Record<Sentiment, number> = { negative: 0, neutral: 0, positive: 0 };
  let rows = 0;
  let partial = false;

  const display = (abs: string): string => {
    const ws = workspaceRoots.find((r) => isInside(r, abs));
    return ws ? path.relative(ws, abs) || path.basename(abs) : abs;
  };

  if (hasCsv) {
    const head = await readHead(csvPath, MAX_CSV_BYTES);
    partial = head.partial;
    const table = parseCsv(head.text);
    const header = table.shift() ?? [];
    const c = {
      source: findColumn(header, ['source', 'file', 'source_file', 'path']),
      line: findColumn(header, ['line', 'source_line', 'line_number', 'row']),
      text: findColumn(header, ['text', 'feedback', 'comment', 'content']),
      label: findColumn(header, ['label', 'sentiment', 'predicted', 'prediction']),
      score: findColumn(header, ['score', 'confidence', 'probability']),
      neg: findColumn(header, ['negative', 'score_negative', 'p_negative']),
      neu: findColumn(header, ['neutral', 'score_neutral', 'p_neutral']),
      pos: findColumn(header, ['positive', 'score_positive', 'p_positive']),
      date: findColumn(header, DATE_COLUMNS),
    };
    if (c.text < 0) throw new Error(`${csvPath} has no text column.`);
    for (const r of table) {
      if (r.length === 1 && r[0] === '') continue;
      const probs = { negative: Number(r[c.neg]), neutral: Number(r[c.neu]), positive: Number(r[c.pos]) };
      let label = c.label >= 0 ? asSentiment(r[c.label]) : undefined;
      if (!label && c.neg >= 0 && c.pos >= 0) {
        label = SENTIMENTS.reduce((best, l) => ((probs[l] || 0) > (probs[best] || 0) ? l : best), 'neutral' as Sentiment);
      }
      if (!label) continue;
      rows++;
      distribution[label]++;
      const text = r[c.text] ?? '';
      all.push({ text, label });
      const day = c.date >= 0 ? dayOf(r[c.date]) : undefined;
      if (day) dated.push({ day, label });
      if (items.length >= maxItems) continue;
      const src = c.source >= 0 && r[c.source] ? r[c.source] : '';
      const abs = src ? path.resolve(root, src) : '';
      if (abs) sourceFiles.add(abs);
      const line = Math.max(1, Math.floor(Number(r[c.line])) || 1);
      let score = c.score >= 0 ? Number(r[c.score]) : probs[label];
      if (!Number.isFinite(score)) score = 0;
      items.push({ i: items.length, source: abs ? display(abs) : '', line, text: text.length > 2000 ? `${text.slice(0, 2000)}…` : text, label, score, date: day });
      sources.push({ file: abs, line });
    }
  }

  // Totals from the JSON summary when it has them (covers rows beyond what was read).
  const jd = (json?.counts ?? json?.distribution ?? json?.labels) as Record<string, unknown> | undefined;
  if (jd && typeof jd === 'object' && SENTIMENTS.every((l) => typeof jd[l] === 'number' || typeof (jd[l] as { count?: unknown })?.count === 'number')) {
    for (const l of SENTIMENTS) distribution[l] = typeof jd[l] === 'number' ? (jd[l] as number) : ((jd[l] as { count: number }).count);
  }
  const total = typeof json?.total === 'number' ? json.total : SENTIMENTS.reduce((s, l) => s + distribution[l], 0);
  const jsonModel = json?.model && typeof json.model === 'object' ? (json.model as Record<string, unknown>) : undefined;
  if (!hasCsv && !json && !hasMd) throw new Error(`${dir} holds no report (report.md, results.csv).`);
  const model: ReportModel = {
    id: path.basename(dir),
    dir: display(dir),
    createdAt: str(json?.startedAt) ?? str(json?.createdAt),
    modelId: str(jsonModel?.id) ?? str(json?.modelId) ?? str(json?.model),
    device: str(jsonModel?.device) ?? str(json?.device),
    total,
    distribution,
    timeline: timelineFromJson(json?.time) ?? buildTimeline(dated),
    themes: themesFromJson(json?.themes) ?? topTerms(all),
    items,
    truncated: partial || rows > items.length || total > items.length,
    lowConfidence: num(json?.lowConfidenceThreshold) ?? num(json?.lowConfidence),
    hasCsv,
  };
  return { model, sources, sourceFiles, reportPath: hasMd ? reportPath : undefined, csvPath: hasCsv ? csvPath : undefined };
}

/**
 * Whether the view may open `file`: inside a workspace folder, or one of the report's own sources
 * (a report written next to feedback outside the workspace).
 */
export function mayOpen(file: string, workspaceRoots: readonly string[], reportSources: ReadonlySet<string>): boolean {
  if (!file || !path.isAbsolute(file)) return false;
  const abs = path.resolve(file);
  return workspaceRoots.some((r) => isInside(r, abs)) || reportSources.has(abs);
}

// Output writers: Markdown report, per-item CSV, JSONL and whole-result JSON, as streams of text chunks
// (bounded memory), to files (atomic, never overwriting) or to a report folder.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { escapeFormula, RESULTS_CSV_COLUMNS } from '../csvFormula';
import { AtomicFileWriter, safeName, timestamp, writeDirAtomically } from '../fsutil';
import { CancelledError, throwIfAborted } from '../types';
import { readItemResults, type AnalysisResult, type ItemResult } from './analyze';
import { formatDrivers } from './explain';
import { renderMarkdown, type MarkdownOptions } from './markdown';
import { sentimentOverTimeSvg } from './svg';

export type OutputFormat = 'md' | 'csv' | 'jsonl' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['md', 'csv', 'jsonl', 'json'];

const FIXED_CSV: readonly string[] = RESULTS_CSV_COLUMNS;

/**
 * One cell of the results CSV: quoted when needed, and a text that a spreadsheet would run as a formula (= + - @, a tab
 * or carriage return first; not a plain number) gets a leading apostrophe, as does one that starts with an apostrophe
 * (csvFormula.ts; every reader of such a file drops the one it added).
 */
export function csvCell(v: string | number): string {
  const raw = String(v);
  const s = escapeFormula(raw);
  return /[",\r\n]|^\s|\s$/.test(raw) ? `"${s.replace(/"/g, '""')}"` : s;
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

/** Every item has drivers (--explain): the CSV gets a `drivers` column after the scores. */
const everyItemExplained = (result: AnalysisResult): boolean => result.explained === 'all';

function csvHeader(result: AnalysisResult): string[] {
  const fixed = everyItemExplained(result) ? [...FIXED_CSV, 'drivers'] : FIXED_CSV;
  // A kept column whose name collides with a fixed one gets a prefix.
  return [...fixed, ...result.fieldNames.map((f) => (fixed.includes(f) ? `field_${f}` : f))];
}

function csvRow(it: ItemResult, fieldNames: string[], drivers: boolean): string {
  const cells: (string | number)[] = [it.source, it.line, it.text, it.label, r4(it.score), r4(it.scores.negative), r4(it.scores.neutral), r4(it.scores.positive)];
  if (drivers) cells.push(formatDrivers(it.drivers ?? []));
  for (const f of fieldNames) cells.push(it.fields?.[f] ?? '');
  return cells.map(csvCell).join(',');
}

/**
 * JSONL line shape: {"source","line","text","label","score","scores":{...}} (+ "fields" when the row had
 * other columns, + "drivers": [{"token","start","end","weight"}] when the item was explained).
 */
function jsonlObject(it: ItemResult): Record<string, unknown> {
  const o: Record<string, unknown> = { source: it.source, line: it.line, text: it.text, label: it.label, score: r4(it.score), scores: { negative: r4(it.scores.negative), neutral: r4(it.scores.neutral), positive: r4(it.scores.positive) } };
  if (it.fields) o.fields = it.fields;
  if (it.drivers) o.drivers = it.drivers;
  return o;
}

/** The result without internal fields (the temp file path), for JSON output and UIs. */
export function publicResult(result: AnalysisResult): Omit<AnalysisResult, 'itemsFile'> {
  const { itemsFile, ...rest } = result;
  void itemsFile;
  return rest;
}

/** Streams an output format as text chunks. `md` options apply to the Markdown report only. */
export async function* outputChunks(result: AnalysisResult, format: OutputFormat, opts: { signal?: AbortSignal; markdown?: MarkdownOptions } = {}): AsyncGenerator<string> {
  const signal = opts.signal;
  if (format === 'md') {
    yield renderMarkdown(result, opts.markdown);
    return;
  }
  const buf: string[] = [];
  let size = 0;
  const flushIf = function* (force = false): Generator<string> {
    if (buf.length && (force || size > 256 * 1024)) {
      yield buf.join('');
      buf.length = 0;
      size = 0;
    }
  };
  const add = (s: string) => {
    buf.push(s);
    size += s.length;
  };
  if (format === 'csv') {
    add('\uFEFF' + csvHeader(result).map(csvCell).join(',') + '\r\n');
    const drivers = everyItemExplained(result);
    for await (const it of readItemResults(result, signal)) {
      add(csvRow(it, result.fieldNames, drivers) + '\r\n');
      yield* flushIf();
    }
  } else if (format === 'jsonl') {
    for await (const it of readItemResults(result, signal)) {
      add(JSON.stringify(jsonlObject(it)) + '\n');
      yield* flushIf();
    }
  } else {
    const head = JSON.stringify(publicResult(result), null, 2);
    // Insert "items": [...] as the last property, streamed.
    add(head.slice(0, head.lastIndexOf('}')).trimEnd() + ',\n  "items": [');
    let first = true;
    for await (const it of readItemResults(result, signal)) {
      add((first ? '\n    ' : ',\n    ') + JSON.stringify(jsonlObject(it)));
      first = false;
      yield* flushIf();
    }
    add(first ? ']\n}\n' : '\n  ]\n}\n');
  }
  yield* flushIf(true);
  throwIfAborted(signal);
}

/** Writes one output format to `file` atomically; refuses an existing file unless `overwrite`. */
export async function writeOutputFile(result: AnalysisResult, format: OutputFormat, file: string, opts: { overwrite?: boolean; signal?: AbortSignal; markdown?: MarkdownOptions } = {}): Promise<void> {
  const w = await AtomicFileWriter.create(file, { overwrite: opts.overwrite });
  try {
    for await (const chunk of outputChunks(result, format, opts)) {
      if (opts.signal?.aborted) throw new CancelledError();
      await w.write(chunk);
    }
    await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

export interface ReportPaths {
  dir: string;
  report: string;
  resultsCsv: string;
  /** summary.json: the whole result without per-item rows (the Report view reads it). */
  summary: string;
  chart?: string;
}

export interface WriteReportOptions {
  /** The workspace: reports go to <workspaceDir>/.product-forge/reports/ unless reportsDir is given. */
  workspaceDir: string;
  /** Name stem, e.g. the analyzed file's name ("app-reviews.csv" -> "app-reviews"). */
  baseName: string;
  /** Folder to create the report folder in (overrides the workspace default). */
  reportsDir?: string;
  signal?: AbortSignal;
  /** Also write results.jsonl (default false). */
  jsonl?: boolean;
  date?: Date;
}

/**
 * Writes report.md, results.csv, summary.json and (when dated) sentiment-over-time.svg into a new folder
 * `<reports>/<name>-<YYYYMMDD-HHMMSS>[-n]/`, built in a temp folder and renamed into place:
 * nothing existing is overwritten and nothing half-written remains on error or cancel.
 */
export async function writeReport(result: AnalysisResult, opts: WriteReportOptions): Promise<ReportPaths> {
  const parent = opts.reportsDir ?? path.join(opts.workspaceDir, '.product-forge', 'reports');
  const base = `${safeName(opts.baseName)}-${timestamp(opts.date)}`;
  const hasChart = !!result.time && result.time.buckets.length > 0;
  const dir = await writeDirAtomically(
    parent,
    base,
    async (tmp) => {
      if (hasChart) {
        const svg = sentimentOverTimeSvg(result.time!.buckets.map((b) => ({ label: b.label, ...b.counts })), `Sentiment by ${result.time!.granularity}`);
        await fsp.writeFile(path.join(tmp, 'sentiment-over-time.svg'), svg, { flag: 'wx' });
      }
      throwIfAborted(opts.signal);
      await writeOutputFile(result, 'csv', path.join(tmp, 'results.csv'), { signal: opts.signal });
      if (opts.jsonl) await writeOutputFile(result, 'jsonl', path.join(tmp, 'results.jsonl'), { signal: opts.signal });
      const md = renderMarkdown(result, { chartFile: hasChart ? 'sentiment-over-time.svg' : undefined, relativeTo: opts.workspaceDir });
      await fsp.writeFile(path.join(tmp, 'report.md'), md + '\nPer-item results: [results.csv](results.csv)\n', { flag: 'wx' });
      // sourceRoot: where the relative sources are relative to, from the report folder ("../../.." in a workspace's
      // .product-forge/reports; the CLI's folder for --report-dir elsewhere), so the Report view opens them
      const sourceRoot = path.relative(path.join(parent, base), opts.workspaceDir).split(path.sep).join('/') || '.';
      await fsp.writeFile(path.join(tmp, 'summary.json'), JSON.stringify({ ...publicResult(result), sourceRoot }, null, 2), { flag: 'wx' });
      throwIfAborted(opts.signal);
    },
    opts.signal,
  );
  return {
    dir,
    report: path.join(dir, 'report.md'),
    resultsCsv: path.join(dir, 'results.csv'),
    summary: path.join(dir, 'summary.json'),
    chart: hasChart ? path.join(dir, 'sentiment-over-time.svg') : undefined,
  };
}

// "Analyze Feedback": a thin adapter from VS Code (menus, palette, progress, messages) to the engine
// (src/core/analysis) and the model worker (through SentimentModelHost).
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { inspectTable, NotATableError, type TableInspection } from '../core/readers';
import { CancelledError, throwIfAborted, UserError } from '../core/types';
import {
  COLUMN_EXTENSIONS,
  columnMemoryKey,
  commandTargets,
  commonTextColumns,
  dropCovered,
  FEEDBACK_EXTENSIONS,
  isFeedbackFile,
  isTableFile,
  localPath,
  MAX_HOST_JSON_BYTES,
  plural,
  reportBaseName,
  rememberedColumns,
  reportRoot,
  type TableColumns,
} from './args';
import { openReport } from './openReport';
import { readConfig } from './config';
import { isCancellation, PickerDismissed, reportCommandError } from './errors';
import type { SentimentModelHost } from './sentimentModel';
import type { Services } from './services';

/** Sampling interval of the event-loop histogram logged during an analysis. */
const LOOP_RESOLUTION_MS = 10;

export interface AnalyzeDeps {
  models: SentimentModelHost;
  /** Called with the folder of a report just written (the Report view shows it). */
  onReport?: (reportDir: string) => void;
  /** Focuses the Report view on that report. */
  showInReportView?: (reportDir: string) => unknown;
}

interface Target {
  fsPath: string;
  isDir: boolean;
}

export function registerAnalyzeCommands(services: Services, deps: AnalyzeDeps): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand('productForge.analyzeFeedback', (...args: unknown[]) => analyzeCommand(services, deps, args, false)),
    vscode.commands.registerCommand('productForge.analyzeFeedbackColumns', (...args: unknown[]) => analyzeCommand(services, deps, args, true)),
  );
}

async function analyzeCommand(services: Services, deps: AnalyzeDeps, args: unknown[], choose: boolean): Promise<string | undefined> {
  let scope: vscode.Uri | undefined;
  try {
    const targets = await pickTargets(args, choose);
    if (!targets) return undefined; // dialog dismissed
    scope = vscode.Uri.file(targets[0].fsPath);
    return await runAnalysis(services, deps, targets, choose);
  } catch (err) {
    await reportCommandError(services, err, {
      what: 'Analysis',
      scope,
      retry: () => vscode.commands.executeCommand(choose ? 'productForge.analyzeFeedbackColumns' : 'productForge.analyzeFeedback', ...args),
    });
    return undefined;
  }
}

/** Files/folders from the menu arguments, else the active editor's file, else an open dialog. */
async function pickTargets(args: unknown[], tablesOnly = false): Promise<Target[] | undefined> {
  let raw = commandTargets(args);
  if (!raw.length) {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && doc.uri.scheme === 'file' && isFeedbackFile(doc.uri.fsPath)) raw = [doc.uri];
  }
  if (!raw.length) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: !tablesOnly,
      canSelectMany: true,
      openLabel: 'Analyze Feedback',
      title: tablesOnly ? 'Choose a feedback table (CSV, TSV, JSON, JSONL)' : 'Choose feedback files or a folder',
      // a folder on this computer (in a virtual workspace the dialog opens where local files can be picked)
      defaultUri: vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri,
      filters: tablesOnly
        ? { 'Feedback tables': COLUMN_EXTENSIONS.map((e) => e.slice(1)), 'All files': ['*'] }
        : { Feedback: FEEDBACK_EXTENSIONS.map((e) => e.slice(1)), 'All files': ['*'] },
    });
    if (!picked?.length) return undefined;
    raw = picked;
  }
  const paths: string[] = [];
  for (const t of raw) {
    paths.push(path.resolve(typeof t === 'string' ? t : localPath(t, 'analyzed')));
  }
  const dirs = new Set<string>();
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new UserError(`${p} does not exist.`);
    if (st.isDirectory()) dirs.add(p);
    else if (!isFeedbackFile(p)) {
      throw new UserError(`${path.basename(p)} is not a feedback file: use ${FEEDBACK_EXTENSIONS.join(', ')} files or a folder.`);
    }
  }
  return dropCovered(paths, (p) => dirs.has(p)).map((p) => ({ fsPath: p, isDir: dirs.has(p) }));
}

/**
 * The text column(s) to use for the run's tables (CSV/TSV; JSON/JSONL too when `choose`). A table whose
 * detection is ambiguous is asked for once (a multi-select quick pick: several columns are joined per
 * row) and the answer is remembered per file; `choose` (Analyze Feedback: Choose Text Columns…) always
 * asks, starting from the remembered or detected columns. The engine reads every table of a run with
 * one column list, so files needing different columns are refused (analyze them one at a time).
 */
async function chooseColumns(services: Services, targets: Target[], choose: boolean): Promise<string[] | undefined> {
  const state = services.context.workspaceState;
  const tables: TableColumns[] = [];
  // A .txt may be a table too: Excel's "Unicode Text" export (UTF-16, tab-separated), which analyze reads as one.
  const isText = (p: string) => path.extname(p).toLowerCase() === '.txt';
  const askable = (p: string) => isText(p) || (choose ? (COLUMN_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase()) : isTableFile(p));
  const notTable = () => new UserError('Choose Text Columns works on a CSV, TSV, JSON or JSONL file; use Analyze Feedback for folders and text files.');
  if (choose && !targets.some((t) => !t.isDir && askable(t.fsPath))) throw notTable();
  let considered = 0;
  for (const t of targets) {
    if (t.isDir || !askable(t.fsPath)) continue;
    if (/\.json$/i.test(t.fsPath) && ((await stat(t.fsPath).catch(() => undefined))?.size ?? 0) > MAX_HOST_JSON_BYTES) {
      // Listing its fields means parsing it all on this thread: the analysis detects the field in the worker.
      void vscode.window.showInformationMessage(
        `${path.basename(t.fsPath)} is a JSON array over ${MAX_HOST_JSON_BYTES / 1048576} MB: its fields are not listed here, the text field is detected. Convert it to JSON Lines (.jsonl) to choose fields, or use the CLI's --column.`,
      );
      considered++; // a table, only too large to list here: no "not a table" error after this message
      continue;
    }
    const info = isText(t.fsPath) ? await textTable(t.fsPath) : await inspectTable(t.fsPath);
    if (!info) continue;
    considered++;
    const names = info.columns.map((c) => c.name);
    const entry: TableColumns = { file: t.fsPath, columns: names, detected: info.textColumn };
    tables.push(entry);
    const remembered = rememberedColumns(state.get(columnMemoryKey(t.fsPath)), names);
    if (!choose) {
      if (remembered) entry.chosen = remembered;
      if (remembered || (info.textColumn && !info.ambiguous)) continue;
    }
    // Asked: the text-like candidates (every column when choosing, text-like first).
    const candidates = choose
      ? [...info.candidates, ...names.filter((n) => !info.candidates.includes(n))]
      : info.candidates.length ? info.candidates : names;
    if (!candidates.length) {
      // A JSON list of plain texts has no fields to choose; the reader reports a table without text columns itself.
      if (choose && !names.length) void vscode.window.showInformationMessage(`${path.basename(t.fsPath)} is a list of texts: there are no fields to choose, every item is analyzed.`);
      continue;
    }
    if (!choose && candidates.length === 1) {
      entry.chosen = [candidates[0]];
      continue;
    }
    const start = remembered ?? (info.textColumn ? [info.textColumn] : []);
    const what = info.format === 'json' || info.format === 'jsonl' ? 'field' : 'column';
    const picks = await vscode.window.showQuickPick(
      candidates.map((name) => {
        const col = info.columns.find((c) => c.name === name);
        return {
          label: name,
          picked: start.includes(name),
          description: `${KIND_WORDS[col?.kind ?? ''] ?? col?.kind ?? ''}${name === info.textColumn ? ' (detected)' : ''}`,
          detail: col?.examples.length ? col.examples.map((e) => (e.length > 60 ? `${e.slice(0, 60)}…` : e)).join(' · ') : undefined,
        };
      }),
      {
        title: `Which ${what}s of ${path.basename(t.fsPath)} hold the feedback text? (remembered for this file)`,
        placeHolder: `Check one ${what}, or several to read them together per row`,
        canPickMany: true,
        ignoreFocusOut: true,
      },
    );
    if (!picks) throw new PickerDismissed(`no text ${what} chosen`);
    if (!picks.length) throw new UserError(`No text ${what} was checked for ${path.basename(t.fsPath)}: check at least one.`);
    // In the file's order, so "title" comes before "review" however they were clicked.
    entry.chosen = names.filter((n) => picks.some((p) => p.label === n));
    await state.update(columnMemoryKey(t.fsPath), entry.chosen);
  }
  if (choose && !considered) throw notTable();
  return commonTextColumns(tables);
}

/** A .txt file's columns when analyze reads it as a table, else undefined (its lines are the items). */
async function textTable(file: string): Promise<TableInspection | undefined> {
  try {
    return await inspectTable(file);
  } catch (e) {
    if (e instanceof NotATableError) return undefined;
    throw e;
  }
}

/** How the picker describes a column's inferred kind. */
const KIND_WORDS: Record<string, string> = { text: 'text', number: 'numbers', date: 'dates', category: 'categories', id: 'identifiers', empty: 'empty' };

async function runAnalysis(services: Services, deps: AnalyzeDeps, targets: Target[], choose = false): Promise<string | undefined> {
  const { output } = services;
  const inputs = targets.map((t) => t.fsPath);
  const scope = vscode.Uri.file(inputs[0]);
  const cfg = readConfig(scope, output);
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty && doc.uri.scheme === 'file' && inputs.includes(path.resolve(doc.uri.fsPath))) {
      void vscode.window.showWarningMessage(`${path.basename(doc.uri.fsPath)} has unsaved changes: the saved version is analyzed.`);
    }
  }
  const column = await chooseColumns(services, targets, choose);
  const folder = vscode.workspace.getWorkspaceFolder(scope);
  const root = reportRoot(inputs[0], targets[0].isDir, folder?.uri.fsPath);
  if (!folder) output.info(`${inputs[0]} is outside the workspace folders: the report goes to ${path.join(root, '.product-forge', 'reports')}.`);

  return vscode.window.withProgress(
    // named, so two analyses at once can be told apart (and each Cancel belongs to its own)
    { location: vscode.ProgressLocation.Notification, title: `Analyzing feedback in ${targets.length === 1 ? path.basename(inputs[0]) : `${targets.length} files`}`, cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      // Responsiveness of this (the extension host's) thread, logged per phase: finding and loading the
      // model (first use only), then the analysis itself, which runs entirely in the model worker.
      const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      loop.enable();
      let loadPhase: { max: number; mean: number } | undefined;
      let analysisPhase: { max: number; mean: number } | undefined;
      let reportDir: string | undefined;
      const longest = { ms: 0, at: 0, phase: '' };
      let ticker: ReturnType<typeof setInterval> | undefined;
      const longestGc = { ms: 0, at: 0, kind: '' };
      let gcObserver: PerformanceObserver | undefined;
      try {
        const { classifier, info } = await deps.models.get({
          signal: ac.signal,
          scope,
          report: (message) => progress.report({ message }),
        });
        loadPhase = { max: loop.max, mean: loop.count ? loop.mean : 0 };
        loop.reset();
        progress.report({ message: 'Reading feedback…' });
        output.info(`Analyzing ${inputs.join(', ')} with ${info.modelId} on ${info.device}.`);
        const t0 = performance.now();
        // Where the longest stall of this thread falls (the phase the worker last reported), for the log.
        let phaseNow = 'reading';
        let tick = performance.now();
        ticker = setInterval(() => {
          const now = performance.now();
          if (now - tick - 20 > longest.ms) Object.assign(longest, { ms: now - tick - 20, at: (now - t0) / 1000, phase: phaseNow });
          tick = now;
        }, 20);
        // The garbage collector's pauses of this thread (the whole extension host's heap), to tell them from the rest.
        gcObserver = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (e.duration > longestGc.ms) Object.assign(longestGc, { ms: e.duration, at: (e.startTime - t0) / 1000, kind: gcKind(e) });
          }
        });
        gcObserver.observe({ entryTypes: ['gc'] });
        let shownPct = 0;
        let lastUpdate = 0;
        let itemsSeen = 0;
        // The whole job (reading, inference, aggregation, report writing) runs in the model worker;
        // this thread only relays progress and opens the result.
        const job = await classifier.analyze(
          {
            inputs,
            column,
            lowConfidence: cfg.lowConfidence,
            twoWay: cfg.twoWay,
            report: { workspaceDir: root, baseName: reportBaseName(inputs) },
          },
          {
            signal: ac.signal,
            onProgress: (p) => {
              itemsSeen = p.itemsDone;
              phaseNow = p.phase;
              const now = performance.now();
              if (now - lastUpdate < 100 && p.phase !== 'done') return;
              lastUpdate = now;
              const pct = p.bytesTotal > 0 ? Math.min(99, Math.floor((100 * p.bytesDone) / p.bytesTotal)) : shownPct;
              const phase = p.phase === 'aspects' ? ' – comparing clauses' : p.phase === 'themes' ? ' – finding themes' : p.phase === 'done' ? ' – writing the report' : '';
              progress.report({
                increment: pct > shownPct ? pct - shownPct : undefined,
                message: `${plural(p.itemsDone, 'item')} (${Math.max(pct, shownPct)}%)${phase}`,
              });
              shownPct = Math.max(shownPct, pct);
            },
          },
        );
        clearInterval(ticker);
        gcObserver?.disconnect();
        analysisPhase = { max: loop.max, mean: loop.count ? loop.mean : 0 };
        loop.reset();
        const result = job.result;
        const written = job.report;
        if (!written) throw new Error('The model worker returned no report.');
        reportDir = written.dir;
        const seconds = (performance.now() - t0) / 1000;
        throwIfAborted(ac.signal);
        for (const w of result.warnings) output.warn(w);
        const items = result.total ?? itemsSeen;
        const rate = seconds > 0 ? items / seconds : items;
        output.info(
          `Analysis done: model ${info.modelId} (source ${info.source}), device ${info.device}` +
            `${info.fallbackReason ? ` (fallback: ${info.fallbackReason})` : ''}, load ${info.loadMs} ms, ` +
            `${items} items in ${seconds.toFixed(2)} s (${rate.toFixed(1)} items/s${result.sharedModel ? ', while another analysis ran beside it' : ''}), report ${written.report}`,
        );
        deps.onReport?.(written.dir);
        await openReport(written.report, cfg.openReport, output);
        const c = result.counts;
        void vscode.window
          .showInformationMessage(
            `Analyzed ${plural(items, 'item')}: ${c.negative} negative, ${c.neutral} neutral, ${c.positive} positive. ` +
              `Report in ${path.relative(root, written.dir) || written.dir}`,
            'Open CSV',
            'Show in Report View',
          )
          .then((pick) => {
            if (pick === 'Open CSV') void vscode.window.showTextDocument(vscode.Uri.file(written.resultsCsv), { preview: false });
            else if (pick === 'Show in Report View') void deps.showInReportView?.(written.dir);
          });
        return written.dir;
      } catch (err) {
        if (reportDir && isCancellation(err)) {
          // Cancelled after the report folder was renamed into place: remove it, the user asked for nothing.
          await rm(reportDir, { recursive: true, force: true }).catch(() => undefined);
        }
        if (ac.signal.aborted && !isCancellation(err)) throw new CancelledError();
        throw err;
      } finally {
        clearInterval(ticker);
        gcObserver?.disconnect();
        loop.disable();
        // Node's histogram records whole sampling intervals (an idle loop reads 10.2 ms at a 10 ms resolution): the
        // delay is what exceeds the interval.
        const ms = (ns: number) => (Math.max(0, ns - LOOP_RESOLUTION_MS * 1e6) / 1e6).toFixed(1);
        const phase = (p: { max: number; mean: number }) => `${ms(p.max)} ms (mean ${ms(p.mean)} ms)`;
        const rest = { max: loop.max, mean: loop.count ? loop.mean : 0 };
        output.info(
          `event loop max delay ${phase(analysisPhase ?? rest)} during the analysis (beyond the ${LOOP_RESOLUTION_MS} ms sampling interval; histogram max ${((analysisPhase ?? rest).max / 1e6).toFixed(1)} ms)` +
            (analysisPhase && longest.ms >= 1 ? ` (longest stall ${longest.ms.toFixed(0)} ms at ${longest.at.toFixed(1)} s, worker phase "${longest.phase}")` : '') +
            (analysisPhase && longestGc.ms > 0 ? ` (longest GC pause ${longestGc.ms.toFixed(0)} ms, ${longestGc.kind}, at ${longestGc.at.toFixed(1)} s)` : '') +
            (loadPhase ? `; ${phase(loadPhase)} while finding and loading the model` : '') +
            (analysisPhase ? `; ${phase(rest)} while opening the report` : ''),
        );
        sub.dispose();
      }
    },
  );
}

/** minor / major / incremental / weak callbacks: the kind of a 'gc' performance entry. */
function gcKind(e: PerformanceEntry): string {
  const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  return kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? 'minor'
    : kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR ? 'major'
    : kind === perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL ? 'incremental'
    : kind === perfConstants.NODE_PERFORMANCE_GC_WEAKCB ? 'weak callbacks' : 'unknown';
}

// The "Report" webview view: shows the newest analysis report of the workspace (or the one just
// written). Data is read on the host (./reportData) and sent as a ReportModel; the webview can only
// ask to open an item by index, which the host maps to a file it knows and checks.
import path from 'node:path';
import * as vscode from 'vscode';
import { openSourceDocument } from './openSource';
import { message, parseMessage } from '../webview/shared/protocol';
import { webviewToHostValidators, type HostToWebview, type ReportItem, type SentimentFilter, type WebviewToHost } from '../webview/report/messages';
import { searchThemes } from '../webview/report/sort';
import { pathExists } from '../core/fsutil';
import { readLabels, saveLabel, SENTIMENT_LABELS_FILE } from '../core/labels';
import { readConfig } from './config';
import { openReport } from './openReport';
import { listReports, MAX_VIEW_ITEMS, mayOpen, ReportLoader, searchReport, type LoadedReport, type SearchResult, type SourceRef } from './reportData';

/** Numbers between two searches' first results: more than one search posts (MAX_VIEW_ITEMS). */
const SEARCH_STRIDE = 2 * MAX_VIEW_ITEMS;
import type { Services } from './services';
import { webviewOptions, webviewShell } from './webviewHtml';

const LAST_REPORT_KEY = 'productForge.lastReportDir';

/** The labels file of a report's workspace folder: <root>/.product-forge/labels/… beside <root>/.product-forge/reports/<report>. */
function labelsFileFor(reportDir: string): string {
  return path.join(path.resolve(reportDir, '..', '..', '..'), SENTIMENT_LABELS_FILE);
}

export class ReportViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'productForge.report';
  private view: vscode.WebviewView | undefined;
  private current: (LoadedReport & { dir: string; search?: SearchResult; searchBase?: number }) | undefined;
  /** Searches started: each numbers its results from a base of its own (itemAt). */
  private searches = 0;
  /** The search of the whole results.csv in progress (a newer one, or a new report, stops it). */
  private searching: AbortController | undefined;
  /** A report to show instead of the newest (the one just written / asked for). */
  private pinned: string | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private ready = false;
  /** The labels file is written one label at a time. */
  private labelling: Promise<unknown> = Promise.resolve();
  private toldAboutLabels = false;
  /** The load in progress (a newer refresh aborts it: only the latest report is posted). */
  private loading: AbortController | undefined;
  /** Keeps the last report read (a 1M-row results.csv is not read again each time the view is shown). */
  private readonly loader = new ReportLoader();

  constructor(private readonly services: Services) {}

  static register(services: Services): ReportViewProvider {
    const provider = new ReportViewProvider(services);
    services.context.subscriptions.push(
      provider,
      vscode.window.registerWebviewViewProvider(ReportViewProvider.viewId, provider),
      vscode.commands.registerCommand('productForge.showLatestReport', () => provider.show()),
    );
    return provider;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const { extensionUri } = this.services.context;
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(extensionUri);
    view.webview.html = webviewShell({
      webview: view.webview,
      extensionUri,
      bundle: 'report',
      title: 'Product Forge Report',
      body: '<main id="app"><p class="muted">Loading the latest report…</p></main>',
    });
    const watcher = vscode.workspace.createFileSystemWatcher('**/.product-forge/reports/*/report.md');
    this.viewDisposables.push(
      watcher,
      watcher.onDidCreate(() => this.scheduleRefresh()),
      watcher.onDidDelete(() => this.scheduleRefresh()),
      // A failed action (the report's CSV deleted since, a Markdown preview that would not open) is said and logged,
      // never left as an unhandled rejection with nothing shown.
      view.webview.onDidReceiveMessage((raw) =>
        this.onMessage(raw).catch((err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          this.services.output.error(`Report view: ${e.stack ?? e.message}`);
          void vscode.window.showErrorMessage(`Product Forge report: ${e.message}`, 'Show Output').then((pick) => {
            if (pick) this.services.output.show(true);
          });
        }),
      ),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.scheduleRefresh();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRefresh()),
      view.onDidDispose(() => {
        this.view = undefined;
        for (const d of this.viewDisposables.splice(0)) d.dispose();
      }),
    );
  }

  /** Focuses the view on `dir` (or the newest report). */
  async show(dir?: string): Promise<void> {
    if (dir) this.pinned = dir;
    await vscode.commands.executeCommand(`${ReportViewProvider.viewId}.focus`);
    if (this.ready) await this.refresh();
  }

  /** A new report was written: remember it and show it if the view is open. */
  reportWritten(dir: string): void {
    this.pinned = dir;
    void this.services.context.workspaceState.update(LAST_REPORT_KEY, dir);
    if (this.view?.visible && this.ready) this.scheduleRefresh();
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.loading?.abort();
    this.searching?.abort();
    for (const d of this.viewDisposables.splice(0)) d.dispose();
  }

  private scheduleRefresh(): void {
    if (!this.ready) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 300);
  }

  private post<K extends keyof HostToWebview & string>(type: K, payload: HostToWebview[K]): void {
    void this.view?.webview.postMessage(message<HostToWebview, K>(type, payload));
  }

  private workspaceRoots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  private async pickReportDir(): Promise<string | undefined> {
    const roots = this.workspaceRoots();
    const last = this.services.context.workspaceState.get<string>(LAST_REPORT_KEY);
    const found = await listReports(roots);
    const candidates = [...found];
    // A report written outside the workspace (feedback next to it) is shown when it is the newest.
    if (last && !found.some((f) => f.dir === last)) {
      const extra = await listReports([path.resolve(last, '..', '..', '..')]);
      const hit = extra.find((f) => f.dir === last);
      if (hit) candidates.push(hit);
    }
    if (this.pinned && candidates.some((c) => c.dir === this.pinned)) return this.pinned;
    candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
    return candidates[0]?.dir;
  }

  async refresh(): Promise<void> {
    if (!this.view) return;
    this.loading?.abort();
    const loading = (this.loading = new AbortController());
    try {
      const dir = await this.pickReportDir();
      if (loading.signal.aborted) return;
      if (!dir) {
        this.current = undefined;
        // Without a workspace folder Analyze Feedback still works (on files it asks for; the report goes beside them).
        const open = this.workspaceRoots().length > 0;
        this.post('empty', {
          reason: open
            ? 'No report yet. Analyze a feedback file or folder (right-click it in the Explorer, or use the button below) to see its report here.'
            : 'No report yet. Analyze feedback files or a folder (the button below asks for them; the report is written beside them, under .product-forge/reports) to see its report here.',
          canAnalyze: true,
        });
        return;
      }
      // Streams results.csv in slices (the host thread stays responsive) and caps the rows sent; a report whose files
      // have not changed since the last load is not read again (the view shown again, Refresh with nothing new).
      const loaded = await this.loader.load(dir, this.workspaceRoots(), { signal: loading.signal });
      if (loading.signal.aborted) return;
      // The user's labels of these texts (Your label column): read every time (the report may be one kept from before).
      try {
        const labels = await readLabels(labelsFileFor(dir));
        for (const it of loaded.model.items) {
          const l = labels.get(it.text);
          if (l) it.labelled = l;
          else delete it.labelled;
        }
        loaded.model.labelledCount = labels.size;
      } catch (err) {
        this.services.output.warn(`Report view: the labels could not be read: ${(err as Error).message}`);
      }
      if (loading.signal.aborted) return;
      this.searching?.abort();
      this.current = { ...loaded, dir };
      this.post('report', { report: loaded.model });
    } catch (err) {
      if (loading.signal.aborted) return;
      this.services.output.error(`Report view: ${(err as Error).stack ?? err}`);
      this.post('error', { message: `The report could not be read: ${(err as Error).message}` });
    } finally {
      if (this.loading === loading) this.loading = undefined;
    }
  }

  /**
   * An item of the report, one it lists outside the table, or of the last search's results. Each search numbers its results from its own base after
   * the report's items (SEARCH_STRIDE apart), so a click on a result of an older search that crossed a newer search's
   * results on the way opens or labels nothing rather than another row.
   */
  private itemAt(index: number): { item: ReportItem; source: SourceRef } | undefined {
    const cur = this.current;
    if (!cur) return undefined;
    const n = cur.model.items.length;
    if (index < n) return { item: cur.model.items[index], source: cur.sources[index] };
    // the items report.md lists outside the table (rating disagreements), numbered right after the table's
    const listed = cur.model.rating?.disagreements ?? [];
    if (index - n < listed.length && cur.listedSources[index - n]) return { item: listed[index - n], source: cur.listedSources[index - n] };
    const s = cur.search;
    const k = index - (cur.searchBase ?? n);
    return s && k >= 0 && k < s.items.length ? { item: s.items[k], source: s.sources[k] } : undefined;
  }

  /** Searches every row of the shown report's results.csv and posts the matching rows (the view holds only some). */
  private async search(msg: { reportId: string; query: string; label: SentimentFilter }): Promise<void> {
    const cur = this.current;
    if (!cur || cur.model.id !== msg.reportId || !cur.csvPath) return;
    this.searching?.abort();
    const searching = (this.searching = new AbortController());
    const base = cur.model.items.length + ++this.searches * SEARCH_STRIDE;
    try {
      const t0 = Date.now();
      const found = await searchReport(cur.dir, this.workspaceRoots(), {
        query: msg.query,
        label: msg.label,
        themes: searchThemes(cur.model),
        firstIndex: base,
        // summary.json as read with the report (not parsed again for each search)
        drivers: cur.drivers,
        root: cur.root,
        signal: searching.signal,
      });
      if (searching.signal.aborted || this.current !== cur) return;
      try {
        const labels = await readLabels(labelsFileFor(cur.dir));
        for (const it of found.items) {
          const l = labels.get(it.text);
          if (l) it.labelled = l;
        }
      } catch {
        // the report's own load said so already
      }
      if (searching.signal.aborted || this.current !== cur) return;
      cur.search = found;
      cur.searchBase = base;
      for (const f of found.sourceFiles) cur.sourceFiles.add(f);
      this.services.output.info(`Report view: "${msg.query}" (${msg.label}) matched ${found.matched.toLocaleString()} of ${(cur.model.rows ?? cur.model.total).toLocaleString()} rows in ${Date.now() - t0} ms.`);
      this.post('searchResults', { reportId: msg.reportId, query: msg.query, label: msg.label, items: found.items, matched: found.matched, selection: found.selection, partial: found.partial || undefined });
    } catch (err) {
      if (searching.signal.aborted) return;
      this.services.output.warn(`Report view: the search of ${cur.csvPath} failed: ${(err as Error).message}`);
      this.post('searchFailed', { reportId: msg.reportId, query: msg.query, label: msg.label, message: (err as Error).message });
    } finally {
      if (this.searching === searching) this.searching = undefined;
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseMessage<WebviewToHost>(raw, webviewToHostValidators);
    if (!msg) {
      this.services.output.warn(`Report view: ignored an invalid message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        await this.refresh();
        return;
      case 'refresh':
        this.pinned = undefined;
        await this.refresh();
        return;
      case 'search':
        await this.search(msg);
        return;
      case 'openItem': {
        const cur = this.current;
        if (!cur || cur.model.id !== msg.reportId) return;
        const ref = this.itemAt(msg.index)?.source;
        if (!ref || !ref.file) return;
        if (!mayOpen(ref.file, this.workspaceRoots(), cur.sourceFiles)) {
          this.services.output.warn(`Report view: refused to open ${ref.file} (outside the workspace and the report's sources).`);
          return;
        }
        try {
          // in the encoding the analysis read it in (a GB18030 file opened as UTF-8 is unreadable)
          const doc = await openSourceDocument(ref.file);
          const line = Math.min(Math.max(ref.line - 1, 0), Math.max(doc.lineCount - 1, 0));
          const range = doc.lineAt(line).range;
          await vscode.window.showTextDocument(doc, { selection: range, preview: true, viewColumn: vscode.ViewColumn.One });
        } catch (err) {
          void vscode.window.showErrorMessage(`Could not open ${ref.file}: ${(err as Error).message}`);
        }
        return;
      }
      case 'label': {
        const cur = this.current;
        const item = cur && cur.model.id === msg.reportId ? this.itemAt(msg.index)?.item : undefined;
        if (!cur || !item) return;
        if (item.cut) {
          void vscode.window.showWarningMessage('This item is over 2,000 characters and is shown cut: label it in the labels file itself (text, sentiment).');
          return;
        }
        const file = labelsFileFor(cur.dir);
        // One write at a time: quick successive labels must not lose each other.
        const save = this.labelling.then(() => saveLabel(file, item.text, msg.label));
        this.labelling = save.catch(() => undefined);
        try {
          const count = await save;
          item.labelled = msg.label;
          cur.model.labelledCount = count;
          this.post('labelled', { reportId: cur.model.id, index: msg.index, label: msg.label, count, file: vscode.workspace.asRelativePath(file) });
          this.services.output.info(`Labelled "${item.text.slice(0, 80)}" ${msg.label} (${count} labelled in ${file}).`);
          if (!this.toldAboutLabels) {
            this.toldAboutLabels = true;
            void vscode.window
              .showInformationMessage(
                `Saved your label in ${vscode.workspace.asRelativePath(file)}. With a few hundred labelled items, train a classifier on it (target "sentiment") and use it for Analyze Feedback.`,
                'Open Train View',
              )
              .then((pick) => {
                if (pick) void vscode.commands.executeCommand('productForge.trainOnFile', vscode.Uri.file(file));
              });
          }
        } catch (err) {
          void vscode.window.showErrorMessage(`The label was not saved: ${(err as Error).message}`);
        }
        return;
      }
      case 'analyze':
        // the active feedback file, or a file picker (as from the palette)
        await vscode.commands.executeCommand('productForge.analyzeFeedback');
        return;
      case 'trainOnLabels': {
        const cur = this.current;
        if (!cur) return;
        await vscode.commands.executeCommand('productForge.trainOnFile', vscode.Uri.file(labelsFileFor(cur.dir)));
        return;
      }
      case 'openFile': {
        const cur = this.current;
        if (!cur || cur.model.id !== msg.reportId) return;
        const file = msg.file === 'csv' ? cur.csvPath : cur.reportPath;
        if (!file) return;
        if (!(await pathExists(file))) {
          void vscode.window.showWarningMessage(`${file} no longer exists (the report was deleted or moved); showing the newest report.`);
          this.pinned = undefined;
          await this.refresh();
          return;
        }
        if (msg.file === 'csv') await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
        else await openReport(file, readConfig(undefined, this.services.output).openReport, this.services.output);
        return;
      }
    }
  }
}

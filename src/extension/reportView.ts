// The "Report" webview view: shows the newest analysis report of the workspace (or the one just
// written). Data is read on the host (./reportData) and sent as a ReportModel; the webview can only
// ask to open an item by index, which the host maps to a file it knows and checks.
import path from 'node:path';
import * as vscode from 'vscode';
import { message, parseMessage } from '../webview/shared/protocol';
import { webviewToHostValidators, type HostToWebview, type WebviewToHost } from '../webview/report/messages';
import { readConfig } from './config';
import { openReport } from './openReport';
import { listReports, loadReport, mayOpen, type LoadedReport } from './reportData';
import type { Services } from './services';
import { webviewOptions, webviewShell } from './webviewHtml';

const LAST_REPORT_KEY = 'productForge.lastReportDir';

export class ReportViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'productForge.report';
  private view: vscode.WebviewView | undefined;
  private current: (LoadedReport & { dir: string }) | undefined;
  /** A report to show instead of the newest (the one just written / asked for). */
  private pinned: string | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private ready = false;
  /** The load in progress (a newer refresh aborts it: only the latest report is posted). */
  private loading: AbortController | undefined;

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
      view.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
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
        this.post('empty', {
          reason: this.workspaceRoots().length
            ? 'No report yet. Run "Product Forge: Analyze Feedback" on a feedback file or folder.'
            : 'Open a folder and run "Product Forge: Analyze Feedback" to see a report here.',
        });
        return;
      }
      // Streams results.csv in slices (the host thread stays responsive) and caps the rows sent.
      const loaded = await loadReport(dir, this.workspaceRoots(), { signal: loading.signal });
      if (loading.signal.aborted) return;
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
      case 'openItem': {
        const cur = this.current;
        if (!cur || cur.model.id !== msg.reportId) return;
        const ref = cur.sources[msg.index];
        if (!ref || !ref.file) return;
        if (!mayOpen(ref.file, this.workspaceRoots(), cur.sourceFiles)) {
          this.services.output.warn(`Report view: refused to open ${ref.file} (outside the workspace and the report's sources).`);
          return;
        }
        try {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(ref.file));
          const line = Math.min(Math.max(ref.line - 1, 0), Math.max(doc.lineCount - 1, 0));
          const range = doc.lineAt(line).range;
          await vscode.window.showTextDocument(doc, { selection: range, preview: true, viewColumn: vscode.ViewColumn.One });
        } catch (err) {
          void vscode.window.showErrorMessage(`Could not open ${ref.file}: ${(err as Error).message}`);
        }
        return;
      }
      case 'openFile': {
        const cur = this.current;
        if (!cur || cur.model.id !== msg.reportId) return;
        const file = msg.file === 'csv' ? cur.csvPath : cur.reportPath;
        if (!file) return;
        if (msg.file === 'csv') await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
        else await openReport(file, readConfig(undefined, this.services.output).openReport, this.services.output);
        return;
      }
    }
  }
}

// The Train view (webview view 'productForge.train') and the command productForge.predictWithClassifier.
// Lists workspace CSV/TSV files when the view opens, profiles a picked file, trains in dist/train-worker.js
// with live epoch charts, saves to .product-forge/classifiers/<name>/ and predicts files, rows and the
// selected text. Every webview message is validated (protocol.ts); CSP with a nonce; local resources only.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Services } from './services';
import { TrainClient } from './trainClient';
import { CancelledError, UserError } from '../core/types';
import { pathExists, safeName } from '../core/fsutil';
import { CLASSIFIERS_DIR, loadClassifier } from '../core/train/artifact';
import { sentimentUse } from '../core/train/sentiment';
import { defaultPredictionsPath, type Prediction } from '../core/train/predict';
import type { ModelLookup } from '../core/train/worker-protocol';
import { parseToHost, type ClassifierSummary, type TableInfo, type ToView, type TrainSummary } from '../webview/train/protocol';
import { modelLookup, resolveModelLookup, warnSettingOnce } from './config';
import { droppedTableFile, isUriLike, localFiles, localPath, TRAIN_FILE } from './args';
import { classifierSettingValue, setAnalysisClassifier } from './analysisClassifier';
import { points } from '../core/train/importance-format';
import { TrainViewMemory } from './trainViewMemory';

const MAX_LISTED = 500;

/**
 * Where classifiers are saved: the classifiers folder of the workspace folder that holds `file` (in a multi-root
 * workspace, the CSV's own project), else of the first workspace folder on this computer (the ones listed).
 */
function classifiersRoot(file?: string): vscode.Uri | undefined {
  const ws = (file ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) : undefined) ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return ws ? vscode.Uri.joinPath(ws.uri, ...CLASSIFIERS_DIR.split(path.sep)) : undefined;
}

/** The classifiers folder of every (local) workspace folder, with the folder's name. */
function classifierRoots(): { root: vscode.Uri; folder: string }[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ root: vscode.Uri.joinPath(f.uri, ...CLASSIFIERS_DIR.split(path.sep)), folder: f.name }));
}

/** The saved classifiers of every workspace folder; in a multi-root workspace each name says its folder ("api: churn"). */
async function listAllClassifiers(client: TrainClient): Promise<ClassifierSummary[]> {
  const roots = classifierRoots();
  const lists = await Promise.all(roots.map(async ({ root, folder }) => {
    const list = await client.request<ClassifierSummary[]>({ type: 'list', parent: root.fsPath }).done;
    return roots.length > 1 ? list.map((c) => ({ ...c, name: `${folder}: ${c.name}` })) : list;
  }));
  return lists.flat();
}

function errorText(e: unknown): string {
  if (e instanceof UserError) return e.message;
  if (e instanceof CancelledError) return 'Cancelled';
  return `Unexpected error: ${(e as Error)?.message ?? String(e)}`;
}

class TrainViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private file: string | undefined;
  private running: number | undefined;
  private lastTrain: number | undefined;
  /** The CSV the last trained model came from: its workspace folder keeps the classifier when it is saved. */
  private lastTrainFile: string | undefined;
  /** What the view shows, told again to a view re-created (hidden and opened again, moved) during or after a run. */
  private readonly memory = new TrainViewMemory();
  /** The view's script has said 'ready': it is sent messages from then on (what it missed before is replayed). */
  private ready = false;
  /** A file to pick once the view is ready ("Train a Classifier on This File" before the view was open). */
  private pending: string | undefined;

  constructor(private readonly s: Services, private readonly client: TrainClient) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const media = vscode.Uri.joinPath(this.s.context.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview, media);
    view.webview.onDidReceiveMessage((m) => {
      const msg = parseToHost(m);
      if (!msg) {
        this.s.output.warn(`Train view: ignored a malformed message (${JSON.stringify(m)?.slice(0, 200)})`);
        return;
      }
      void this.onMessage(msg).catch((e) => {
        if (!(e instanceof UserError) && !(e instanceof CancelledError)) this.s.output.error(`Train view: ${(e as Error)?.stack ?? e}`);
        this.post({ type: 'error', message: errorText(e), context: 'general' });
      });
    });
    const watch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('productForge.train.embeddingModel')) this.postEmbedding();
    });
    // trusting the workspace lets its embedding model be used (Restricted Mode ignored it)
    const trust = vscode.workspace.onDidGrantWorkspaceTrust(() => this.postEmbedding());
    view.onDidDispose(() => { this.view = undefined; this.ready = false; watch.dispose(); trust.dispose(); });
  }

  /** Shows the view and profiles `file` in it (now, or as soon as the view has loaded). */
  async open(file: string): Promise<void> {
    // During a run the view stays the run's (its file, curves, Cancel, then results and Save): shown, and said why.
    const refusal = this.memory.pickRefusal(file);
    if (refusal) {
      await vscode.commands.executeCommand('productForge.train.focus');
      void vscode.window.showInformationMessage(refusal);
      return;
    }
    this.pending = file;
    await vscode.commands.executeCommand('productForge.train.focus');
    if (this.ready) await this.pickPending();
  }

  private async pickPending(): Promise<void> {
    const file = this.pending;
    this.pending = undefined;
    if (file) await this.pick(file);
  }

  /** Tells the view which embedding model "Text features: Embeddings" would use (null: none set, or ignored in Restricted Mode). */
  private postEmbedding(): void {
    let model: string | null = null;
    let ignored = false;
    try {
      // read for the picked file: a folder's own setting applies to its files
      const r = resolveModelLookup(this.s, this.file ? vscode.Uri.file(this.file) : undefined);
      model = r.lookup.embeddingModel ?? null;
      ignored = !model && r.embeddingIgnored;
      // set but unusable (names no model folder, a relative path in the user settings…): said once, with the setting
      if (r.embeddingProblem) warnSettingOnce(r.embeddingProblem, 'productForge.train.embeddingModel', this.s.output);
    } catch (e) {
      // an unusable productForge.modelsPath: said when training or predicting needs it
      this.s.output.warn(`Train view: ${errorText(e)}`);
    }
    this.post(ignored ? { type: 'embedding', model, ignored } : { type: 'embedding', model });
  }

  private post(m: ToView): void {
    this.memory.note(m);
    // A page that has not said 'ready' is not sent anything: it would show a run's epochs twice (VS Code keeps messages
    // for a page still loading, and its 'ready' replays them), and a page never loaded is replaced by the next one.
    if (this.ready) void this.view?.webview.postMessage(m);
  }

  private async listFiles(): Promise<void> {
    const uris = await vscode.workspace.findFiles('**/*.{csv,tsv,CSV,TSV}', '{**/node_modules/**,**/.git/**,**/.product-forge/**}', MAX_LISTED);
    // The user's own labels (the Report view's "Your label") are training data too; reports and classifiers are not.
    uris.push(...(await vscode.workspace.findFiles('**/.product-forge/labels/*.csv', '{**/node_modules/**,**/.git/**}', 20)));
    // Only files on this computer: a virtual or remote folder's fsPath names no local file (the worker reads from disk).
    const files = localFiles(uris)
      .map((u) => ({ path: u.fsPath, label: vscode.workspace.asRelativePath(u) }))
      .sort((a, b) => a.label.localeCompare(b.label));
    this.post({ type: 'files', files });
  }

  private async listModels(): Promise<void> {
    this.post({ type: 'models', models: await listAllClassifiers(this.client) });
  }

  private async pick(file: string): Promise<void> {
    // Not during a run: its 'idle' would tell the view the run ended (Train on, Cancel off) while it goes on, and its
    // profile would put another file over the run's curves and results. The view's file list is off during a run;
    // this answers a page that was not (or "Train a Classifier on This File" queued before the run started).
    const refusal = this.memory.pickRefusal(file);
    if (refusal) { this.post({ type: 'error', message: refusal, context: 'file' }); return; }
    this.file = file;
    const reading = this.memory.pickStarted(file);
    this.postEmbedding(); // the embedding model setting may be the file's folder's own
    this.post({ type: 'busy', stage: `reading ${path.basename(file)}` });
    try {
      const info = await this.client.request<TableInfo>({ type: 'inspect', file }, {
        onProgress: (stage, done, total) => this.post({ type: 'busy', stage, done, total }),
      }).done;
      this.post({ type: 'profile', info });
      if (info.proposedTarget) await this.propose(info.proposedTarget);
    } catch (e) {
      this.post({ type: 'error', message: errorText(e), context: 'file' });
    } finally {
      this.memory.pickEnded(reading);
      this.post({ type: 'idle' });
    }
  }

  private async propose(target: string): Promise<void> {
    if (!this.file) return;
    const sel = await this.client.request<{ features: string[]; excluded: { name: string; reason: string }[] }>({ type: 'propose', file: this.file, target }).done;
    this.post({ type: 'features', target, ...sel });
  }

  /** A CSV picked in the open dialog, as a local path; a file not on this computer is refused in the view. */
  private async openCsvDialog(openLabel: string, what: string, context: 'file' | 'predict'): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'CSV / TSV': ['csv', 'tsv', 'txt', 'data'] }, openLabel });
    if (!picked?.[0]) return undefined;
    try {
      return localPath(picked[0], what);
    } catch (e) {
      this.post({ type: 'error', message: errorText(e), context });
      return undefined;
    }
  }

  private async onMessage(msg: NonNullable<ReturnType<typeof parseToHost>>): Promise<void> {
    switch (msg.type) {
      case 'ready':
        // A new page (the view opened the first time, or again after it was hidden, moved or reloaded) shows what the
        // last one showed: the file, the features, a run going on with its curves so far (and Cancel), or its result.
        this.ready = true;
        for (const m of this.memory.replay()) void this.view?.webview.postMessage(m);
        await this.listFiles();
        this.postEmbedding();
        await this.listModels().catch((e) => this.s.output.warn(`listing classifiers: ${errorText(e)}`));
        await this.pickPending();
        return;
      case 'refreshFiles':
        return this.listFiles();
      case 'refreshModels':
        return this.listModels();
      case 'openEmbeddingSetting':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'productForge.train.embeddingModel');
        return;
      case 'browse': {
        // refused before the dialog, not after a file is chosen in it
        const refusal = this.memory.pickRefusal();
        if (refusal) { this.post({ type: 'error', message: refusal, context: 'file' }); return; }
        const file = await this.openCsvDialog('Use for training', 'used for training', 'file');
        if (file) await this.pick(file);
        return;
      }
      case 'pickFile':
        return this.pick(msg.file);
      case 'dropFile': {
        const file = droppedTableFile(msg.ref);
        if (typeof file === 'string') return this.pick(file);
        this.post({ type: 'error', message: file.error, context: 'file' });
        return;
      }
      case 'selectTarget': {
        const refusal = this.memory.targetRefusal();
        if (refusal) { this.post({ type: 'error', message: refusal, context: 'file' }); return; }
        try { await this.propose(msg.target); } catch (e) { this.post({ type: 'error', message: errorText(e), context: 'file' }); }
        return;
      }
      case 'train': {
        if (!this.file) { this.post({ type: 'error', message: 'Pick a CSV file first.', context: 'train' }); return; }
        // one at a time: not during another run, nor while a file is read (its 'idle' would end this run in the view)
        const busy = this.memory.trainRefusal();
        if (busy) { this.post({ type: 'error', message: busy, context: 'train' }); return; }
        const file = this.file;
        let models: ModelLookup;
        try {
          const r = resolveModelLookup(this.s, vscode.Uri.file(file));
          // the embedding model setting matters only to a run that embeds text
          if (r.embeddingProblem && (msg.settings.textFeatures ?? 'tfidf') !== 'tfidf') throw new UserError(r.embeddingProblem);
          models = r.lookup;
        } catch (e) {
          this.post({ type: 'error', message: errorText(e), context: 'train' });
          return;
        }
        this.memory.runStarted(msg.settings, file);
        const req = this.client.request<TrainSummary>({ type: 'train', file, settings: msg.settings, models }, {
          onEpoch: (epoch) => this.post({ type: 'epoch', epoch }),
          onStage: (stage) => this.post({ type: 'busy', stage, training: true }),
        });
        this.running = req.id;
        const t0 = Date.now();
        try {
          const summary = await req.done;
          this.lastTrain = summary.trainId;
          this.lastTrainFile = file;
          const jobs = summary.foldJobs ? `; ${summary.foldJobs.jobs} fold job(s), ${summary.foldJobs.onHelpers} on helper threads` : '';
          const top = summary.importance?.columns.slice(0, 3).map((c) => `${c.column} ${points(c.drop)}`).join(', ');
          this.s.output.info(`Trained ${summary.model} on ${path.basename(file)}: accuracy ${(summary.metrics.accuracy * 100).toFixed(2)}% in ${((Date.now() - t0) / 1000).toFixed(1)} s${jobs}${top ? `; column importance (accuracy points lost when shuffled): ${top}` : ''}`);
          this.post({ type: 'trained', summary });
        } catch (e) {
          this.post({ type: 'error', message: errorText(e), context: 'train' });
        } finally {
          this.running = undefined;
          this.memory.runEnded();
          this.post({ type: 'idle' });
        }
        return;
      }
      case 'cancel':
        if (this.running !== undefined) this.client.cancel(this.running);
        return;
      case 'save': {
        const root = classifiersRoot(this.lastTrainFile);
        if (!root) { this.post({ type: 'error', message: 'Open a workspace folder to save classifiers in .product-forge/classifiers/.', context: 'save' }); return; }
        if (this.lastTrain === undefined) { this.post({ type: 'error', message: 'Train a model first.', context: 'save' }); return; }
        // Saving under a name in use asks first: retraining "our-sentiment" should be able to replace it (Analyze
        // Feedback picks the new one up), or keep both.
        const base = safeName(msg.name, 'classifier');
        let onExisting: 'rename' | 'replace' = 'rename';
        if (await pathExists(path.join(root.fsPath, base))) {
          const pick = await vscode.window.showWarningMessage(
            `A classifier named "${base}" is already saved in this workspace.`,
            { modal: true, detail: `Replace it with the one just trained, or keep both (the new one is saved as "${base}-2" or the next free name).` },
            'Replace',
            'Keep Both',
          );
          if (!pick) { this.post({ type: 'error', message: `Not saved: "${base}" is in use; choose another name or save again to replace it.`, context: 'save' }); return; }
          if (pick === 'Replace') onExisting = 'replace';
        }
        try {
          const { dir } = await this.client.request<{ dir: string }>({ type: 'save', trainId: this.lastTrain, parent: root.fsPath, name: msg.name, onExisting }).done;
          this.post({ type: 'saved', dir: vscode.workspace.asRelativePath(dir) });
          await this.listModels();
        } catch (e) {
          this.post({ type: 'error', message: errorText(e), context: 'save' });
        }
        return;
      }
      case 'predictFile': {
        const csv = await this.openCsvDialog('Predict', 'predicted', 'predict');
        if (csv) await predictCsv(this.client, this.s, msg.modelDir, csv, (m) => this.post(m));
        return;
      }
      case 'useForAnalysis': {
        // Only a classifier of this workspace's classifiers folder (the ones the view lists), and only one that qualifies.
        try {
          if (!classifierRoots().some(({ root }) => path.dirname(path.resolve(msg.modelDir)) === path.resolve(root.fsPath))) throw new UserError('Only a classifier saved in this workspace can be used for Analyze Feedback.');
          sentimentUse(await loadClassifier(msg.modelDir));
          await setAnalysisClassifier(this.s, classifierSettingValue(msg.modelDir));
        } catch (e) {
          this.post({ type: 'error', message: errorText(e), context: 'predict' });
        }
        return;
      }
      case 'predictRow': {
        try {
          const [p] = await this.client.request<Prediction[]>({ type: 'predictRows', modelDir: msg.modelDir, rows: [msg.values], models: modelLookup(this.s, vscode.Uri.file(msg.modelDir)) }).done;
          const labels = (await this.client.request<ClassifierSummary[]>({ type: 'list', parent: path.dirname(msg.modelDir) }).done).find((c) => c.dir === msg.modelDir)?.labels ?? [];
          this.post({ type: 'prediction', label: p.label, confidence: p.confidence, probabilities: p.probabilities.map((x, i) => ({ label: labels[i] ?? String(i), p: x })) });
        } catch (e) {
          this.post({ type: 'error', message: errorText(e), context: 'predict' });
        }
        return;
      }
    }
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'train.js'));
    const codicons = webview.asWebviewUri(vscode.Uri.joinPath(media, 'codicon.css'));
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons}" id="vscode-codicon-stylesheet">
<title>Train</title></head>
<body><div id="app" data-nonce="${nonce}"></div>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
  }
}

/** Predicts a CSV with a saved classifier into `<name>.predictions.csv` (unique) next to it. */
async function predictCsv(client: TrainClient, s: Services, modelDir: string, csv: string, post?: (m: ToView) => void): Promise<void> {
  const out = await defaultPredictionsPath(csv);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Predicting ${path.basename(csv)}`, cancellable: true }, async (progress, token) => {
    const req = client.request<{ out: string; rows: number; warnings?: string[] }>({ type: 'predictFile', modelDir, csv, out, models: modelLookup(s, vscode.Uri.file(csv)) }, {
      onProgress: (stage, done, total) => progress.report({ message: `${stage} ${Math.round((done / Math.max(total, 1)) * 100)}%` }),
    });
    const onCancel = token.onCancellationRequested(() => client.cancel(req.id));
    try {
      const r = await req.done;
      const warnings = r.warnings ?? [];
      post?.({ type: 'predicted', out: vscode.workspace.asRelativePath(r.out), rows: r.rows, warnings });
      s.output.info(`Wrote ${r.rows} predictions to ${r.out}`);
      for (const w of warnings) s.output.warn(`${path.basename(csv)}: ${w}`);
      // Not awaited: the progress notification closes now, the message stays until the user answers.
      const note = warnings.length ? ` Check ${warnings.length === 1 ? 'one column' : `${warnings.length} columns`}: ${warnings[0]}${warnings.length > 1 ? ' (more in the output)' : ''}.` : '';
      void (warnings.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(`Wrote ${r.rows} predictions to ${path.basename(r.out)}.${note}`, 'Open').then((open) => {
        if (open) void vscode.window.showTextDocument(vscode.Uri.file(r.out));
      });
    } catch (e) {
      if (e instanceof CancelledError) {
        s.output.info(`Prediction of ${path.basename(csv)} cancelled; nothing was written.`);
        return;
      }
      s.output.error(`Predicting ${csv}: ${e instanceof UserError ? e.message : ((e as Error)?.stack ?? String(e))}`);
      post?.({ type: 'error', message: errorText(e), context: 'predict' });
      void vscode.window.showErrorMessage(errorText(e));
    } finally {
      onCancel.dispose();
    }
  });
}

async function pickClassifier(client: TrainClient): Promise<ClassifierSummary | undefined> {
  if (!classifierRoots().length) { void vscode.window.showErrorMessage('Open a workspace folder first: classifiers live in .product-forge/classifiers/.'); return undefined; }
  const list = await listAllClassifiers(client);
  if (!list.length) { void vscode.window.showInformationMessage('No saved classifiers yet: train one in the Product Forge Train view and save it.'); return undefined; }
  const item = await vscode.window.showQuickPick(list.map((c) => ({
    label: c.name, description: `${c.modelKind} · target ${c.target} · accuracy ${(c.accuracy * 100).toFixed(1)}%`, detail: `features: ${c.features.join(', ')}`, c,
  })), { placeHolder: 'Pick a saved classifier' });
  return item?.c;
}

let activeClient: TrainClient | undefined;

/** Stops the training worker (deactivation waits for it: a running prediction removes its unfinished output). */
export function stopTrainWorker(): Promise<void> | undefined {
  return activeClient?.dispose();
}

export function registerTrainView(s: Services): void {
  const client = new TrainClient(vscode.Uri.joinPath(s.context.extensionUri, 'dist', 'train-worker.js').fsPath, (m, level = 'error') => s.output[level](m));
  activeClient = client;
  const provider = new TrainViewProvider(s, client);
  s.context.subscriptions.push(
    { dispose: () => void client.dispose() },
    vscode.window.registerWebviewViewProvider('productForge.train', provider, { webviewOptions: { retainContextWhenHidden: true } }),
    // The explorer's way to hand the view a file (VS Code does not let workbench drags reach a webview).
    vscode.commands.registerCommand('productForge.trainOnFile', async (arg?: unknown) => {
      const uri = isUriLike(arg) ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri || !TRAIN_FILE.test(uri.fsPath)) {
        void vscode.window.showInformationMessage('Right-click a .csv or .tsv file in the explorer (or open one) to train a classifier on it.');
        return;
      }
      let file: string;
      try {
        file = localPath(uri, 'used for training');
      } catch (e) {
        void vscode.window.showErrorMessage(errorText(e));
        return;
      }
      await provider.open(file);
    }),
    vscode.commands.registerCommand('productForge.predictWithClassifier', async () => {
      try {
        const clf = await pickClassifier(client);
        if (!clf) return;
        const editor = vscode.window.activeTextEditor;
        const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
        const textCols = clf.columns.filter((c) => c.type === 'text');
        if (selected && clf.features.length === 1 && textCols.length === 1) {
          // Predict the selected text with a one-text-column classifier.
          const [p] = await client.request<Prediction[]>({ type: 'predictRows', modelDir: clf.dir, rows: [{ [clf.features[0]]: selected }], models: modelLookup(s, vscode.Uri.file(clf.dir)) }).done;
          void vscode.window.showInformationMessage(`${clf.name}: ${p.label} (${(p.confidence * 100).toFixed(1)}% confidence)`);
          return;
        }
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'CSV / TSV': ['csv', 'tsv', 'txt', 'data'] }, openLabel: 'Predict' });
        if (picked?.[0]) await predictCsv(client, s, clf.dir, localPath(picked[0], 'predicted'));
      } catch (e) {
        void vscode.window.showErrorMessage(errorText(e));
      }
    }),
  );
}

// Commands: Generate Product Requirements Doc / Marketing Copy / User Personas, Set API Key.
// The brief comes from the selection, else the active file, else an input box; evidence from
// workspace feedback files or the latest analysis report; the document streams into a NEW untitled
// Markdown editor under a cancellable progress notification. Nothing is written over existing files.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  BackendUnavailableError,
  CHANNEL_LIMITS,
  CHANNELS,
  displayEndpoint,
  FRAMEWORKS,
  FRAMEWORK_STEPS,
  generateDocument,
  HttpError,
  IncompleteOutputError,
  LocalGenerator,
  loadEvidence,
  OpenAICompatibleGenerator,
  parseBrief,
  TONES,
  type BackendKind,
  type Channel,
  type DocKind,
  type EvidenceSet,
  type Framework,
  type GenerateOptions,
  type TextGenerator,
} from '../core/generate';
import { DownloadDeclinedError, ModelNotInstalledError, resolveModel } from '../core/models/registry';
import { CancelledError, UserError } from '../core/types';
import { effectiveModelsPath, readConfig, warnIgnoredOnce } from './config';
import { generationEndpoint, generationLocalModel, type InspectedSetting } from './configSchema';
import type { Services } from './services';
import { columnMemoryKey, localFiles, rememberedColumns } from './args';
import { backendOffer, DOWNLOADS_TURNED_ON, notInstalledLog, OFFER_LABELS, saveServerOffer, serverUrlProblem, ServerSession, sessionServerWording, type Unavailable } from './generateOffer';

export const API_KEY_SECRET = 'productForge.generation.apiKey';
const FEEDBACK_GLOB = '**/*.{txt,md,csv,tsv,json,jsonl}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/.product-forge/**}';

/** How a run after the first one writes: the backend the user chose, the server address typed, a download asked for. */
interface RunWith {
  backend: BackendKind;
  /** The OpenAI-compatible server for this run ("Use a Server…"), instead of productForge.generation.endpoint. */
  endpoint?: string;
  /** "Download Model…": the download dialog is shown though allowModelDownloads is off; its Download turns the setting on. */
  download?: boolean;
}

/** The local model could not be used: not installed, its download declined, or broken (the registry's message). */
class LocalModelUnavailableError extends BackendUnavailableError {
  constructor(readonly modelId: string, readonly reason: 'not-installed' | 'declined' | 'failed', readonly why: string, readonly cacheDir: string) {
    super(reason === 'failed' ? why : `No local text-generation model "${modelId}": ${why}`, 'local');
  }
}

/** The local backend's model as last loaded in the model worker (another one chosen since is unloaded first). */
interface LocalModelState {
  modelId?: string;
}

export function registerGenerateCommands(services: Services): void {
  const { context } = services;
  const loaded: LocalModelState = {};
  // "Use a Server…" is remembered until VS Code closes
  const session = new ServerSession();
  const run = (kind: DocKind) => () => generateCommand(services, kind, loaded, session);
  context.subscriptions.push(
    vscode.commands.registerCommand('productForge.generatePrd', run('prd')),
    vscode.commands.registerCommand('productForge.generateCopy', run('copy')),
    vscode.commands.registerCommand('productForge.generatePersonas', run('personas')),
    vscode.commands.registerCommand('productForge.setApiKey', () => setApiKey(services)),
  );
}

async function setApiKey(services: Services): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'OpenAI-compatible API key',
    prompt: 'Stored in VS Code secret storage (never in settings.json). Leave empty to remove the stored key.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (key.trim()) {
    await services.context.secrets.store(API_KEY_SECRET, key.trim());
    void vscode.window.showInformationMessage('Product Forge: API key saved in secret storage.');
  } else {
    await services.context.secrets.delete(API_KEY_SECRET);
    void vscode.window.showInformationMessage('Product Forge: API key removed.');
  }
}

/** Files that hold data (feedback tables, results), not a brief: their text is never taken as one without a selection. */
const DATA_FILE = /\.(csv|tsv|json|jsonl|ndjson)$/i;

/** Selection, else the active file when it reads like a brief (Markdown, text, untitled), else an input box. */
async function getBrief(): Promise<string | undefined> {
  const ed = vscode.window.activeTextEditor;
  if (ed) {
    const sel = ed.selections.map((s) => ed.document.getText(s)).join('\n').trim();
    if (sel) return sel;
    // a feedback table open in the editor is evidence, not the brief
    const all = DATA_FILE.test(ed.document.fileName) ? '' : ed.document.getText().trim();
    if (all) return all;
  }
  return vscode.window.showInputBox({
    title: 'Product brief',
    prompt: 'Describe the product or feature (or select a brief in an editor and run the command again).',
    placeHolder: 'e.g. TaskFlow Sync 2.0: make sync and export dependable for small teams',
    ignoreFocusOut: true,
  });
}

async function latestReport(): Promise<vscode.Uri | undefined> {
  let best: { uri: vscode.Uri; mtime: number } | undefined;
  // (an analysis reads and writes files on this computer: a virtual or remote folder holds no report of it)
  for (const folder of localFiles(vscode.workspace.workspaceFolders?.map((f) => f.uri) ?? [])) {
    const reports = vscode.Uri.joinPath(folder, '.product-forge', 'reports');
    let entries: [string, vscode.FileType][] = [];
    try {
      entries = await vscode.workspace.fs.readDirectory(reports);
    } catch {
      continue;
    }
    for (const [name, type] of entries) {
      if (type !== vscode.FileType.Directory || name.startsWith('.')) continue;
      const dir = vscode.Uri.joinPath(reports, name);
      const st = await vscode.workspace.fs.stat(dir);
      if (!best || st.mtime > best.mtime) best = { uri: dir, mtime: st.mtime };
    }
  }
  return best?.uri;
}

/** The folder of `file` as the file picker describes it: relative to its workspace folder ('' at a folder's root). */
function folderLabel(file: vscode.Uri): string {
  const dir = vscode.Uri.file(path.dirname(file.fsPath));
  const root = vscode.workspace.getWorkspaceFolder(file);
  if (root && path.relative(root.uri.fsPath, dir.fsPath) === '') return (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? root.name : '';
  return vscode.workspace.asRelativePath(dir);
}

/** The evidence files (or report) to ground the document; [] for none (not offered for personas); undefined: cancelled. */
async function pickEvidence(kind: DocKind): Promise<string[] | undefined> {
  const report = await latestReport();
  type Item = vscode.QuickPickItem & { id: 'report' | 'files' | 'none' };
  const items: Item[] = [];
  if (report) items.push({ id: 'report', label: '$(graph) Latest feedback analysis', description: vscode.workspace.asRelativePath(report) });
  items.push({ id: 'files', label: '$(files) Feedback files in the workspace…', description: 'txt, md, csv, tsv, json, jsonl' });
  // personas are segments of the feedback: without evidence there is nothing to build them from
  if (kind !== 'personas') items.push({ id: 'none', label: '$(circle-slash) No evidence', description: 'the document rests on the brief alone' });
  for (;;) {
    const pick = await vscode.window.showQuickPick(items, { title: 'Evidence to ground the document', ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick.id === 'none') return [];
    if (pick.id === 'report') return [report!.fsPath];
    const found = await vscode.workspace.findFiles(FEEDBACK_GLOB, EXCLUDE_GLOB, 500);
    // Evidence is read from disk: the files of a virtual or remote folder (vscode-vfs:, a GitHub repository) cannot be.
    const files = localFiles(found);
    if (!files.length) {
      // nothing to pick: ask again (or Escape) rather than write a document on no evidence
      void vscode.window.showWarningMessage(
        found.length
          ? `The workspace's feedback files are not on this computer (${found[0].scheme}:), and only files on disk can be read as evidence: copy them to a local folder, or choose another kind of evidence.`
          : `No feedback files (txt, md, csv, tsv, json, jsonl) in ${vscode.workspace.workspaceFolders?.length ? 'the workspace' : 'an open folder: open a folder with feedback files'}.`,
      );
      continue;
    }
    const chosen = await vscode.window.showQuickPick(
      files.map((f) => ({ label: path.basename(f.fsPath), description: folderLabel(f), uri: f })).sort((a, b) => a.description.localeCompare(b.description) || a.label.localeCompare(b.label)),
      { title: 'Feedback files (check one or more, then Enter)', canPickMany: true, ignoreFocusOut: true },
    );
    if (chosen === undefined) return undefined;
    if (chosen.length) return chosen.map((c) => c.uri.fsPath);
    void vscode.window.showInformationMessage('No file was checked: check the feedback files to use (Space), or choose another kind of evidence.');
  }
}

async function copyOptions(defaultAudience: string): Promise<GenerateOptions | undefined> {
  const audience = await vscode.window.showInputBox({ title: 'Audience', value: defaultAudience, prompt: 'Who is this copy for?', ignoreFocusOut: true });
  if (audience === undefined) return undefined;
  const tone = await vscode.window.showQuickPick([...TONES], { title: 'Tone', ignoreFocusOut: true });
  if (!tone) return undefined;
  const channel = await vscode.window.showQuickPick(
    CHANNELS.map((c) => ({ label: CHANNEL_LIMITS[c].label, description: `${CHANNEL_LIMITS[c].headline}/${CHANNEL_LIMITS[c].body}/${CHANNEL_LIMITS[c].cta} chars`, detail: CHANNEL_LIMITS[c].note, id: c })),
    { title: 'Channel', ignoreFocusOut: true },
  );
  if (!channel) return undefined;
  const framework = await vscode.window.showQuickPick(
    FRAMEWORKS.map((f) => ({ label: f, description: FRAMEWORK_STEPS[f].join(' → '), id: f })),
    { title: 'Framework', ignoreFocusOut: true },
  );
  if (!framework) return undefined;
  const variants = await vscode.window.showQuickPick(['1', '2', '3', '4', '5'], { title: 'Number of variants', ignoreFocusOut: true });
  if (!variants) return undefined;
  return { audience: audience.trim() || undefined, tone, channel: channel.id as Channel, framework: framework.id as Framework, variants: Number(variants) };
}

async function personaOptions(): Promise<GenerateOptions | undefined> {
  const pick = await vscode.window.showQuickPick(
    [{ label: 'Automatic', description: 'k in 2..6 chosen by silhouette', id: 'auto' as const }, ...[1, 2, 3, 4, 5, 6].map((n) => ({ label: String(n), description: '', id: n }))],
    { title: 'How many personas?', ignoreFocusOut: true },
  );
  return pick ? { count: pick.id } : undefined;
}

/**
 * Appends text to a new untitled Markdown document, batching edits, in order. Closing the document stops the
 * generation (`onClosed`): nothing more is written (an edit to a closed untitled document would open it again).
 */
class DocumentSink implements vscode.Disposable {
  private pending = '';
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failed: Error | undefined;
  /** The user closed the document (or saved it under a name, which closes the untitled one). */
  closed = false;
  private readonly watch: vscode.Disposable;
  private constructor(readonly doc: vscode.TextDocument, private readonly onClosed: () => void) {
    this.watch = vscode.workspace.onDidCloseTextDocument((d) => {
      if (d === this.doc) this.markClosed();
    });
  }

  static async open(onClosed: () => void): Promise<DocumentSink> {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return new DocumentSink(doc, onClosed);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = '';
    this.onClosed();
  }

  write(text: string): void {
    if (this.failed) throw this.failed;
    if (this.closed) return;
    this.pending += text;
    this.timer ??= setTimeout(() => void this.flush(), 40);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.pending;
    this.pending = '';
    if (!text || this.closed) return this.chain;
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      if (this.doc.isClosed) return this.markClosed();
      const edit = new vscode.WorkspaceEdit();
      const end = this.doc.lineAt(this.doc.lineCount - 1).range.end;
      edit.insert(this.doc.uri, end, text);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error('Could not write to the output document.');
    }).catch((e: Error) => {
      this.failed ??= e;
    });
    return this.chain;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watch.dispose();
  }
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).host : 'huggingface.co';
  } catch {
    return 'huggingface.co';
  }
}

/** "0.6 MB", "48 MB", "786 MB": one decimal below 10 MB. */
function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb < 10 ? mb.toFixed(1) : mb.toFixed(0)} MB`;
}

const inspectSetting = (key: string) => vscode.workspace.getConfiguration('productForge').inspect<unknown>(key) as InspectedSetting<unknown> | undefined;

async function buildBackend(services: Services, run: RunWith, signal: AbortSignal, report: (m: string) => void, loaded: LocalModelState): Promise<TextGenerator | 'template'> {
  const cfg = readConfig(undefined, services.output);
  const { backend } = run;
  if (backend === 'template') return 'template';
  if (backend === 'openai-compatible') {
    // a workspace's endpoint is ignored in Restricted Mode (the brief, the evidence and the key would go there)
    const endpoint = generationEndpoint(inspectSetting('generation.endpoint'), vscode.workspace.isTrusted);
    if (!run.endpoint) warnIgnoredOnce(endpoint.ignored, services.output);
    const apiKey = await services.context.secrets.get(API_KEY_SECRET);
    return new OpenAICompatibleGenerator({ endpoint: run.endpoint ?? endpoint.value!, model: cfg.generation.model, apiKey: apiKey || undefined });
  }
  const localSetting = generationLocalModel(inspectSetting('generation.localModel'), vscode.workspace.isTrusted);
  warnIgnoredOnce(localSetting.ignored, services.output);
  const modelId = localSetting.value!;
  const modelsPath = effectiveModelsPath();
  const cacheDir = vscode.Uri.joinPath(services.context.globalStorageUri, 'models').fsPath;
  report(`Finding model ${modelId}…`);
  let dir: string;
  try {
    const r = await resolveModel(modelId, {
      modelsPath: modelsPath.value,
      bundledDir: vscode.Uri.joinPath(services.context.extensionUri, 'models').fsPath,
      cacheDir,
      // downloads are behind productForge.allowModelDownloads: "Download Model…" (offered while it is off by default,
      // not when set to false) asks in the dialog below, which says that Download turns it on, and only then downloads
      allowDownload: cfg.allowModelDownloads || !!run.download,
      // Not in the manifest: downloaded from the Hugging Face hub (its config, tokenizer and one ONNX variant)
      task: 'text-generation',
      confirmDownload: async (e) => {
        const turnOn = !cfg.allowModelDownloads;
        const yes =
          (await vscode.window.showWarningMessage(
            `Download the model ${e.id} (${megabytes(e.files.reduce((s, f) => s + f.size, 0))})?`,
            {
              modal: true,
              detail:
                (e.source === 'hub'
                  ? `From the Hugging Face hub (${hostOf(e.url)}): ${e.files.find((f) => f.path.endsWith('.onnx'))?.path ?? 'its ONNX model'}${e.dtype ? ` (${e.dtype})` : ''} with its config and tokenizer files, each checked against the hub's sha256 / git sha1, stored in the extension's storage. `
                  : '') +
                'Your brief and evidence never leave this machine.' +
                (turnOn ? ` ${DOWNLOADS_TURNED_ON}` : ''),
            },
            'Download',
          )) === 'Download';
        if (yes && turnOn) {
          await vscode.workspace.getConfiguration('productForge').update('allowModelDownloads', true, vscode.ConfigurationTarget.Global);
          services.output.info('Generate: productForge.allowModelDownloads turned on in your user settings (you chose Download); set it to false to turn model downloads off.');
        }
        return yes;
      },
      onProgress: (file, done, total) => report(`Downloading ${file}: ${(done / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`),
      signal,
      log: (m) => services.output.info(m),
    });
    dir = r.dir;
  } catch (e) {
    if (e instanceof UserError) {
      const reason = e instanceof ModelNotInstalledError ? 'not-installed' : e instanceof DownloadDeclinedError ? 'declined' : 'failed';
      throw new LocalModelUnavailableError(modelId, reason, e.message, cacheDir);
    }
    throw e;
  }
  const runtime = services.runtime();
  // Asked every time: the worker answers at once when this folder is loaded on this device, and loads it again when
  // productForge.modelsPath or productForge.device changed since (or the worker was restarted).
  const previous = loaded.modelId;
  if (previous && previous !== modelId) {
    // productForge.generation.localModel changed: the old model's memory is freed (after a document still using it).
    loaded.modelId = undefined;
    await runtime.request('unload', { modelId: previous }).catch(() => undefined);
    services.output.info(`Generation model ${previous} released: ${modelId} is the local model now.`);
  }
  report(`Loading ${modelId}…`);
  const r = await runtime.request('load', { modelId, modelDir: dir, task: 'text-generation', device: cfg.device }, { signal });
  loaded.modelId = modelId;
  if (!r.cached) services.output.info(`Generation model ${modelId} loaded from ${dir} on ${r.device} in ${r.loadMs} ms${r.fallbackReason ? ` (fallback: ${r.fallbackReason})` : ''}.`);
  return new LocalGenerator(runtime, modelId);
}

async function generateCommand(services: Services, kind: DocKind, loaded: LocalModelState, session: ServerSession, forced?: RunWith, prepared?: Prepared): Promise<void> {
  const input = prepared ?? (await prepare(kind));
  if (!input) return;
  // the configured backend, or the server chosen with "Use a Server…" earlier in this session
  const run: RunWith = forced ?? session.run(readConfig(undefined, services.output).generation.backend);
  const { backend } = run;
  /** A server error as the user reads it: naming the address typed in "Use a Server…", not the setting, when it is that. */
  const worded = (m: string) => (run.endpoint ? sessionServerWording(m, run.endpoint) : m);
  let written = false;
  const title = kind === 'prd' ? 'Product requirements' : kind === 'copy' ? 'Marketing copy' : 'Personas';
  let retry: RunWith | undefined;
  let unavailable: Unavailable | undefined;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Product Forge: ${title}`, cancellable: true }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    let sink: DocumentSink | undefined;
    try {
      progress.report({ message: 'Reading evidence…' });
      // a table's text columns as Analyze Feedback reads it: those chosen for it (Choose Text Columns...), else detected
      const state = services.context.workspaceState;
      const evidence: EvidenceSet = await loadEvidence(input.evidence, { signal: ac.signal, columnsFor: (f) => rememberedColumns(state.get(columnMemoryKey(f))) });
      for (const n of evidence.notes ?? []) services.output.info(n);
      const gen = await buildBackend(services, run, ac.signal, (m) => progress.report({ message: m }), loaded);
      progress.report({ message: 'Writing…' });
      // closing the document cancels the generation
      sink = await DocumentSink.open(() => ac.abort());
      const maxNewTokens = readConfig(undefined, services.output).generation.maxNewTokens;
      let chunks = 0;
      for await (const chunk of generateDocument({ kind, brief: input.brief, evidence, options: { maxNewTokens, ...input.options }, backend: gen, signal: ac.signal, onWarning: (m) => {
        services.output.warn(m);
        void vscode.window.showWarningMessage(`Product Forge: ${m}`);
      } })) {
        sink.write(chunk);
        if (++chunks % 20 === 0 && !sink.closed) progress.report({ message: `Writing… (${sink.doc.getText().length} characters)` });
      }
      await sink.flush();
      written = !sink.closed;
      services.output.info(`${title} generated with ${backend}${run.endpoint ? ` at ${displayEndpoint(run.endpoint)} (Use a Server…)` : ''} from ${evidence.items.length} evidence items.`);
    } catch (e) {
      await sink?.flush();
      if (sink?.closed) {
        services.output.info(`${title}: stopped, the document was closed.`);
        // saved early (Save As closes the Untitled document) or closed: the user is told the draft is partial
        void vscode.window.showWarningMessage(`${title} stopped: its document was saved or closed while it was being written, so it holds only what was written until then. Run the command again for a complete draft.`);
        return;
      }
      if (e instanceof CancelledError || ac.signal.aborted) {
        try {
          sink?.write('\n\n> _Cancelled: the document above is partial._\n');
          await sink?.flush();
        } catch {
          /* the document cannot be written to: it shows what was written */
        }
        return;
      }
      if (e instanceof LocalModelUnavailableError && e.reason !== 'failed') {
        // nothing failed (the first run, or a download the user declined): the details go to the log, not the toast
        if (e.reason === 'not-installed') {
          services.output.info(notInstalledLog(e.modelId, e.why, e.cacheDir));
          unavailable = { reason: 'not-installed', backend: 'local', downloadsTurnedOff: downloadsTurnedOff() };
        } else {
          services.output.info(`Generate: ${e.why}`);
          unavailable = { reason: 'declined', backend: 'local' };
        }
        return;
      }
      services.output.error(worded(e instanceof Error ? e.message : String(e)));
      if (e instanceof BackendUnavailableError || e instanceof HttpError) {
        // asked once the progress notification is gone (it would sit there, cancellable, while the toast waits)
        const failed = e instanceof BackendUnavailableError ? e.backend : backend;
        unavailable = { reason: 'failed', backend: failed, message: e.message, ...(failed === 'openai-compatible' && run.endpoint ? { server: run.endpoint } : {}) };
        return;
      }
      if (e instanceof IncompleteOutputError) {
        void vscode.window.showWarningMessage(`Product Forge: the language model stopped mid-answer (${e.message}). The partial document is marked as incomplete.`);
        return;
      }
      void vscode.window.showErrorMessage(`Product Forge: ${worded(e instanceof Error ? e.message : String(e))}`);
    } finally {
      sub.dispose();
      sink?.dispose();
    }
  });
  if (written && session.wrote(run)) void offerSaveServer(services, run.endpoint!);
  if (unavailable !== undefined) retry = await offerOtherBackends(unavailable, run, session);
  if (retry) await generateCommand(services, kind, loaded, session, retry, input);
}

/**
 * Once a document was written with the server of "Use a Server…": "Use this server every time?" Its button saves
 * the address to the user settings (productForge.generation.backend: openai-compatible and .endpoint); until then,
 * and otherwise, it is used until VS Code closes.
 */
async function offerSaveServer(services: Services, server: string): Promise<void> {
  const offer = saveServerOffer(server);
  if ((await vscode.window.showInformationMessage(offer.message, offer.save, offer.notNow)) !== offer.save) return;
  const config = vscode.workspace.getConfiguration('productForge');
  try {
    await config.update('generation.endpoint', server, vscode.ConfigurationTarget.Global);
    await config.update('generation.backend', 'openai-compatible', vscode.ConfigurationTarget.Global);
  } catch (e) {
    void vscode.window.showErrorMessage(`Product Forge: The server could not be saved in your user settings (${e instanceof Error ? e.message : String(e)}). Set Generation: Backend to openai-compatible and Generation: Endpoint to ${displayEndpoint(server)} in Settings.`);
    return;
  }
  services.output.info(`Generate: saved in your user settings (you chose Use Every Time): productForge.generation.backend openai-compatible, productForge.generation.endpoint ${displayEndpoint(server)}.`);
  // a workspace's own value wins over the user's: said, as this workspace will not use the saved server
  const overridden = ['generation.backend', 'generation.endpoint'].filter((k) => {
    const i = inspectSetting(k);
    return i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
  });
  if (overridden.length) {
    const names = overridden.map((k) => `productForge.${k}`).join(' and ');
    services.output.warn(`Generate: this workspace sets ${names} itself, which wins over your user settings here; the server is still used until VS Code closes.`);
    void vscode.window.showWarningMessage(`Product Forge: Saved in your user settings, but this workspace sets ${names} itself, which wins here. Change it in the Workspace tab of Settings to use the server in this workspace too.`);
  }
}

interface Prepared {
  brief: ReturnType<typeof parseBrief>;
  evidence: string[];
  options: GenerateOptions;
}

async function prepare(kind: DocKind): Promise<Prepared | undefined> {
  const text = await getBrief();
  if (!text?.trim()) return undefined;
  let brief;
  try {
    brief = parseBrief(text);
  } catch (e) {
    void vscode.window.showErrorMessage(`Product Forge: ${(e as Error).message}`);
    return undefined;
  }
  const evidence = await pickEvidence(kind);
  if (evidence === undefined) return undefined;
  let options: GenerateOptions | undefined = {};
  if (kind === 'copy') options = await copyOptions(brief.sections.users?.split('\n')[0]?.replace(/^[-*]\s*/, '') ?? '');
  if (kind === 'personas') options = await personaOptions();
  if (!options) return undefined;
  return { brief, evidence, options };
}

/** productForge.allowModelDownloads set to false by the user or the workspace (not merely left at its default). */
function downloadsTurnedOff(): boolean {
  const i = inspectSetting('allowModelDownloads');
  return [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue].includes(false);
}

/**
 * Says why the backend could not write and offers the ways on: an information message when nothing failed (the
 * first run without a local model, a declined download), an error when a model or server did. Not modal: the
 * user can read the brief and the evidence meanwhile, and the download that may follow asks in its own dialog.
 */
async function offerOtherBackends(u: Unavailable, run: RunWith, session: ServerSession): Promise<RunWith | undefined> {
  const offer = backendOffer(u);
  const show = offer.severity === 'info' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  const pick = await show(offer.message, ...offer.actions.map((a) => OFFER_LABELS[a]));
  const action = offer.actions.find((a) => OFFER_LABELS[a] === pick);
  if (action !== 'server' && action) session.chose(action);
  switch (action) {
    case 'template':
      return { backend: 'template' };
    case 'local':
      // (back to the local model: the server of "Use a Server…" no longer stands in for it)
      return { backend: 'local' };
    case 'download':
      return { backend: 'local', download: true };
    case 'server': {
      const endpoint = await askServer(run.endpoint ?? session.server);
      if (!endpoint) return undefined;
      // remembered until VS Code closes: the next Generate uses it without asking
      session.chose('server', endpoint);
      return { backend: 'openai-compatible', endpoint };
    }
    case 'settings':
      void vscode.commands.executeCommand('workbench.action.openSettings', offer.settingsQuery);
      return undefined;
    default:
      return undefined;
  }
}

/**
 * "Use a Server…": the address of the user's OpenAI-compatible server, used until VS Code closes (the one typed last
 * time, else the setting's, to start with).
 */
async function askServer(last: string | undefined): Promise<string | undefined> {
  const value = last ?? generationEndpoint(inspectSetting('generation.endpoint'), vscode.workspace.isTrusted).value!;
  const url = await vscode.window.showInputBox({
    title: 'Use an AI server you run',
    prompt: 'Its OpenAI-compatible address: Ollama http://localhost:11434/v1, LM Studio http://localhost:1234/v1. Your brief and evidence are sent to it. Used until VS Code closes; after the first document you can save it to your settings.',
    value,
    validateInput: (v) => serverUrlProblem(v),
    ignoreFocusOut: true,
  });
  return url?.trim().replace(/\/+$/, '') || undefined;
}

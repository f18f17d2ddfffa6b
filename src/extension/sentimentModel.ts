// Owns the sentiment classifier the commands share: resolves the model (settings -> bundled -> cache ->
// download with consent), loads it in the worker once and keeps it until a setting that changes which
// model or device to use changes. Nothing happens before the first command asks for it.
import * as vscode from 'vscode';
import { resolveModel, type ManifestEntry, type ModelSource } from '../core/models/registry';
import { createSentimentClassifier, type RuntimeSentimentClassifier } from '../runtime/sentiment';
import { readConfig, effectiveModelsPath, modelLookup, warnIgnoredOnce } from './config';
import type { ResolvedPathSetting } from './settingPath';
import { SENTIMENT_MODEL_SETTINGS } from './configSchema';
import { describeSentimentUse, sentimentUse } from '../core/train/sentiment';
import { analysisClassifierDir, analysisClassifierSetting, resolveAnalysisClassifier } from './analysisClassifier';
import type { Services } from './services';
import { hideModelStatus, showModelStatus, type LoadedModelInfo } from './statusBar';

export interface LoadedSentiment {
  classifier: RuntimeSentimentClassifier;
  info: LoadedModelInfo & { source: ModelSource };
}

export interface GetModelOptions {
  signal?: AbortSignal;
  /** Progress lines for the caller's notification ("Downloading onnx/model.onnx: 3.1 / 60.2 MB"). */
  report?: (message: string) => void;
  /** The resource the command works on (for resource-scoped settings). */
  scope?: vscode.ConfigurationScope;
}

export class SentimentModelHost implements vscode.Disposable {
  private current: { key: string; promise: Promise<LoadedSentiment> } | undefined;
  private watching = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (SENTIMENT_MODEL_SETTINGS.some((s) => e.affectsConfiguration(s))) {
          this.drop('a model or device setting changed');
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.drop('the workspace is now trusted')),
    );
  }

  /** The loaded model, if any (without loading one). */
  async peek(): Promise<LoadedSentiment | undefined> {
    return this.current?.promise.catch(() => undefined);
  }

  /** The classifier for the current settings, loading it on first use. */
  async get(opts: GetModelOptions = {}): Promise<LoadedSentiment> {
    const { output } = this.services;
    const cfg = readConfig(opts.scope, output);
    const mp = effectiveModelsPath(opts.scope);
    const own = analysisClassifierSetting(opts.scope);
    // A workspace value refused in Restricted Mode: said once per session.
    for (const ignored of [mp.ignored, own.ignored]) warnIgnoredOnce(ignored, output);
    // 0 (auto) leaves the budget to the runtime: every core.
    const threads = cfg.inferenceThreads > 0 ? cfg.inferenceThreads : undefined;
    // A classifier is keyed by the folder it resolves to (the same name in two workspace folders is two classifiers).
    const ownDir = own.written ? analysisClassifierDir(own) || own.written : '';
    const key = JSON.stringify([cfg.sentimentModel, cfg.device, mp.value ?? '', threads ?? 0, ownDir]);
    if (this.current && this.current.key !== key) this.drop('the settings changed');
    if (!this.current) {
      const promise = own.written
        ? this.loadSaved(own, mp.value, opts)
        : this.load(cfg.sentimentModel, cfg.device, mp.value, cfg.allowModelDownloads, threads, opts);
      const entry = { key, promise };
      this.current = entry;
      entry.promise.catch(() => {
        if (this.current === entry) {
          this.current = undefined;
          hideModelStatus(this.services.statusBar);
        }
      });
    }
    return this.current.promise;
  }

  /** Forgets the loaded model (frees it in the worker); the next command loads it again. */
  drop(reason: string): void {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    hideModelStatus(this.services.statusBar);
    this.services.output.info(`Sentiment model released: ${reason}.`);
    void cur.promise.then((m) => m.classifier.dispose()).catch(() => undefined);
  }

  dispose(): void {
    this.drop('the extension is shutting down');
    for (const d of this.disposables) d.dispose();
  }

  /**
   * The status bar follows the model worker: hidden when the worker stops (the model is gone from memory), shown again
   * when the next command loads the model into the new worker (createSentimentClassifier's onLoad).
   */
  private watchRestarts(): void {
    if (this.watching) return;
    this.watching = true;
    this.disposables.push(this.services.runtime().onRestart(() => hideModelStatus(this.services.statusBar)));
  }

  /** Shows `info` in the status bar if `classifier` is still the current model (not one dropped since). */
  private showIfCurrent(classifier: RuntimeSentimentClassifier, info: LoadedModelInfo): void {
    void this.current?.promise.then((m) => { if (m.classifier === classifier) showModelStatus(this.services.statusBar, info); }, () => undefined);
  }

  /** A classifier saved from the Train view (productForge.analysis.classifier), on the CPU. */
  private async loadSaved(setting: ResolvedPathSetting, modelsPath: string | undefined, opts: GetModelOptions): Promise<LoadedSentiment> {
    const { output } = this.services;
    opts.report?.(`Loading classifier ${setting.written}…`);
    const saved = await resolveAnalysisClassifier(setting, opts.scope);
    const modelId = `classifier:${saved.metadata.name}`;
    const lookup = modelLookup(this.services, opts.scope);
    this.watchRestarts();
    let shown: LoadedModelInfo | undefined;
    const classifier = await createSentimentClassifier(this.services.runtime(), {
      // loaded again after a worker restart: shown again
      onLoad: (r) => { if (shown) this.showIfCurrent(classifier, { ...shown, device: r.device, loadMs: r.loadMs }); },
      modelId,
      modelDir: saved.dir,
      device: 'cpu',
      format: 'classifier',
      embedding: { ...lookup, modelsPath },
      signal: opts.signal,
      log: (level, msg) => output[level](msg),
    });
    const lr = classifier.loadResult;
    const info = { modelId, source: 'setting' as const, dir: saved.dir, device: lr.device, loadMs: lr.loadMs };
    output.info(`Sentiment model: the saved classifier ${saved.metadata.name} (${saved.dir}; ${describeSentimentUse(sentimentUse(saved), saved.metadata.labels)}), loaded in ${lr.loadMs} ms.`);
    showModelStatus(this.services.statusBar, (shown = info));
    return { classifier, info };
  }

  private async load(
    modelId: string,
    device: 'auto' | 'cpu' | 'gpu',
    modelsPath: string | undefined,
    allowDownload: boolean,
    threads: number | undefined,
    opts: GetModelOptions,
  ): Promise<LoadedSentiment> {
    const { context, output } = this.services;
    const report = opts.report ?? (() => undefined);
    report(`Finding model ${modelId}…`);
    const t0 = Date.now();
    let lastReport = 0;
    const resolved = await resolveModel(modelId, {
      modelsPath,
      bundledDir: vscode.Uri.joinPath(context.extensionUri, 'models').fsPath,
      cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath,
      allowDownload,
      confirmDownload: (e) => confirmDownload(e, vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath),
      onProgress: (file, loaded, total) => {
        const now = Date.now();
        if (now - lastReport < 200 && loaded < total) return;
        lastReport = now;
        report(`Downloading ${file}: ${mb(loaded)} / ${mb(total)} MB`);
      },
      signal: opts.signal,
      log: (m) => output.info(m),
    });
    output.info(`Model ${modelId}: ${resolved.source} (${resolved.dir}), found in ${Date.now() - t0} ms.`);
    report(`Loading model ${modelId}…`);
    this.watchRestarts();
    let shown: LoadedModelInfo | undefined;
    const classifier = await createSentimentClassifier(this.services.runtime(), {
      // loaded again after a worker restart: shown again
      onLoad: (r) => { if (shown) this.showIfCurrent(classifier, { ...shown, device: r.device, loadMs: r.loadMs, fallbackReason: r.fallbackReason }); },
      modelId,
      modelDir: resolved.dir,
      device,
      maxLength: resolved.entry?.maxLength,
      dtype: resolved.entry?.dtype,
      threads,
      signal: opts.signal,
      log: (level, msg) => output[level](msg),
    });
    const lr = classifier.loadResult;
    const info = {
      modelId,
      source: resolved.source,
      dir: resolved.dir,
      device: lr.device,
      loadMs: lr.loadMs,
      fallbackReason: lr.fallbackReason,
    };
    output.info(
      `Sentiment model loaded: ${modelId} (source ${resolved.source}), device ${lr.device}` +
        `${lr.fallbackReason ? ` (fallback: ${lr.fallbackReason})` : ''}, load ${lr.loadMs} ms.`,
    );
    showModelStatus(this.services.statusBar, (shown = info));
    return { classifier, info };
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

async function confirmDownload(entry: ManifestEntry, cacheDir: string): Promise<boolean> {
  const size = entry.files.reduce((s, f) => s + f.size, 0);
  let from = 'huggingface.co';
  try {
    if (entry.url) from = new URL(entry.url).host;
  } catch {
    /* keep the default host */
  }
  const pick = await vscode.window.showWarningMessage(
    `Download the model ${entry.id} (${mb(size)} MB) from ${from}?`,
    {
      modal: true,
      detail:
        `It is not in productForge.modelsPath, bundled with the extension or cached. ` +
        `The files are checked against the extension's manifest (sha256) and stored in ${cacheDir}. ` +
        `Your feedback never leaves this machine.${entry.license ? ` License: ${entry.license}.` : ''}`,
    },
    'Download',
  );
  return pick === 'Download';
}

// productForge.analysis.classifier: a classifier saved from the Train view as the sentiment model of
// Analyze Feedback and Explain Sentiment (src/core/train/sentiment.ts says which ones qualify), and the
// command that picks one. The setting is restricted: in an untrusted workspace a classifier from the
// workspace is never loaded (Restricted Mode refuses workspace models) and the sentiment model is used.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CLASSIFIERS_DIR, listClassifiers, loadClassifier, type LoadedClassifier } from '../core/train/artifact';
import { describeSentimentUse, sentimentUse, sentimentUseProblem } from '../core/train/sentiment';
import { UserError } from '../core/types';
import { locateSetting, pathSetting, readConfig } from './config';
import { classifierSettingText, type ResolvedPathSetting } from './settingPath';
import type { Services } from './services';

export const ANALYSIS_CLASSIFIER_KEY = 'analysis.classifier';

/**
 * The setting as it may be used now, read by the rule of every path setting (settingPath.ts): `written` is '' when
 * none is in effect (not set, or ignored in Restricted Mode: `ignored` says so).
 */
export function analysisClassifierSetting(scope?: vscode.ConfigurationScope): ResolvedPathSetting {
  return pathSetting(ANALYSIS_CLASSIFIER_KEY, 'classifier', scope);
}

/** Workspace folders, the one holding `scope` first. */
function workspaceDirs(scope?: vscode.ConfigurationScope): string[] {
  const all = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const uri = scope instanceof vscode.Uri ? scope : (scope as { uri?: vscode.Uri } | undefined)?.uri;
  const own = uri ? vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath : undefined;
  return own ? [own, ...all.filter((d) => d !== own)] : all;
}

/**
 * The classifier the setting names: a folder (absolute, "~/…", ${workspaceFolder}/…, or relative to the settings
 * file's folder), or a name under .product-forge/classifiers. Checked: it must qualify.
 */
export async function resolveAnalysisClassifier(setting: ResolvedPathSetting, scope?: vscode.ConfigurationScope): Promise<LoadedClassifier> {
  const found = locateSetting(setting);
  if (!('dir' in found)) {
    const saved = (await savedClassifiers(scope)).filter(({ c }) => !sentimentUseProblem(c)).map(({ c, label }) => label ?? path.basename(c.dir));
    throw new UserError(
      `${'error' in found ? found.error : `${setting.key} is not set.`} ` +
        (saved.length ? `Saved sentiment classifiers: ${saved.slice(0, 5).join(', ')}. ` : '') +
        'Pick one with "Product Forge: Use a Saved Classifier for Analyze Feedback…", or clear the setting to use the sentiment model.',
    );
  }
  const c = await loadClassifier(found.dir);
  sentimentUse(c);
  return c;
}

/** The folder the setting names now ('' when none, or when it names none). */
export function analysisClassifierDir(setting: ResolvedPathSetting): string {
  const found = locateSetting(setting);
  return 'dir' in found ? found.dir : '';
}

interface ClassifierItem extends vscode.QuickPickItem {
  /** The setting value to write ('' = the sentiment model). */
  value: string;
}

/**
 * The saved classifiers of every workspace folder (the one holding `scope` first); in a multi-root workspace each has
 * a label that says its folder ("api: churn").
 */
async function savedClassifiers(scope?: vscode.ConfigurationScope): Promise<{ c: LoadedClassifier; label?: string }[]> {
  const dirs = workspaceDirs(scope);
  const lists = await Promise.all(dirs.map(async (d) => (await listClassifiers(path.join(d, CLASSIFIERS_DIR))).map((c) => ({
    c, ...(dirs.length > 1 ? { label: `${vscode.workspace.getWorkspaceFolder(vscode.Uri.file(d))?.name ?? path.basename(d)}: ${path.basename(c.dir)}` } : {}),
  }))));
  return lists.flat();
}

/** "Use a Saved Classifier for Analyze Feedback…": picks a qualifying classifier (or the sentiment model) and sets the workspace setting. */
export async function useClassifierForAnalysis(services: Services): Promise<void> {
  if (!workspaceDirs().length) {
    void vscode.window.showInformationMessage('Open a folder first: saved classifiers live in its .product-forge/classifiers.');
    return;
  }
  const listed = await savedClassifiers(vscode.window.activeTextEditor?.document.uri);
  const all = listed.map(({ c }) => c);
  const usable = listed.filter(({ c }) => !sentimentUseProblem(c));
  const currentSetting = analysisClassifierSetting();
  const current = currentSetting.written;
  const currentDir = analysisClassifierDir(currentSetting);
  const cfg = readConfig(undefined, services.output);
  if (!usable.length) {
    const why = all.length ? ` (${all.length} saved, none reads one text column and predicts sentiment labels or ratings)` : '';
    const pick = await vscode.window.showInformationMessage(
      `No saved classifier can analyze sentiment${why}. In the Train view, train on a CSV of your own feedback with a sentiment column (negative / neutral / positive) or a star rating as the target and the text as the only feature, then save it.`,
      'Open Train View',
    );
    if (pick) await vscode.commands.executeCommand('productForge.train.focus');
    return;
  }
  const items: ClassifierItem[] = [
    {
      label: `$(package) Sentiment model ${cfg.sentimentModel}`,
      description: current ? '' : 'in use',
      detail: 'The model set in productForge.sentimentModel (bundled by default).',
      value: '',
    },
    ...usable.map(({ c, label }): ClassifierItem => {
      const name = path.basename(c.dir);
      const m = c.metadata;
      return {
        label: `$(beaker) ${label ?? name}`,
        description: [(currentDir ? path.resolve(c.dir) === path.resolve(currentDir) : current === name) ? 'in use' : '', describeSentimentUse(sentimentUse(c), m.labels)].filter(Boolean).join(' · '),
        detail: `${m.modelKind}, text column "${c.preprocessing.columns[0].name}", accuracy ${(m.metrics.accuracy * 100).toFixed(1)}% on ${m.testRows} held-out rows, saved ${new Date(m.createdAt).toLocaleString()}`,
        value: classifierSettingValue(c.dir),
      };
    }),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Sentiment model for Analyze Feedback and Explain Sentiment',
    placeHolder: 'A classifier trained on your own labelled feedback, or the sentiment model',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return;
  await setAnalysisClassifier(services, pick.value);
}

/** Writes productForge.analysis.classifier (workspace setting; '' clears it) and says what Analyze Feedback now uses. */
export async function setAnalysisClassifier(services: Services, value: string): Promise<void> {
  const cfg = readConfig(undefined, services.output);
  // Where it is set now (a folder's own value wins over the workspace's), else the workspace (or the user's settings without one).
  const folder = vscode.workspace.workspaceFolders?.[0];
  const inspected = vscode.workspace.getConfiguration('productForge', folder?.uri).inspect<string>(ANALYSIS_CLASSIFIER_KEY);
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder : folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('productForge', folder?.uri).update(ANALYSIS_CLASSIFIER_KEY, value || undefined, target);
  // What is in effect now: a user-level value still applies when the workspace's is cleared, and Restricted Mode
  // does not load a workspace classifier.
  const eff = analysisClassifierSetting(folder?.uri);
  const now = eff.written;
  services.output.info(now ? `Analyze Feedback now uses the saved classifier ${now}.` : 'Analyze Feedback now uses the sentiment model.');
  if (eff.ignored) {
    void vscode.window.showWarningMessage(eff.ignored, 'Manage Workspace Trust').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return;
  }
  const stillUser = !value && now && inspected?.globalValue;
  void vscode.window
    .showInformationMessage(
      now
        ? `Analyze Feedback and Explain Sentiment now use your classifier "${now}" (setting productForge.analysis.classifier${stillUser ? ' in your user settings: clear it there to use the sentiment model' : ''}).`
        : `Analyze Feedback and Explain Sentiment now use the sentiment model ${cfg.sentimentModel}.`,
      ...(stillUser ? ['Open User Settings'] : []),
    )
    .then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'productForge.analysis.classifier');
    });
}

/** The setting value naming a classifier folder: its name when it is in the workspace's classifiers folder, else the folder. */
export function classifierSettingValue(dir: string): string {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  return classifierSettingText(dir, folders);
}

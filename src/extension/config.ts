// Typed reader for the productForge.* settings (validation in ./configSchema, shared with the tests).
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelLookup } from '../core/train/worker-protocol';
import { UserError } from '../core/types';
import type { Services } from './services';
import {
  effectiveRestrictedSetting,
  parseConfig,
  resolveSettingPath,
  type EffectiveSetting,
  type ForgeConfig,
  type InspectedSetting,
} from './configSchema';

export type { ForgeConfig } from './configSchema';

const SECTION = 'productForge';
/** Problems already shown, so an invalid value is reported once per session, not on every command. */
const reported = new Set<string>();

/** Reads and validates productForge.*; invalid values fall back to defaults with one warning each. */
export function readConfig(scope?: vscode.ConfigurationScope, log?: vscode.LogOutputChannel): ForgeConfig {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const { config, problems } = parseConfig((key) => cfg.get(key));
  for (const p of problems) {
    if (reported.has(p)) continue;
    reported.add(p);
    log?.warn(p);
    void vscode.window.showWarningMessage(p, 'Open Settings').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', p.split(' ')[0]);
    });
  }
  return config;
}

/**
 * A workspace setting ignored in Restricted Mode: logged, and shown once per session with a way to trust the
 * workspace (every feature that reads a restricted setting says it the same way).
 */
export function warnIgnoredOnce(message: string | undefined, log?: vscode.LogOutputChannel): void {
  if (!message || reported.has(message)) return;
  reported.add(message);
  log?.warn(message);
  void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}

/**
 * A restricted setting (e.g. 'modelsPath', 'generation.endpoint') as it may be used now: values from
 * the workspace are ignored in Restricted Mode. `ignored` holds the message to show when one was.
 */
export function restrictedSetting<T>(key: string, scope?: vscode.ConfigurationScope): EffectiveSetting<T> {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const inspected = cfg.inspect<T>(key) as InspectedSetting<T> | undefined;
  return effectiveRestrictedSetting<T>(`${SECTION}.${key}`, inspected, vscode.workspace.isTrusted);
}

/**
 * productForge.modelsPath as it may be used, as an absolute folder (undefined when not set or refused): "~/…" under
 * the home folder, a relative path under the workspace folder of `scope` (else the first one). A relative path that
 * cannot be resolved is a UserError naming the setting.
 */
export function effectiveModelsPath(scope?: vscode.ConfigurationScope): EffectiveSetting<string> {
  const s = restrictedSetting<string>('modelsPath', scope);
  if (typeof s.value !== 'string' || !s.value.trim()) return { ...s, value: undefined };
  const uri = scope instanceof vscode.Uri ? scope : (scope as { uri?: vscode.Uri } | undefined)?.uri;
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) || vscode.workspace.workspaceFolders?.[0];
  const r = resolveSettingPath(`${SECTION}.modelsPath`, s.value, {
    home: os.homedir(),
    workspaceFolder: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
    trusted: vscode.workspace.isTrusted,
    isAbsolute: path.isAbsolute,
    resolve: path.resolve,
  });
  if ('error' in r) throw new UserError(r.error);
  return { ...s, value: r.path };
}

/** Where a setting is set (to update it in the same place); Global when only the default applies. */
export function settingTarget(key: string, scope?: vscode.ConfigurationScope): vscode.ConfigurationTarget {
  const i = vscode.workspace.getConfiguration(SECTION, scope).inspect(key);
  if (i?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (i?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/** Sets productForge.device to 'cpu' where it is set now (the "Use CPU" action after a GPU failure). */
export async function useCpuDevice(scope?: vscode.ConfigurationScope): Promise<void> {
  const target = settingTarget('device', scope);
  await vscode.workspace.getConfiguration(SECTION, scope).update('device', 'cpu', target);
}

/**
 * Where the training worker finds text embedding models: productForge.train.embeddingModel (an id, or a
 * folder: absolute, "~/...", "./..." or another path relative to the first workspace folder that holds a
 * model), productForge.modelsPath, the
 * bundled models and the cache; both settings are restricted (ignored from an untrusted workspace).
 */
export function modelLookup(s: Services): ModelLookup {
  const cfg = readConfig(undefined, s.output);
  const mp = effectiveModelsPath();
  const emb = restrictedSetting<string>('train.embeddingModel');
  for (const ignored of [mp.ignored, emb.ignored]) warnIgnoredOnce(ignored, s.output);
  let embeddingModel = typeof emb.value === 'string' ? emb.value.trim() : '';
  // Folders inside the workspace are used only when it is trusted (Restricted Mode refuses workspace models).
  const ws = vscode.workspace.isTrusted ? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath : undefined;
  if (embeddingModel.startsWith('~')) embeddingModel = path.join(os.homedir(), embeddingModel.slice(1));
  else if (ws && embeddingModel.startsWith('.')) embeddingModel = path.resolve(ws, embeddingModel);
  else if (ws && embeddingModel && !path.isAbsolute(embeddingModel) && existsSync(path.join(ws, embeddingModel, 'config.json'))) {
    // "models/minilm": a folder in the workspace wins over an id of the same name under modelsPath.
    embeddingModel = path.join(ws, embeddingModel);
  }
  return {
    modelsPath: mp.value,
    bundledDir: vscode.Uri.joinPath(s.context.extensionUri, 'models').fsPath,
    cacheDir: vscode.Uri.joinPath(s.context.globalStorageUri, 'models').fsPath,
    device: cfg.device,
    embeddingModel: embeddingModel || undefined,
  };
}

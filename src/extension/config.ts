// Typed reader for the productForge.* settings (validation in ./configSchema, shared with the tests).
import { statSync } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ModelLookup } from '../core/train/worker-protocol';
import { UserError } from '../core/types';
import type { Services } from './services';
import {
  effectiveRestrictedSetting,
  parseConfig,
  type EffectiveSetting,
  type ForgeConfig,
  type InspectedSetting,
} from './configSchema';
import { locatePathSetting, resolvePathSetting, type LocatedPathSetting, type PathSettingKind, type ResolvedPathSetting, type SettingPathContext } from './settingPath';

export type { ForgeConfig } from './configSchema';

const SECTION = 'productForge';
/** Problems already shown, so an invalid value is reported once per session, not on every command. */
const reported = new Set<string>();

/** Reads and validates productForge.*; invalid values fall back to defaults with one warning each. */
export function readConfig(scope?: vscode.ConfigurationScope, log?: vscode.LogOutputChannel): ForgeConfig {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const { config, problems } = parseConfig((key) => cfg.get(key));
  for (const p of problems) warnSettingOnce(p, p.split(' ')[0], log);
  return config;
}

/** A problem with a setting: logged, and shown once per session with a way to the setting. */
export function warnSettingOnce(message: string, key: string, log?: vscode.LogOutputChannel): void {
  if (reported.has(message)) return;
  reported.add(message);
  log?.warn(message);
  void vscode.window.showWarningMessage(message, 'Open Settings').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', key);
  });
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

/** The workspace as the path settings' resolver needs it (src/extension/settingPath.ts), for a setting read for `scope`. */
export function settingPathContext(scope?: vscode.ConfigurationScope): SettingPathContext {
  const local = (u: vscode.Uri | undefined) => (u?.scheme === 'file' ? u.fsPath : undefined);
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  // a Uri, or a text document or workspace folder (their uri); a language scope names no folder
  const uri = scope instanceof vscode.Uri ? scope : (scope as { uri?: vscode.Uri } | undefined)?.uri;
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  const file = vscode.workspace.workspaceFile;
  return {
    home: os.homedir(),
    trusted: vscode.workspace.isTrusted,
    folders,
    scopeFolder: local(folder?.uri),
    workspaceFile: file ? (local(file) ?? 'unsaved') : undefined,
  };
}

/** A setting that names a folder (`key` under productForge.), read for `scope` by the one rule of settingPath.ts. */
export function pathSetting(key: string, kind: PathSettingKind, scope?: vscode.ConfigurationScope): ResolvedPathSetting {
  const inspected = vscode.workspace.getConfiguration(SECTION, scope).inspect<unknown>(key) as InspectedSetting<unknown> | undefined;
  return resolvePathSetting(`${SECTION}.${key}`, kind, inspected, settingPathContext(scope));
}

/** The folder a path setting names, looked for on disk. */
export function locateSetting(r: ResolvedPathSetting): LocatedPathSetting {
  return locatePathSetting(r, (p, as) => {
    try {
      const st = statSync(p);
      return as === 'dir' ? st.isDirectory() : st.isFile();
    } catch {
      return false;
    }
  });
}

/**
 * productForge.modelsPath as it may be used, as an absolute folder that exists (undefined when not set, or ignored in
 * Restricted Mode: `ignored` says so). A value that names no folder, or cannot be read, is a UserError naming it.
 */
export function effectiveModelsPath(scope?: vscode.ConfigurationScope): EffectiveSetting<string> {
  const r = pathSetting('modelsPath', 'folder', scope);
  const found = locateSetting(r);
  if ('error' in found) throw new UserError(`${found.error} Fix the setting, or clear it to use the bundled models.`);
  return { value: 'dir' in found ? found.dir : undefined, scope: r.from, ...(r.ignored ? { ignored: r.ignored } : {}) };
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

export interface ResolvedModelLookup {
  lookup: ModelLookup;
  /** productForge.train.embeddingModel is set but cannot be used (the lookup has none): why. */
  embeddingProblem?: string;
  /** productForge.train.embeddingModel is set by the workspace or points into it, and Restricted Mode ignores it. */
  embeddingIgnored: boolean;
}

/**
 * Where the training worker finds text embedding models: productForge.train.embeddingModel (a model folder, read by
 * the rule of settingPath.ts, or an id), productForge.modelsPath, the bundled models and the cache; both settings are
 * restricted (ignored from an untrusted workspace: said once). An unusable modelsPath is a UserError; an unusable
 * embedding model is `embeddingProblem` (most requests do not need it).
 */
export function resolveModelLookup(s: Services, scope?: vscode.ConfigurationScope): ResolvedModelLookup {
  const cfg = readConfig(scope, s.output);
  const mp = effectiveModelsPath(scope);
  const emb = pathSetting('train.embeddingModel', 'model', scope);
  for (const ignored of [mp.ignored, emb.ignored]) warnIgnoredOnce(ignored, s.output);
  const found = locateSetting(emb);
  return {
    lookup: {
      modelsPath: mp.value,
      bundledDir: vscode.Uri.joinPath(s.context.extensionUri, 'models').fsPath,
      cacheDir: vscode.Uri.joinPath(s.context.globalStorageUri, 'models').fsPath,
      device: cfg.device,
      embeddingModel: 'dir' in found ? found.dir : 'id' in found ? found.id : undefined,
    },
    ...('error' in found ? { embeddingProblem: found.error } : {}),
    embeddingIgnored: !!emb.ignored && !emb.written,
  };
}

/** resolveModelLookup's lookup; a problem with the embedding model setting is shown once (it is not used then). */
export function modelLookup(s: Services, scope?: vscode.ConfigurationScope): ModelLookup {
  const r = resolveModelLookup(s, scope);
  if (r.embeddingProblem) warnSettingOnce(r.embeddingProblem, `${SECTION}.train.embeddingModel`, s.output);
  return r.lookup;
}

// Typed reader for the productForge.* settings (validation in ./configSchema, shared with the tests).
import * as vscode from 'vscode';
import {
  effectiveRestrictedSetting,
  parseConfig,
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
 * A restricted setting (e.g. 'modelsPath', 'generation.endpoint') as it may be used now: values from
 * the workspace are ignored in Restricted Mode. `ignored` holds the message to show when one was.
 */
export function restrictedSetting<T>(key: string, scope?: vscode.ConfigurationScope): EffectiveSetting<T> {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const inspected = cfg.inspect<T>(key) as InspectedSetting<T> | undefined;
  return effectiveRestrictedSetting<T>(`${SECTION}.${key}`, inspected, vscode.workspace.isTrusted);
}

/** productForge.modelsPath as it may be used (undefined when not set or refused). */
export function effectiveModelsPath(scope?: vscode.ConfigurationScope): EffectiveSetting<string> {
  const s = restrictedSetting<string>('modelsPath', scope);
  if (typeof s.value !== 'string' || !s.value.trim()) return { ...s, value: undefined };
  return { ...s, value: s.value.trim() };
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

// The status bar item: "$(chip) Sentiment: CPU" while a sentiment model is loaded; hidden otherwise.
import * as vscode from 'vscode';
import { deviceLabel } from './args';

export interface LoadedModelInfo {
  modelId: string;
  source: string;
  dir: string;
  device: string;
  loadMs: number;
  fallbackReason?: string;
}

export function showModelStatus(item: vscode.StatusBarItem, info: LoadedModelInfo): void {
  item.text = `$(chip) Sentiment: ${deviceLabel(info.device)}`;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown('**Product Forge sentiment model**\n\n');
  md.appendMarkdown(`- Model: \`${info.modelId}\` (${info.source})\n`);
  md.appendMarkdown(`- Device: ${deviceLabel(info.device)}\n`);
  md.appendMarkdown(`- Load time: ${info.loadMs} ms\n`);
  if (info.fallbackReason) md.appendMarkdown(`- GPU not used: ${info.fallbackReason.replace(/[\\`*_[\]]/g, '\\$&')}\n`);
  md.appendMarkdown('\nClick to show the Product Forge output.');
  item.tooltip = md;
  item.command = 'productForge.showOutput';
  item.show();
}

export function hideModelStatus(item: vscode.StatusBarItem): void {
  item.hide();
}

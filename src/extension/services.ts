// What every command module gets from activate(): created cheaply, nothing loaded until first use.
import * as vscode from 'vscode';
import type { ModelRuntime } from '../runtime/client';

export interface Services {
  context: vscode.ExtensionContext;
  /** The "Product Forge" output channel: model, device, timings, errors. */
  output: vscode.LogOutputChannel;
  /** The shared model worker client, started on first call (never during activation). */
  runtime(): ModelRuntime;
  /** Status bar item showing the loaded model's device (hidden while no model is loaded). */
  statusBar: vscode.StatusBarItem;
}

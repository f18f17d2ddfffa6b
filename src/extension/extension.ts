// Entry point. Activation only registers commands and views: no model is loaded and the
// workspace is not scanned until a command runs.
import * as vscode from 'vscode';
import type { Services } from './services';
import { ModelRuntime } from '../runtime/client';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Product Forge', { log: true });
  const statusBar = vscode.window.createStatusBarItem('productForge.device', vscode.StatusBarAlignment.Right, 100);
  statusBar.name = 'Product Forge model device';
  context.subscriptions.push(output, statusBar);
  let runtime: ModelRuntime | undefined;
  const services: Services = {
    context,
    output,
    statusBar,
    runtime() {
      runtime ??= new ModelRuntime({ workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath, log: (level, msg) => output[level](msg) });
      return runtime;
    },
  };
  context.subscriptions.push({ dispose: () => void runtime?.dispose() });
  // Each feature module registers its commands/views through the same context (see docs/ARCHITECTURE.md).
  // registerAnalyzeCommands(services);   // src/extension/analyze.ts
  // registerTrainView(services);         // src/extension/trainView.ts
  // registerGenerateCommands(services);  // src/extension/generate.ts
}

export function deactivate(): void {}

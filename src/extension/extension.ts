// Entry point. Activation only registers commands and views: no model is loaded and the
// workspace is not scanned until a command runs.
import { moduleLoadStart } from './loadTime'; // first: marks module load
import * as vscode from 'vscode';
import { ModelRuntime } from '../runtime/client';
import { registerAnalyzeCommands } from './analyze';
import { registerExplainCommand } from './explain';
import { ReportViewProvider } from './reportView';
import { SentimentModelHost } from './sentimentModel';
import type { Services } from './services';
import { registerTrainView } from './trainView';
import { registerGenerateCommands } from './generate';

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
      runtime ??= new ModelRuntime({
        workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
        log: (level, msg) => output[level](msg),
      });
      return runtime;
    },
  };
  context.subscriptions.push({ dispose: () => void runtime?.dispose() });
  context.subscriptions.push(vscode.commands.registerCommand('productForge.showOutput', () => output.show(true)));

  // Each feature module registers its commands/views through the same context (see docs/ARCHITECTURE.md).
  const models = new SentimentModelHost(services);
  context.subscriptions.push(models);
  const reportView = ReportViewProvider.register(services);
  registerAnalyzeCommands(services, {
    models,
    onReport: (dir) => reportView.reportWritten(dir),
    showInReportView: (dir) => reportView.show(dir),
  });
  registerExplainCommand(services, models);
  registerTrainView(services);
  registerGenerateCommands(services);

  output.info(`activated in ${(performance.now() - moduleLoadStart).toFixed(1)} ms`);
}

export function deactivate(): void {}

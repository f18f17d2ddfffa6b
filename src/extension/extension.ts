// Entry point. Activation only registers commands and views: no model is loaded and the
// workspace is not scanned until a command runs.
import { moduleLoadStart } from './loadTime'; // first: marks module load
import * as vscode from 'vscode';
import { ModelRuntime } from '../runtime/client';

import { useClassifierForAnalysis } from './analysisClassifier';
import { registerAnalyzeCommands } from './analyze';
import { registerExplainCommand } from './explain';
import { ReportViewProvider } from './reportView';
import { SentimentModelHost } from './sentimentModel';
import type { Services } from './services';
import { registerTrainView, stopTrainWorker } from './trainView';
import { registerGenerateCommands } from './generate';

/** The model worker client of this activation (started on first use). */
let runtime: ModelRuntime | undefined;

// Every module of the bundle has been evaluated once this line runs.
const moduleLoadEnd = performance.now();

export function activate(context: vscode.ExtensionContext): void {
  const activateStart = performance.now();
  runtime = undefined;
  const output = vscode.window.createOutputChannel('Product Forge', { log: true });
  const statusBar = vscode.window.createStatusBarItem('productForge.device', vscode.StatusBarAlignment.Right, 100);
  statusBar.name = 'Product Forge model device';
  context.subscriptions.push(output, statusBar);
  const services: Services = {
    context,
    output,
    statusBar,
    runtime() {
      runtime ??= new ModelRuntime({
        workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
        log: (level, msg) => output[level](msg),
        // Inference and analysis threads yield the CPU to the editor (Linux: per thread).
        env: { PRODUCT_FORGE_WORKER_NICE: '10' },
      });
      return runtime;
    },
  };
  // deactivate() waits for the worker to wind down; this covers a host that only disposes subscriptions
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
  context.subscriptions.push(vscode.commands.registerCommand('productForge.useClassifierForAnalysis', () => useClassifierForAnalysis(services)));
  registerTrainView(services);
  registerGenerateCommands(services);

  // Activation cost = evaluating the bundle + activate() itself. The time VS Code spends between loading
  // the module and calling activate() (building the ExtensionContext, waiting for storage while the
  // workbench starts) is not ours and is reported separately.
  const end = performance.now();
  const moduleMs = moduleLoadEnd - moduleLoadStart;
  const activateMs = end - activateStart;
  output.info(
    `activated in ${(moduleMs + activateMs).toFixed(1)} ms (module load ${moduleMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms; ` +
      `host wait before activate() ${(activateStart - moduleLoadEnd).toFixed(1)} ms)`,
  );
}

/** VS Code waits for this: the workers' jobs are cancelled and cleaned up before the host goes. */
export async function deactivate(): Promise<void> {
  await Promise.all([runtime?.dispose(), stopTrainWorker()]);
}

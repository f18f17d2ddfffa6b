// Opens a report.md the way productForge.analysis.openReport asks: rendered (VS Code's Markdown preview,
// with the report's SVG chart and tables drawn) or as Markdown source. The preview falls back to the
// source when the built-in Markdown extension is disabled.
import * as vscode from 'vscode';

export async function openReport(file: string, how: 'preview' | 'source', log?: vscode.LogOutputChannel): Promise<void> {
  const uri = vscode.Uri.file(file);
  if (how === 'preview') {
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
      return;
    } catch (err) {
      log?.warn(`The Markdown preview is not available (${(err as Error)?.message ?? err}); opening ${file} as text.`);
    }
  }
  await vscode.window.showTextDocument(uri, { preview: false });
}

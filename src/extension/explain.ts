// "Explain Sentiment": classifies the selection (or the current line) in the worker with word-level
// occlusion attributions, colours the words that drove the prediction and summarizes the result.
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { sourceEncoding } from './openSource';
import { feedbackItemAtLine } from '../core/readers';
import { SENTIMENT_LABELS, UserError } from '../core/types';
import type { TokenAttribution } from '../runtime/protocol';
import { columnMemoryKey, MAX_HOST_JSON_BYTES, rememberedColumns } from './args';
import { readConfig } from './config';
import { reportCommandError } from './errors';
import { explainSummary, hoverText, nonEmptyLines, shortUnit, side, significantTokens } from './explainFormat';
import { weightText } from '../core/analysis/drivers-format';
import type { SentimentModelHost } from './sentimentModel';
import type { Services } from './services';

/**
 * The feedback text of the table row on `line` (0-based) of a saved CSV/TSV/JSON/JSONL file, found by the
 * same readers Analyze Feedback uses (the text columns chosen for the file, else detected), with the range
 * it occupies in the line; inLine is false (the range is the whole line) when the cell is quoted with
 * escapes or spans lines, or the text is joined from several columns.
 */
async function feedbackCellAt(doc: vscode.TextDocument, line: number, remembered: unknown): Promise<{ range: vscode.Range; text: string; inLine: boolean } | undefined> {
  if (!TABLE_FILE.test(doc.uri.fsPath)) return undefined;
  // The row is found by reading the file up to it on this thread (a JSON array: all of it): not for large files.
  const limit = /\.json$/i.test(doc.uri.fsPath) ? MAX_HOST_JSON_BYTES : MAX_ROW_LOOKUP_BYTES;
  if ((await stat(doc.uri.fsPath)).size > limit) return undefined;
  const chosen = rememberedColumns(remembered);
  // Columns chosen earlier that the file no longer has: back to the detected one.
  const item = chosen
    ? await feedbackItemAtLine(doc.uri.fsPath, line + 1, { column: chosen }).catch((err: unknown) => {
        if (err instanceof UserError) return feedbackItemAtLine(doc.uri.fsPath, line + 1);
        throw err;
      })
    : await feedbackItemAtLine(doc.uri.fsPath, line + 1);
  if (!item) return undefined;
  const lineText = doc.lineAt(line).text;
  const at = lineText.indexOf(item.text);
  const range = at >= 0 ? new vscode.Range(line, at, line, at + item.text.length) : doc.lineAt(line).range;
  return { range, text: item.text, inLine: at >= 0 };
}

const TABLE_FILE = /\.(csv|tsv|jsonl?)$/i;
/** Larger CSV/TSV/JSONL tables (and JSON arrays over MAX_HOST_JSON_BYTES) are explained line by line as they are. */
const MAX_ROW_LOOKUP_BYTES = 64 * 1024 * 1024;

export function registerExplainCommand(services: Services, models: SentimentModelHost): void {
  const supports = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
    borderRadius: '2px',
  });
  const opposes = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
    textDecoration: 'underline wavy',
    borderRadius: '2px',
  });
  let decorated: vscode.TextEditor | undefined;
  const clear = (): void => {
    decorated?.setDecorations(supports, []);
    decorated?.setDecorations(opposes, []);
    decorated = undefined;
  };
  services.context.subscriptions.push(
    supports,
    opposes,
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (decorated && e.document === decorated.document && e.contentChanges.length) clear();
    }),
    vscode.commands.registerCommand('productForge.explainSentiment', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Open a file and select the feedback text to explain.');
        return undefined;
      }
      const doc = editor.document;
      const scope = doc.uri.scheme === 'file' ? doc.uri : undefined;
      let range = editor.selection.isEmpty ? doc.lineAt(editor.selection.active.line).range : new vscode.Range(editor.selection.start, editor.selection.end);
      let text = doc.getText(range);
      // No selection, or one whole line (as the Report view opens an item), in a saved table (CSV, TSV, JSON,
      // JSONL): explain the row's feedback text, not its other columns.
      const sel = editor.selection;
      const rowPick = sel.isEmpty || sel.isEqual(doc.lineAt(sel.start.line).range);
      const cell = rowPick && scope && !doc.isDirty
        ? await feedbackCellAt(doc, sel.start.line, services.context.workspaceState.get(columnMemoryKey(doc.uri.fsPath))).catch((err: unknown) => {
            services.output.warn(`Explain Sentiment: could not read the row at line ${sel.start.line + 1} (${(err as Error)?.message}); explaining the line as it is.`);
            return undefined;
          })
        : undefined;
      if (cell) ({ range, text } = cell);
      // Word spans map onto the editor only when the text is the range's own characters.
      const mapped = !cell || cell.inLine;
      if (!text.trim()) {
        void vscode.window.showInformationMessage('Select some feedback text (or put the cursor on a non-empty line) to explain its sentiment.');
        return undefined;
      }
      // A file shown in the wrong encoding (a GB18030 file opened as UTF-8) would be explained as mojibake.
      const detected = scope ? await sourceEncoding(scope.fsPath) : undefined;
      const shownAs = (doc as unknown as { encoding?: string }).encoding;
      // (only a non-UTF-8 file shown as UTF-8: a Latin-1 file the user reopened as ISO 8859-1 reads fine)
      const misread = !!detected && detected !== 'utf8bom' && (shownAs === 'utf8' || shownAs === 'utf8bom');
      if (text.includes('\uFFFD') || misread) {
        void vscode.window.showWarningMessage(
          `This text is shown in the wrong encoding${detected ? ` (the file reads as ${detected}${shownAs ? `, the editor shows it as ${shownAs}` : ''})` : ''}, so it cannot be explained as it is. Use "Reopen with Encoding" (the encoding in the status bar)${detected ? ` and pick ${detected}` : ''}, then explain again.`,
        );
        return undefined;
      }
      try {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Explaining sentiment', cancellable: true },
          async (progress, token) => {
            const ac = new AbortController();
            const sub = token.onCancellationRequested(() => ac.abort());
            try {
              const { classifier } = await models.get({ signal: ac.signal, scope, report: (message) => progress.report({ message }) });
              progress.report({ message: 'Scoring each word…' });
              const t0 = Date.now();
              const r = await classifier.explain(text, ac.signal, { twoWay: readConfig(scope, services.output).twoWay });
              services.output.info(`Explain: ${text.length} chars, ${r.tokens.length} words in ${Date.now() - t0} ms.`);
              return r;
            } finally {
              sub.dispose();
            }
          },
        );
        clear();
        const base = doc.offsetAt(range.start);
        const toRange = (t: TokenAttribution): vscode.Range =>
          new vscode.Range(doc.positionAt(base + t.start), doc.positionAt(base + t.end));
        const shown = significantTokens(result.tokens);
        const hover = (t: TokenAttribution): vscode.MarkdownString => new vscode.MarkdownString(hoverText(t, result));
        if (mapped) {
          editor.setDecorations(supports, shown.filter((t) => side(t) > 0).map((t) => ({ range: toRange(t), hoverMessage: hover(t) })));
          editor.setDecorations(opposes, shown.filter((t) => side(t) < 0).map((t) => ({ range: toRange(t), hoverMessage: hover(t) })));
          decorated = editor;
        }
        // (a table row's cell is one item, whatever lines it spans)
        const summary = explainSummary(result, { lines: cell ? 1 : nonEmptyLines(text) });
        services.output.info(`Explain Sentiment (${doc.uri.fsPath || doc.uri.toString()}:${range.start.line + 1}): ${summary}`);
        services.output.info(
          `  scores: ${SENTIMENT_LABELS.map((l) => `${l} ${result.scores[l].toFixed(3)}`).join(', ')}; words: ` +
            shown.map((t) => `${shortUnit(t.token)} ${side(t) >= 0 ? '+' : '-'}${weightText(t.weight)}`).join(', ') +
            ` (a ${result.units === 'passages' ? 'passage' : 'word'}'s number: how much P(${result.label}) falls without it; negative: it rises)`,
        );
        void vscode.window.showInformationMessage(summary, 'Show Output', 'Clear Highlights').then((pick) => {
          if (pick === 'Show Output') services.output.show(true);
          else if (pick === 'Clear Highlights') clear();
        });
        return result;
      } catch (err) {
        await reportCommandError(services, err, {
          what: 'Explain Sentiment',
          scope,
          retry: () => vscode.commands.executeCommand('productForge.explainSentiment'),
        });
        return undefined;
      }
    }),
  );
}

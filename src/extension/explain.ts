// "Explain Sentiment": classifies the selection (or the current line) in the worker with word-level
// occlusion attributions, colours the words that drove the prediction and summarizes the result. A selection over
// several feedback items (lines of a text file, rows of a table) explains each item, up to MAX_EXPLAIN_ITEMS, and notes
// each one's label at the end of its line.
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { sourceEncoding } from './openSource';
import { feedbackItemAtLine, feedbackItemsInLines, isSupportedFile } from '../core/readers';
import { SENTIMENT_LABELS, UserError } from '../core/types';
import type { ExplainResult, TokenAttribution } from '../runtime/protocol';
import { columnMemoryKey, MAX_HOST_JSON_BYTES, rememberedColumns } from './args';
import { readConfig } from './config';
import { reportCommandError } from './errors';
import { explainSummary, hoverText, itemNote, itemsSummary, lineItems, locateText, shortUnit, side, significantTokens } from './explainFormat';
import { weightText } from '../core/analysis/drivers-format';
import { MAX_EXPLAIN_ITEMS } from '../core/analysis/explain';
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

/** A text to explain, and where its characters are in the document (undefined: not the document's own characters). */
interface Target {
  text: string;
  /** 0-based line it starts on. */
  line: number;
  offsets?: (start: number, end: number) => [number, number];
}

/**
 * The feedback items on 0-based lines first..last (a selection over several lines): for a saved feedback file (.txt,
 * .md, .csv, .tsv, .json, .jsonl), the items Analyze Feedback reads there, by the same readers (a table's text column,
 * a paragraph, a bullet); otherwise each non-empty selected line. The first MAX_EXPLAIN_ITEMS, and how many there are.
 */
async function selectedItems(doc: vscode.TextDocument, selection: vscode.Selection, last: number, remembered: unknown, readFile = true): Promise<{ targets: Target[]; count: number }> {
  const first = selection.start.line;
  const file = readFile && doc.uri.scheme === 'file' && !doc.isDirty && isSupportedFile(doc.uri.fsPath) ? doc.uri.fsPath : undefined;
  const limit = file && /\.json$/i.test(file) ? MAX_HOST_JSON_BYTES : MAX_ROW_LOOKUP_BYTES;
  if (file && (await stat(file)).size <= limit) {
    const chosen = rememberedColumns(remembered);
    const read = (column?: string | string[]) => feedbackItemsInLines(file, first + 1, last + 1, { column, max: MAX_EXPLAIN_ITEMS });
    // Columns chosen earlier that the file no longer has: back to the detected one.
    const { items, count } = chosen ? await read(chosen).catch((err: unknown) => (err instanceof UserError ? read() : Promise.reject(err))) : await read();
    const targets = items.map((it, k): Target => {
      const line = it.line - 1;
      // its text is between its line and the next item's; the last one's, within its own lines (a paragraph's: up to
      // the readers' MAX_BLOCK_LINES)
      const end = Math.min(doc.lineCount - 1, k + 1 < items.length ? Math.max(line, items[k + 1].line - 2) : Math.max(last, line + 200));
      const base = doc.offsetAt(new vscode.Position(line, 0));
      const at = locateText(it.text, doc.getText(new vscode.Range(line, 0, end, doc.lineAt(end).text.length)), doc.lineAt(line).text.length + 1);
      return { text: it.text, line, offsets: at && ((s, e) => [base + at[s], base + at[e]]) };
    });
    return { targets, count };
  }
  const range = new vscode.Range(selection.start, new vscode.Position(last, doc.lineAt(last).text.length)).intersection(selection) ?? selection;
  const base = doc.offsetAt(range.start);
  const lines = lineItems(doc.getText(range));
  const targets = lines.slice(0, MAX_EXPLAIN_ITEMS).map((l): Target => ({
    text: l.text,
    line: doc.positionAt(base + l.start).line,
    offsets: (s, e) => [base + l.start + s, base + l.start + e],
  }));
  return { targets, count: lines.length };
}

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
  // each item's label and strongest words at the end of its line, when several items are explained
  const notes = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  let decorated: vscode.TextEditor | undefined;
  const clear = (): void => {
    decorated?.setDecorations(supports, []);
    decorated?.setDecorations(opposes, []);
    decorated?.setDecorations(notes, []);
    decorated = undefined;
  };
  services.context.subscriptions.push(
    supports,
    opposes,
    notes,
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
      const sel = editor.selection;
      const remembered = services.context.workspaceState.get(columnMemoryKey(doc.uri.fsPath));
      // (a selection that ends at the start of a line does not take that line)
      const last = sel.end.line > sel.start.line && sel.end.character === 0 ? sel.end.line - 1 : sel.end.line;
      let targets: Target[];
      let count = 1;
      if (!sel.isEmpty && last > sel.start.line) {
        // Several lines: each feedback item on them
        ({ targets, count } = await selectedItems(doc, sel, last, remembered).catch((err: unknown) => {
          services.output.warn(`Explain Sentiment: could not read the items on lines ${sel.start.line + 1}-${last + 1} (${(err as Error)?.message}); explaining each selected line as it is.`);
          return selectedItems(doc, sel, last, undefined, false);
        }));
        if (!targets.length) {
          void vscode.window.showInformationMessage(`No feedback on lines ${sel.start.line + 1}-${last + 1} (only a header, blank or skipped lines): select the feedback to explain.`);
          return undefined;
        }
      } else {
        let range = sel.isEmpty ? doc.lineAt(sel.active.line).range : new vscode.Range(sel.start, sel.end);
        let text = doc.getText(range);
        // No selection, or one whole line (as the Report view opens an item), in a saved table (CSV, TSV, JSON,
        // JSONL): explain the row's feedback text, not its other columns.
        const rowPick = sel.isEmpty || sel.isEqual(doc.lineAt(sel.start.line).range);
        const cell = rowPick && scope && !doc.isDirty
          ? await feedbackCellAt(doc, sel.start.line, remembered).catch((err: unknown) => {
              services.output.warn(`Explain Sentiment: could not read the row at line ${sel.start.line + 1} (${(err as Error)?.message}); explaining the line as it is.`);
              return undefined;
            })
          : undefined;
        if (cell) ({ range, text } = cell);
        const base = doc.offsetAt(range.start);
        // Word spans map onto the editor only when the text is the range's own characters.
        targets = [{ text, line: range.start.line, offsets: !cell || cell.inLine ? (s, e) => [base + s, base + e] : undefined }];
      }
      if (targets.length === 1 && !targets[0].text.trim()) {
        void vscode.window.showInformationMessage('Select some feedback text (or put the cursor on a non-empty line) to explain its sentiment.');
        return undefined;
      }
      // A file shown in the wrong encoding (a GB18030 file opened as UTF-8) would be explained as mojibake.
      const detected = scope ? await sourceEncoding(scope.fsPath) : undefined;
      const shownAs = (doc as unknown as { encoding?: string }).encoding;
      // (only a non-UTF-8 file shown as UTF-8: a Latin-1 file the user reopened as ISO 8859-1 reads fine)
      const misread = !!detected && detected !== 'utf8bom' && (shownAs === 'utf8' || shownAs === 'utf8bom');
      if (targets.some((t) => t.text.includes('\uFFFD')) || misread) {
        void vscode.window.showWarningMessage(
          `This text is shown in the wrong encoding${detected ? ` (the file reads as ${detected}${shownAs ? `, the editor shows it as ${shownAs}` : ''})` : ''}, so it cannot be explained as it is. Use "Reopen with Encoding" (the encoding in the status bar)${detected ? ` and pick ${detected}` : ''}, then explain again.`,
        );
        return undefined;
      }
      try {
        const results = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Explaining sentiment', cancellable: true },
          async (progress, token) => {
            const ac = new AbortController();
            const sub = token.onCancellationRequested(() => ac.abort());
            try {
              const { classifier } = await models.get({ signal: ac.signal, scope, report: (message) => progress.report({ message }) });
              const twoWay = readConfig(scope, services.output).twoWay;
              const out: ExplainResult[] = [];
              for (const t of targets) {
                progress.report({ message: targets.length > 1 ? `Item ${out.length + 1} of ${targets.length} (line ${t.line + 1})…` : 'Scoring each word…' });
                const t0 = Date.now();
                const r = await classifier.explain(t.text, ac.signal, { twoWay });
                services.output.info(`Explain: ${t.text.length} chars, ${r.tokens.length} words in ${Date.now() - t0} ms.`);
                out.push(r);
              }
              return out;
            } finally {
              sub.dispose();
            }
          },
        );
        clear();
        const where = doc.uri.fsPath || doc.uri.toString();
        const marks: Record<'pro' | 'con', vscode.DecorationOptions[]> = { pro: [], con: [] };
        const itemNotes: vscode.DecorationOptions[] = [];
        targets.forEach((target, i) => {
          const result = results[i];
          const shown = significantTokens(result.tokens);
          if (target.offsets) {
            for (const t of shown) {
              const [s, e] = target.offsets(t.start, t.end);
              marks[side(t) > 0 ? 'pro' : 'con'].push({ range: new vscode.Range(doc.positionAt(s), doc.positionAt(e)), hoverMessage: new vscode.MarkdownString(hoverText(t, result)) });
            }
          }
          const summary = explainSummary(result);
          if (targets.length > 1) {
            const at = doc.lineAt(target.line).range.end;
            itemNotes.push({ range: new vscode.Range(at, at), hoverMessage: new vscode.MarkdownString(summary), renderOptions: { after: { contentText: itemNote(result) } } });
          }
          services.output.info(`Explain Sentiment (${where}:${target.line + 1}): ${summary}`);
          services.output.info(
            `  scores: ${SENTIMENT_LABELS.map((l) => `${l} ${result.scores[l].toFixed(3)}`).join(', ')}; words: ` +
              shown.map((t) => `${shortUnit(t.token)} ${side(t) >= 0 ? '+' : '-'}${weightText(t.weight)}`).join(', ') +
              ` (a ${result.units === 'passages' ? 'passage' : 'word'}'s number: how much P(${result.label}) falls without it; negative: it rises)`,
          );
        });
        editor.setDecorations(supports, marks.pro);
        editor.setDecorations(opposes, marks.con);
        editor.setDecorations(notes, itemNotes);
        decorated = editor;
        const message = targets.length > 1 ? itemsSummary(targets.map((t, i) => ({ line: t.line + 1, result: results[i] })), count) : explainSummary(results[0]);
        if (targets.length > 1) services.output.info(`Explain Sentiment: ${message}`);
        void vscode.window.showInformationMessage(message, 'Show Output', 'Clear Highlights').then((pick) => {
          if (pick === 'Show Output') services.output.show(true);
          else if (pick === 'Clear Highlights') clear();
        });
        return targets.length > 1 ? results : results[0];
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

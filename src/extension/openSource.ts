// Opens a feedback file in the editor in the encoding the readers found for it (GB18030, UTF-16, Windows-1252):
// VS Code guesses UTF-8 by default (files.autoGuessEncoding is off), which turns a GB18030 file into mojibake and makes
// the opened line (and Explain Sentiment on it) wrong. VS Code 1.100+ takes the encoding when opening a document; an
// older one ignores the option and guesses as before.
import * as vscode from 'vscode';
import { sourceEncoding } from '../core/readers/decode';

export { sourceEncoding };

type OpenWithEncoding = (uri: vscode.Uri, options?: { encoding?: string }) => Thenable<vscode.TextDocument>;

/** Opens `file` as a text document in its detected encoding. */
export async function openSourceDocument(file: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.file(file);
  const encoding = await sourceEncoding(file);
  if (!encoding) return vscode.workspace.openTextDocument(uri);
  return (vscode.workspace.openTextDocument as unknown as OpenWithEncoding)(uri, { encoding });
}

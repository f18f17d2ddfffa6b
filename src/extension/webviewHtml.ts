// Host-side HTML shell for webviews: strict CSP with a per-load nonce, only local scripts/styles
// through asWebviewUri. Reusable by every Product Forge webview.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** Options for webviews: scripts on, resources only from dist/webview and media. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export interface ShellOptions {
  webview: vscode.Webview;
  extensionUri: vscode.Uri;
  /** Bundle name under dist/webview ("report" -> report.js + report.css). */
  bundle: string;
  title: string;
  /** Initial body markup (static; the script renders the rest). */
  body?: string;
}

export function webviewShell(o: ShellOptions): string {
  const nonce = makeNonce();
  const res = (file: string): vscode.Uri => o.webview.asWebviewUri(vscode.Uri.joinPath(o.extensionUri, 'dist', 'webview', file));
  const csp = [
    "default-src 'none'",
    `img-src ${o.webview.cspSource} data:`,
    `style-src ${o.webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${o.webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${res(`${o.bundle}.css`)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
${o.body ?? ''}
<script nonce="${nonce}" src="${res(`${o.bundle}.js`)}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

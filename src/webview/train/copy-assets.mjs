// Copies the codicon font + stylesheet the Train view links (dist/webview/codicon.css, codicon.ttf):
// webviews may only load files under the extension's dist/, never from node_modules.
// Called by scripts/build.mjs: `await (await import('../src/webview/train/copy-assets.mjs')).copyTrainAssets(root)`.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export function copyTrainAssets(root) {
  const src = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  const out = path.join(root, 'dist', 'webview');
  mkdirSync(out, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    const from = path.join(src, f);
    if (!existsSync(from)) throw new Error(`copy-assets: ${from} is missing; run npm install`);
    copyFileSync(from, path.join(out, f));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) copyTrainAssets(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..'));

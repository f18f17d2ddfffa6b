// Bundles the extension host code, the workers, the CLI and the webviews with esbuild.
// onnxruntime-node stays external (its native binary is copied per platform by scripts/package.mjs);
// sharp (image support we never use) is replaced by an empty module so no native image library ships.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const nodeEntries = [
  ['src/extension/extension.ts', 'dist/extension.js'],
  ['src/runtime/worker.ts', 'dist/worker.js'],
  ['src/runtime/inference-thread.ts', 'dist/inference-thread.js'],
  ['src/runtime/train-worker.ts', 'dist/train-worker.js'],
  ['src/runtime/cv-worker.ts', 'dist/cv-worker.js'],
  ['src/cli/main.ts', 'dist/cli.js'],
];
const webEntries = [
  ['src/webview/train/main.ts', 'dist/webview/train.js'],
  ['src/webview/report/main.ts', 'dist/webview/report.js'],
];

const stubSharp = {
  name: 'stub-sharp',
  setup(build) {
    build.onResolve({ filter: /^sharp$/ }, () => ({ path: 'sharp', namespace: 'stub' }));
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const common = { bundle: true, sourcemap: true, minify, logLevel: 'warning', absWorkingDir: root };
const builds = [];
for (const [src, out] of nodeEntries) {
  if (!existsSync(path.join(root, src))) continue;
  builds.push({
    ...common,
    entryPoints: [src],
    outfile: out,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'onnxruntime-node'],
    plugins: [stubSharp],
    // transformers.js reads import.meta.url in its ESM paths; the CJS build does not need it.
    define: { 'import.meta.url': 'undefined' },
  });
}
for (const [src, out] of webEntries) {
  if (!existsSync(path.join(root, src))) continue;
  builds.push({ ...common, entryPoints: [src], outfile: out, platform: 'browser', target: 'es2022', format: 'iife' });
}

mkdirSync(path.join(root, 'dist'), { recursive: true });
// Static webview assets (codicon font + CSS) must live under dist/: webviews cannot load node_modules.
await (await import('../src/webview/train/copy-assets.mjs')).copyTrainAssets(root);
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log(`watching ${builds.length} bundles`);
} else {
  const t0 = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.length} bundles in ${Date.now() - t0} ms`);
}

// Shared by the runtime tests (not a test file itself): builds the real worker bundle the same way
// scripts/build.mjs does, into .test-artifacts/ inside the repo so it resolves node_modules.
import * as esbuild from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

let built: Promise<string> | undefined;

export function buildWorker(): Promise<string> {
  built ??= (async () => {
    const outfile = path.join(repoRoot, '.test-artifacts', 'runtime', `worker-${process.pid}.js`);
    await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints: [path.join(repoRoot, 'src/runtime/worker.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'error',
      external: ['vscode', 'onnxruntime-node'],
      define: { 'import.meta.url': 'undefined' },
      plugins: [
        {
          name: 'stub-sharp',
          setup(build) {
            build.onResolve({ filter: /^sharp$/ }, () => ({ path: 'sharp', namespace: 'stub' }));
            build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
          },
        },
      ],
    });
    // The model worker starts its inference thread from inference-thread.js next to its own bundle.
    const threadFile = path.join(path.dirname(outfile), 'inference-thread.js');
    await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints: [path.join(repoRoot, 'src/runtime/inference-thread.ts')],
      outfile: threadFile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
      external: ['onnxruntime-node'],
    });
    process.once('exit', () => {
      for (const f of [outfile, `${outfile}.map`]) rmSync(f, { force: true });
    });
    return outfile;
  })();
  return built;
}

export const SENTIMENT_ID = 'product-forge/sentiment-en-zh';
export const bundledModelsDir = path.join(repoRoot, 'models');

/** The bundled sentiment model folder, when it has been built (config + tokenizer + onnx). */
export function bundledSentimentDir(): string | undefined {
  const dir = path.join(bundledModelsDir, ...SENTIMENT_ID.split('/'));
  const ok = ['config.json', 'tokenizer.json', 'onnx/model.onnx'].every((f) => existsSync(path.join(dir, f)));
  return ok ? dir : undefined;
}

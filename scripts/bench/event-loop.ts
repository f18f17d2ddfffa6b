// Quick, Node-only check of how long an analysis holds its thread: analyzeFeedback + writeReport + summary JSON run on
// this script's main thread here, as they run on the model worker's thread in VS Code and the CLI (which must keep
// answering cancel, progress and other requests meanwhile); here the model worker only classifies.
// Prints the max event-loop delay per phase and overall, measured with monitorEventLoopDelay, and the stalls over 40 ms
// with the analysis phase they fell in. `npm run bench` measures the extension host itself in real VS Code.
//   npm run build && node --import tsx scripts/bench/event-loop.ts [--items 100000] [--csv] [--json]
// --json: a last line LOOP_RESULT {…} (npm run bench's row (e)), with an idle Node process's delay over the same window.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { analyzeFeedback, disposeAnalysis, publicResult, writeReport } from '../../src/core/analysis';
import { ModelRuntime } from '../../src/runtime/client';
import { createSentimentClassifier } from '../../src/runtime/sentiment';
import { startProbe } from './idle-probe';

/** Histogram sampling interval; Node records whole intervals, so a reading minus this is the delay. */
const RESOLUTION_MS = 10;

const root = path.resolve(__dirname, '..', '..');
const arg = (n: string, d: string) => (process.argv.includes(`--${n}`) ? process.argv[process.argv.indexOf(`--${n}`) + 1] : d);
const ITEMS = Number(arg('items', '100000'));
const csv = process.argv.includes('--csv');
const json = process.argv.includes('--json');

const SUBJECTS = ['The app', 'Checkout', 'Search', 'The new dashboard', 'Onboarding', 'Customer support', 'Sync', 'Pricing', 'Login', 'Dark mode'];
const OPINIONS = ['is fantastic', 'is really slow today', 'keeps crashing on startup', 'is fine I guess', 'is fast but the export is broken',
  'looks great, however it lost my data', 'is okay', 'is way too expensive', '界面很漂亮，但是同步太慢了', '客服回复很及时'];

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pf-loop-'));
  let s = 1;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  const pick = <T,>(a: T[]) => a[Math.floor(r() * a.length)];
  const file = path.join(tmp, csv ? 'feedback.csv' : 'feedback.txt');
  const lines: string[] = csv ? ['date,plan,rating,text'] : [];
  for (let i = 0; i < ITEMS; i++) {
    const t = `${pick(SUBJECTS)} ${pick(OPINIONS)} #${i}`;
    lines.push(csv ? `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${pick(['free', 'pro', 'team'])},${1 + (i % 5)},"${t}"` : t);
  }
  writeFileSync(file, lines.join('\n') + '\n');

  const runtime = new ModelRuntime({ workerScript: path.join(root, 'dist', 'worker.js') });
  const modelDir = path.join(root, 'models', 'product-forge', 'sentiment-en-zh');
  const classifier = await createSentimentClassifier(runtime, { modelId: 'product-forge/sentiment-en-zh', modelDir, device: 'cpu', maxLength: 256 });

  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const phases: Record<string, number> = {};
  const phase = async <T,>(name: string, fn: () => Promise<T>): Promise<T> => {
    const p = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    p.enable();
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      p.disable();
      phases[name] = Math.max(0, p.max / 1e6 - RESOLUTION_MS);
      console.log(`${name.padEnd(10)} ${((performance.now() - t0) / 1000).toFixed(2)} s, max delay ${phases[name].toFixed(1)} ms`);
    }
  };
  // Stalls over 40 ms, with the analysis phase they happened in.
  let cur = 'start';
  let last = performance.now();
  const stalls: { ms: number; at: string }[] = [];
  const iv = setInterval(() => {
    const now = performance.now();
    if (now - last > 40) stalls.push({ ms: now - last, at: cur });
    last = now;
  }, 5);
  const probe = json ? startProbe() : undefined;
  h.enable();
  const t0 = performance.now();
  const result = await phase('analyze', () => analyzeFeedback([file], { classifier, tempDir: tmp, onProgress: (p) => (cur = `${p.phase} @${p.itemsDone}`) }));
  cur = 'report';
  const secs = (performance.now() - t0) / 1000;
  await phase('report', () => writeReport(result, { workspaceDir: tmp, baseName: 'feedback' }));
  await phase('summary', async () => JSON.stringify(publicResult(result), null, 2).length);
  h.disable();
  clearInterval(iv);
  const reference = await probe?.stop();
  stalls.sort((a, b) => b.ms - a.ms);
  if (stalls.length) console.log(`${stalls.length} stalls > 40 ms; longest: ${stalls.slice(0, 8).map((x) => `${x.ms.toFixed(0)} ms (${x.at})`).join(', ')}`);
  console.log(`${result.total} items in ${secs.toFixed(2)} s (${(result.total / secs).toFixed(1)} items/s); clauses ${result.aspects.clausesClassified}`);
  console.log(`event loop max delay ${Math.max(0, h.max / 1e6 - RESOLUTION_MS).toFixed(1)} ms (mean ${Math.max(0, h.mean / 1e6 - RESOLUTION_MS).toFixed(1)} ms) beyond the ${RESOLUTION_MS} ms sampling interval`);
  if (json) {
    const out = {
      items: result.total,
      format: csv ? 'csv' : 'txt',
      maxDelayMs: Math.max(0, h.max / 1e6 - RESOLUTION_MS),
      meanDelayMs: Math.max(0, h.mean / 1e6 - RESOLUTION_MS),
      phases,
      longestStall: stalls[0] ? `${stalls[0].ms.toFixed(0)} ms (${stalls[0].at})` : null,
      reference: reference ?? null,
    };
    console.log(`LOOP_RESULT ${JSON.stringify(out)}`);
  }
  await disposeAnalysis(result);
  await runtime.dispose();
  rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

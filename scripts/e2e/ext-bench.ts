// Extension-side numbers for scripts/bench/bench.mjs, measured in real VS Code (code-server):
// installs the .vsix, opens a workspace holding one feedback file, right-clicks it -> "Analyze
// Feedback", waits for the report and reads the extension's own log lines
//   "activated in <ms> ms" and "event loop max delay <ms> ms" (output channel "Product Forge").
// Prints one line: BENCH_RESULT {"activationMs":…,"eventLoopMaxDelayMs":…,"analyzeSeconds":…,…}
//   node --import tsx scripts/e2e/ext-bench.ts --vsix build/product-forge-linux-x64.vsix --workspace DIR --file NAME [--timeout-s 1200]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startProbe } from '../bench/idle-probe';
import { E2ESession } from './harness';

// The reference for (d), over the same window: an idle Node process (scripts/bench/idle-probe.ts).

/** CPU time (all cores) stolen by the hypervisor and total, from /proc/stat (Linux), in clock ticks. */
function cpuTicks(): { steal: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (def !== undefined) return def;
  throw new Error(`--${name} is required`);
}

/** True once the analysis shows its progress notification or logs its start. */
async function started(s: E2ESession, timeout: number): Promise<boolean> {
  for (const until = Date.now() + timeout; Date.now() < until; ) {
    if (/Model .*: bundled|Analyzing /.test(s.outputChannelLog('Product Forge'))) return true;
    if ((await s.notifications().catch(() => [] as string[])).some((n) => /Analyzing feedback/i.test(n))) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main() {
  const vsix = arg('vsix', 'build/product-forge-linux-x64.vsix');
  const workspace = path.resolve(arg('workspace'));
  const file = arg('file');
  const timeoutMs = Number(arg('timeout-s', '1200')) * 1000;
  const result: Record<string, unknown> = { activationMs: null, eventLoopMaxDelayMs: null, eventLoopMeanDelayMs: null };
  const s = await E2ESession.start({ name: 'bench', vsix, fixture: workspace });
  try {
    result.workbenchMs = s.timings.workbenchMs;
    // The extension's menu contributions can appear a few seconds after the workbench (busy machine),
    // and a click can be swallowed while the large file opens: retry until the extension logs the start.
    for (const until = Date.now() + 180_000; ;) {
      try {
        await s.rightClickExplorerItem(file);
        await s.chooseContextMenuItem('Analyze Feedback');
        if (await started(s, 30_000)) break;
        throw new Error('Analyze Feedback did not start');
      } catch (e) {
        await s.page.keyboard.press('Escape').catch(() => undefined);
        if (Date.now() > until) throw e;
        await s.screenshot('retry').catch(() => undefined);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    const t0 = Date.now();
    const probe = startProbe();
    const cpu0 = cpuTicks();
    await s.screenshot('started');
    const deadline = Date.now() + timeoutMs;
    let report: string | undefined;
    while (!report) {
      report = s.findFiles('.product-forge/reports/*/report.md')[0];
      const log = s.outputChannelLog('Product Forge');
      const err = log.split('\n').find((l) => /\[error\]/.test(l));
      if (err) throw new Error(`the extension logged an error: ${err}`);
      if (!report && Date.now() > deadline) throw new Error(`no report within ${timeoutMs / 1000} s`);
      if (!report) await new Promise((r) => setTimeout(r, 500));
    }
    result.analyzeSeconds = (Date.now() - t0) / 1000;
    const ref = await probe.stop();
    const cpu1 = cpuTicks();
    if (ref) { result.referenceMaxDelayMs = ref.max; result.referenceMeanDelayMs = ref.mean; result.referenceStalls = ref.stalls.map(([ms, at]) => `${ms} ms at ${at} s`).join(', '); }
    if (cpu0 && cpu1 && cpu1.total > cpu0.total) result.stealPercent = (100 * (cpu1.steal - cpu0.steal)) / (cpu1.total - cpu0.total);
    // the event-loop line is written when the analysis finishes
    await s.waitForLog('Product Forge', /event loop max delay/, 30_000).catch(() => undefined);
    await s.screenshot('done');
    const log = s.outputChannelLog('Product Forge');
    const act = log.match(/activated in ([\d.]+) ms/);
    const loop = log.match(/event loop max delay ([\d.]+) ms(?: \(mean ([\d.]+) ms\))?/);
    const hist = log.match(/event loop max delay [^\n]*?histogram max ([\d.]+) ms/);
    if (hist) result.eventLoopHistogramMaxMs = Number(hist[1]);
    const rate = log.match(/([\d.]+) items\/s/);
    if (act) result.activationMs = Number(act[1]);
    // activation = bundle evaluation + activate(); VS Code's own wait between the two is reported apart
    const wait = log.match(/host wait before activate\(\) ([\d.]+) ms/);
    if (wait) result.activationHostWaitMs = Number(wait[1]);
    if (loop) { result.eventLoopMaxDelayMs = Number(loop[1]); if (loop[2]) result.eventLoopMeanDelayMs = Number(loop[2]); }
    if (rate) result.extensionItemsPerSec = Number(rate[1]);
    const loadLoop = log.match(/([\d.]+) ms \(mean [\d.]+ ms\) while finding and loading the model/);
    const openLoop = log.match(/([\d.]+) ms \(mean [\d.]+ ms\) while opening the report/);
    if (loadLoop) result.eventLoopLoadMaxDelayMs = Number(loadLoop[1]);
    if (openLoop) result.eventLoopOpenMaxDelayMs = Number(openLoop[1]);
    const stall = log.match(/longest stall ([\d.]+) ms at ([\d.]+) s, worker phase "([^"]*)"/);
    if (stall) result.eventLoopLongestStall = `${stall[1]} ms at ${stall[2]} s (worker: ${stall[3] || 'starting'})`;
    const gc = log.match(/longest GC pause ([\d.]+) ms, ([a-z ]+), at ([\d.-]+) s/);
    if (gc) result.eventLoopLongestGc = `${gc[1]} ms (${gc[2]}) at ${gc[3]} s`;
    result.logTail = log.split('\n').slice(-6).join('\n');
  } catch (e) {
    result.error = (e as Error).message;
    await s.screenshot('error').catch(() => undefined);
  } finally {
    await s.close();
  }
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

main().catch((e) => { console.log(`BENCH_RESULT ${JSON.stringify({ error: (e as Error).message })}`); process.exit(1); });
